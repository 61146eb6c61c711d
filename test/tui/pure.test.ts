import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clockTime, dateTime, relTime, validZone, wrapRows } from '../../src/tui/format.js';
import { helpRows, KEYMAP, keymapFor, intentFor } from '../../src/tui/keymap.js';
import { applyIntent, editFilter, INITIAL_UI, type ListContext, type UiState } from '../../src/tui/ui-state.js';
import { commandRows, parseFilter, matches, sortIncidents, windowStart, timelineItems } from '../../src/tui/view-model.js';
import { terminalSize } from '../../src/tui/terminal.js';
import { DenialStore } from '../../src/tui/denial-store.js';
import { tuiMode, wantsTui } from '../../src/commands/tui.js';
import { parseCli } from '../../src/commands/args.js';
import { denial, status } from './fixtures.js';
import type { Key } from 'ink';

const noKey: Key = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false };

function ctx(keys: string[], attack: boolean[] = keys.map(() => false)): ListContext {
  return { keys, attack, page: 10, detailLines: 40, incidentKeys: keys, incidentAttack: attack };
}

test('relative times are compact and say "ago"', () => {
  const now = 1_800_000_000_000;
  assert.equal(relTime(now - 12_000, now), '12s ago');
  assert.equal(relTime(now - 3 * 60_000 - 5000, now), '3m ago');
  assert.equal(relTime(now - 2 * 3600_000, now), '2h ago');
  assert.equal(relTime(now - 300, now), 'now');
  assert.equal(relTime(undefined, now), '-');
});

test('a 0-column pty falls back to $COLUMNS/$LINES, then 80x24', () => {
  assert.deepEqual(terminalSize({ columns: 0, rows: 0 }, { COLUMNS: '132', LINES: '50' }), { columns: 132, rows: 50 });
  assert.deepEqual(terminalSize({ columns: 0, rows: 0 }, {}), { columns: 80, rows: 24 });
  assert.deepEqual(terminalSize({}, { COLUMNS: 'x' }), { columns: 80, rows: 24 });
  assert.deepEqual(terminalSize({ columns: 200, rows: 60 }, { COLUMNS: '10' }), { columns: 200, rows: 60 });
});

test('the help is generated from the keymap table that handles keys', () => {
  const rows = helpRows(keymapFor({ actions: false }));
  for (const b of keymapFor({ actions: false })) if (b.keys) assert.ok(rows.some((r) => r.keys === b.keys), `${b.keys} in help`);
  assert.ok(!rows.some((r) => r.group === 'Actions'), 'no action keys without an action handler');
  const withActions = helpRows(keymapFor({ actions: true }));
  for (const k of ['c', 'u', 'd', 'z']) assert.ok(withActions.some((r) => r.keys === k), `${k} in help when actions exist`);
  assert.deepEqual(intentFor(KEYMAP, 'j', noKey), { type: 'move', by: 1 });
  assert.deepEqual(intentFor(KEYMAP, 'c', { ...noKey, ctrl: true }), { type: 'quit' });
  assert.deepEqual(intentFor(KEYMAP, 'l', { ...noKey, ctrl: true }), { type: 'redraw' });
  assert.equal(intentFor(keymapFor({ actions: false }), 'c', noKey), undefined);
});

test('q goes back, and quits only from the incident list', () => {
  let s: UiState = { ...INITIAL_UI, screen: 'profiles' };
  let step = applyIntent(s, { type: 'quitOrBack' }, ctx(['a']));
  assert.equal(step.state.screen, 'incidents');
  assert.equal(step.effect, undefined);
  s = { ...INITIAL_UI, detail: 'a' };
  step = applyIntent(s, { type: 'quitOrBack' }, ctx(['a']));
  assert.equal(step.state.detail, undefined);
  assert.equal(step.effect, undefined);
  step = applyIntent({ ...INITIAL_UI, help: true }, { type: 'quitOrBack' }, ctx(['a']));
  assert.equal(step.state.help, false);
  step = applyIntent(INITIAL_UI, { type: 'quitOrBack' }, ctx(['a']));
  assert.deepEqual(step.effect, { type: 'quit' });
  step = applyIntent(INITIAL_UI, { type: 'back' }, ctx(['a']));
  assert.equal(step.effect, undefined, 'Esc never quits');
});

test('selection follows the row, not the index, and n jumps to the next likely attack', () => {
  const keys = ['a', 'b', 'c', 'd'];
  let s = applyIntent(INITIAL_UI, { type: 'move', by: 1 }, ctx(keys)).state;
  assert.equal(s.selected.incidents, 'b');
  s = applyIntent(s, { type: 'bottom' }, ctx(keys)).state;
  assert.equal(s.selected.incidents, 'd');
  s = applyIntent(s, { type: 'move', by: 5 }, ctx(keys)).state;
  assert.equal(s.selected.incidents, 'd', 'clamped');
  s = applyIntent(s, { type: 'top' }, ctx(keys)).state;
  s = applyIntent(s, { type: 'nextMatch', by: 1 }, ctx(keys, [false, false, true, false])).state;
  assert.equal(s.selected.incidents, 'c');
  s = applyIntent(s, { type: 'open' }, ctx(keys)).state;
  assert.equal(s.detail, 'c');
});

test('filter prompt: typed text, Enter keeps, Esc clears, control characters dropped', () => {
  let s = applyIntent(INITIAL_UI, { type: 'filter' }, ctx([])).state;
  assert.equal(s.editing, true);
  s = editFilter(s, 'ng', noKey);
  s = editFilter(s, 'x\x1b[2J', noKey);
  assert.equal(s.filter, 'ngx[2J');
  s = editFilter(s, '', { ...noKey, backspace: true });
  s = editFilter(s, '', { ...noKey, return: true });
  assert.equal(s.editing, false);
  assert.equal(s.filter, 'ngx[2');
  s = applyIntent(s, { type: 'filter' }, ctx([])).state;
  s = editFilter(s, '', { ...noKey, escape: true });
  assert.equal(s.filter, '');
});

test('filters match case-insensitively and ! inverts', () => {
  assert.equal(matches(parseFilter('NGINX'), '/usr/sbin/nginx'), true);
  assert.equal(matches(parseFilter('!nginx'), '/usr/sbin/nginx'), false);
  assert.equal(matches(parseFilter('!nginx'), 'backup-agent'), true);
  assert.equal(parseFilter('!'), undefined);
});

test('default sort puts likely attacks first, then the latest', () => {
  const s = new DenialStore();
  s.add(denial({ name: '/rule-new' }, { verdict: 'missing-rule', time: 5000 }));
  s.add(denial({ name: '/attack-old' }, { verdict: 'likely-attack', time: 1000 }));
  s.add(denial({ name: '/unclassified' }, { time: 3000 }));
  s.add(denial({ name: '/attack-new' }, { verdict: 'likely-attack', time: 2000 }));
  const order = sortIncidents(s.snapshot().incidents, 'attacks').map((i) => i.target);
  assert.deepEqual(order, ['/attack-new', '/attack-old', '/rule-new', '/unclassified'], 'no verdict sorts after every judged one');
  assert.deepEqual(sortIncidents(s.snapshot().incidents, 'latest').map((i) => i.target)[0], '/rule-new');
});

test('list windowing moves as little as possible and never past the end', () => {
  assert.equal(windowStart(0, 5, 10, 100), 0);
  assert.equal(windowStart(0, 12, 10, 100), 3);
  assert.equal(windowStart(3, 4, 10, 100), 3);
  assert.equal(windowStart(3, 1, 10, 100), 1);
  assert.equal(windowStart(90, 99, 10, 20), 10);
  assert.equal(windowStart(5, 0, 10, 5), 0);
});

test('the timeline interleaves records and operator actions in time order', () => {
  const s = new DenialStore();
  s.add(status('report-exporter', 'profile_replace', 3000));
  s.add(denial({}, { time: 1000 }));
  s.addAction({ v: 1, id: 'x', phase: 'intent', time: new Date(2000).toISOString(), operator: 'oncall', host: 'h', action: 'complain', profile: 'report-exporter', argv: [['aa-complain', 'f']] });
  const items = timelineItems(s.snapshot(), undefined);
  assert.deepEqual(items.map((i) => i.kind), ['incident', 'record', 'action', 'record']);
});

test('the action log lists every command with its exit status, and intents without a result', () => {
  const base = { v: 1 as const, time: '2026-11-22T03:05:05Z', operator: 'oncall', host: 'h', profile: 'p' };
  const rows = commandRows(
    [
      { ...base, id: 'a', phase: 'intent', action: 'disable', argv: [['ln', '-s', 'x', 'y'], ['apparmor_parser', '-R', 'x']] },
      { ...base, id: 'a', phase: 'result', action: 'disable', argv: [['ln', '-s', 'x', 'y'], ['apparmor_parser', '-R', 'x']], exitCodes: [0, 1], outcome: 'failed' },
      { ...base, id: 'b', phase: 'intent', action: 'unload', argv: [['apparmor_parser', '-R', 'z']] },
    ],
    undefined,
  );
  assert.equal(rows.length, 3);
  assert.deepEqual(rows.map((r) => [r.argv[0], r.exit, r.done]), [['ln', 0, true], ['apparmor_parser', 1, true], ['apparmor_parser', undefined, false]]);
});

test('the interactive view needs a terminal on both ends and no --json/--plain', () => {
  const tty = { stdinTTY: true, stdoutTTY: true, env: {} };
  assert.equal(wantsTui(parseCli(['--demo'], {}), tty), true);
  assert.equal(wantsTui(parseCli(['--demo', '--json'], {}), tty), false);
  assert.equal(wantsTui(parseCli(['--demo', '--plain'], {}), tty), false);
  assert.equal(wantsTui(parseCli(['--demo'], {}), { stdinTTY: false, stdoutTTY: true }), false);
  assert.equal(wantsTui(parseCli(['--demo'], {}), { stdinTTY: true, stdoutTTY: false }), false);
  assert.equal(wantsTui(parseCli(['--demo'], {}), { ...tty, env: { CI: 'true' } }), false, 'Ink in CI mode draws only the last frame');
  assert.equal(wantsTui(parseCli(['--demo'], {}), { ...tty, env: { CI: 'false' } }), true);
  assert.equal(tuiMode(parseCli(['--demo'], {})), 'demo');
  assert.equal(tuiMode(parseCli(['--input', 'x.log'], {})), 'replay');
  assert.equal(tuiMode(parseCli([], {})), 'live');
});

test('long lines wrap at spaces when they can, and are cut after max rows', () => {
  assert.deepEqual(wrapRows('aaaa bbbb cccc', 9), ['aaaa bbbb', 'cccc']);
  assert.deepEqual(wrapRows('x'.repeat(25), 10), ['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  assert.deepEqual(wrapRows('x'.repeat(50), 10, 2), ['x'.repeat(10), `${'x'.repeat(9)}…`]);
});

test('times in UTC, in a --tz zone, and a zone Intl does not know', () => {
  const t = Date.UTC(2026, 10, 22, 3, 11, 48);
  assert.equal(clockTime(t, true), '03:11:48');
  assert.equal(dateTime(t, true), '2026-11-22 03:11:48 UTC');
  assert.equal(clockTime(t, false, 'Asia/Tokyo'), '12:11:48');
  assert.equal(dateTime(t, false, 'America/New_York'), '2026-11-21 22:11:48 America/New_York');
  assert.equal(clockTime(Date.UTC(2026, 10, 22, 0, 5, 0), false, 'Europe/Berlin'), '01:05:00', 'midnight hours are 00-23, never 24');
  assert.equal(validZone('Europe/Berlin'), true);
  assert.equal(validZone('Mars/Olympus'), false);
});

test('the action log names journal lines it could not read instead of hiding them', async () => {
  const { actionLogLines } = await import('../../src/tui/views/action-log.js');
  const { MONO_THEME } = await import('../../src/tui/theme.js');
  const s = new DenialStore();
  s.replaceActions([], [3, 9]);
  const snap = s.snapshot();
  const text = actionLogLines({ rows: [], start: 0, selected: 0, page: 10, utc: true, unreadable: snap.actionsUnreadable, width: 100, height: 20, theme: MONO_THEME })
    .map((l) => l.map((x) => x.text).join(''))
    .join('\n');
  assert.match(text, /2 unreadable journal lines skipped \(line 3, 9\)/);
});

test('the action log keeps a gap after every cell: no result, a long profile and an outcome never run into the next column', async () => {
  const { actionLogLines } = await import('../../src/tui/views/action-log.js');
  const { MONO_THEME } = await import('../../src/tui/theme.js');
  const rows = [
    { id: 'a1', time: '2026-01-01T00:00:00.000Z', operator: 'root', action: 'complain', profile: '/usr/lib/a-very-long-profile-name', argv: ['aa-complain', 'x'], done: false },
    { id: 'a2', time: '2026-01-01T00:00:01.000Z', operator: 'root', action: 'unload', profile: 'p', argv: ['apparmor_parser', '-R', 'x'], exit: 0, done: true, outcome: 'unverified' },
  ];
  const lines = actionLogLines({ rows, start: 0, selected: 1, page: 10, utc: true, width: 120, height: 20, theme: MONO_THEME }).map((l) => l.map((x) => x.text).join(''));
  const header = lines[0]!;
  const row = lines.find((l) => l.includes('no result'))!;
  for (const col of ['ACTION', 'PROFILE', 'OUTCOME', 'OPERATOR', 'COMMAND']) {
    const at = header.indexOf(col);
    assert.equal(row[at - 1], ' ', `a gap before ${col} in ${JSON.stringify(row)}`);
  }
  const done = lines.find((l) => l.includes('unverified'))!;
  assert.equal(done[header.indexOf('OPERATOR') - 1], ' ');
});

test('the filter finds a pid shown in the PIDS column, in the groups and in the timeline', async () => {
  const { visibleIncidents } = await import('../../src/tui/view-model.js');
  const s = new DenialStore();
  s.add(denial({ pid: '4242' }));
  s.add(denial({ pid: '77', name: '/etc/passwd' }));
  const snap = s.snapshot();
  assert.deepEqual(visibleIncidents(snap, parseFilter('4242'), 'latest').map((i) => i.pids), [['4242']]);
  assert.deepEqual(visibleIncidents(snap, parseFilter('!4242'), 'latest').map((i) => i.target), ['/etc/passwd']);
  const records = timelineItems(snap, parseFilter('4242')).filter((x) => x.kind === 'record');
  assert.equal(records.length, 1);
});

test('the header names evicted groups apart from loss: nothing is dropped unless records were lost', async () => {
  const { headerLines } = await import('../../src/tui/views/header.js');
  const { COLOR_THEME } = await import('../../src/tui/theme.js');
  const s = new DenialStore({ maxIncidents: 50 });
  for (let i = 0; i < 500; i++) s.add(denial({ name: `/f${i}` }));
  const snap = s.snapshot();
  const n = snap.loss.evicted;
  assert.ok(n > 0);
  const lines = headerLines({ mode: 'replay', paused: false, newSincePause: 0, records: snap.records, verdicts: snap.verdicts, loss: snap.loss, health: [], screen: 'incidents', sortTitle: '', filter: '', width: 100, theme: COLOR_THEME });
  const text = lines.map((l) => l.map((x) => x.text).join('')).join('\n');
  assert.match(text, /0 dropped/);
  assert.match(text, new RegExp(`${n} groups evicted`));
  const loss = lines.flat().find((x) => x.text.includes('loss:'))!;
  assert.equal(loss.color, undefined, 'no loss: not shown as one');
  assert.ok(lines.every((l) => l.map((x) => x.text).join('').length <= 100));
});
