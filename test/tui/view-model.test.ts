// What the screens derive from the snapshot: filters, sort, the timeline, the action log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandRows, notUndone, parseFilter, matches, sortGroups, timelineItems } from '../../src/tui/view-model.js';
import { DenialStore } from '../../src/tui/denial-store.js';
import { denial, status } from './fixtures.js';
import { actionLogLines } from '../../src/tui/views/action-log.js';
import { MONO_THEME } from '../../src/tui/theme.js';

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
  const order = sortGroups(s.snapshot().groups, 'attacks').map((i) => i.target);
  assert.deepEqual(order, ['/attack-new', '/attack-old', '/rule-new', '/unclassified'], 'no verdict sorts after every judged one');
  assert.deepEqual(sortGroups(s.snapshot().groups, 'latest').map((i) => i.target)[0], '/rule-new');
});

test('the timeline interleaves records and operator actions in time order', () => {
  const s = new DenialStore();
  s.add(status('report-exporter', 'profile_replace', 3000));
  s.add(denial({}, { time: 1000 }));
  s.addAction({ v: 1, id: 'x', phase: 'intent', time: new Date(2000).toISOString(), operator: 'oncall', host: 'h', action: 'complain', profile: 'report-exporter', argv: [['aa-complain', 'f']] });
  const items = timelineItems(s.snapshot(), undefined);
  assert.deepEqual(
    items.map((i) => i.kind),
    ['incident', 'record', 'action', 'record'],
  );
});

test('the action log lists every command with its exit status, and intents without a result', () => {
  const base = { v: 1 as const, time: '2026-11-22T03:05:05Z', operator: 'oncall', host: 'h', profile: 'p' };
  const rows = commandRows(
    [
      {
        ...base,
        id: 'a',
        phase: 'intent',
        action: 'disable',
        argv: [
          ['ln', '-s', 'x', 'y'],
          ['apparmor_parser', '-R', 'x'],
        ],
      },
      {
        ...base,
        id: 'a',
        phase: 'result',
        action: 'disable',
        argv: [
          ['ln', '-s', 'x', 'y'],
          ['apparmor_parser', '-R', 'x'],
        ],
        exitCodes: [0, 1],
        outcome: 'failed',
      },
      { ...base, id: 'b', phase: 'intent', action: 'unload', argv: [['apparmor_parser', '-R', 'z']] },
    ],
    undefined,
  );
  assert.equal(rows.length, 3);
  // one profile of a file that declares several: what the parser read is on its row
  const alone = commandRows([{ ...base, id: 'c', phase: 'intent', action: 'unload', argv: [['apparmor_parser', '-R', '-K']], input: 'lines 1-2 of /etc/apparmor.d/multi' }], undefined);
  assert.equal(alone[0].input, 'lines 1-2 of /etc/apparmor.d/multi');
  const shown = actionLogLines({ rows: alone, start: 0, selected: 0, page: 10, utc: true, journal: '/j', width: 100, height: 20, theme: MONO_THEME })
    .map((l) => l.map((x) => x.text).join(''))
    .join('\n');
  assert.match(shown, /\$ apparmor_parser -R -K\n {3}read on standard input: lines 1-2 of \/etc\/apparmor\.d\/multi/);
  // a complain that wrote the profile's flags: the lines written are on the row of its command
  const replaced = [{ at: 0, from: '/usr/sbin/nginx {', to: '/usr/sbin/nginx flags=(complain) {' }];
  const flags = commandRows(
    [
      {
        ...base,
        id: 'd',
        phase: 'intent',
        action: 'complain',
        argv: [['apparmor_parser', '-r', '/etc/apparmor.d/usr.sbin.nginx']],
        edits: [{ file: '/etc/apparmor.d/usr.sbin.nginx', at: 0, replaced, diff: [] }],
      },
    ],
    undefined,
  );
  const wrote = actionLogLines({ rows: flags, start: 0, selected: 0, page: 10, utc: true, journal: '/j', width: 120, height: 20, theme: MONO_THEME })
    .map((l) => l.map((x) => x.text).join(''))
    .join('\n');
  assert.match(wrote, /wrote line 1 of \/etc\/apparmor\.d\/usr\.sbin\.nginx: \/usr\/sbin\/nginx flags=\(complain\) \{ \(was \/usr\/sbin\/nginx \{\)/);
  assert.deepEqual(
    rows.map((r) => [r.argv[0], r.exit, r.done]),
    [
      ['ln', 0, true],
      ['apparmor_parser', 1, true],
      ['apparmor_parser', undefined, false],
    ],
  );
});

test('the action log says which loosening actions are not undone, newest first, whatever the filter', () => {
  const at = (m: number) => `2026-11-22T03:${String(m).padStart(2, '0')}:00Z`;
  const entry = (id: string, action: 'complain' | 'enforce' | 'unload' | 'reload', profile: string, m: number, extra: object = {}) => [
    { v: 1 as const, id, phase: 'intent' as const, time: at(m), operator: 'oncall', host: 'h', action, profile, argv: [['apparmor_parser', '-r', 'f']], ...extra },
    {
      v: 1 as const,
      id,
      phase: 'result' as const,
      time: at(m),
      operator: 'oncall',
      host: 'h',
      action,
      profile,
      argv: [['apparmor_parser', '-r', 'f']],
      exitCodes: [0],
      outcome: 'verified' as const,
      ...extra,
    },
  ];
  const journal = [
    ...entry('a', 'complain', 'report-exporter', 5),
    ...entry('b', 'unload', '/usr/sbin/nginx', 6),
    ...entry('c', 'reload', '/usr/sbin/nginx', 7, { undoOf: 'b' }),
    ...entry('d', 'unload', 'backup-agent', 8, { outcome: 'failed', exitCodes: [1] }),
  ];
  assert.deepEqual(
    notUndone(journal).map((a) => `${a.action} ${a.profile}`),
    ['complain report-exporter'],
    'the undone unload and the failed one are not listed',
  );
  const rows = commandRows(journal, parseFilter('nginx'));
  assert.deepEqual(
    rows.map((r) => [r.id, !!r.notUndone]),
    [
      ['b', false],
      ['c', false],
    ],
  );
  const shown = actionLogLines({ rows, notUndone: notUndone(journal), canUndo: true, start: 0, selected: 0, page: 10, utc: true, journal: '/j', width: 100, height: 20, theme: MONO_THEME })
    .map((l) => l.map((x) => x.text).join(''))
    .join('\n');
  assert.match(shown, /^ Not undone: complain report-exporter \(03:05:00\); z undoes it$/m);
  const all = commandRows(journal, undefined);
  const first = actionLogLines({ rows: all, notUndone: notUndone(journal), canUndo: true, start: 0, selected: 0, page: 10, utc: true, journal: '/j', width: 100, height: 24, theme: MONO_THEME })
    .map((l) => l.map((x) => x.text).join(''))
    .join('\n');
  assert.match(first, / {3}not undone: z undoes it/);
  // a replay or the demo: the journal is shown, and z undoes nothing there
  const replay = actionLogLines({ rows: all, notUndone: notUndone(journal), start: 0, selected: 0, page: 10, utc: true, journal: '/j', width: 100, height: 24, theme: MONO_THEME })
    .map((l) => l.map((x) => x.text).join(''))
    .join('\n');
  assert.match(replay, /^ Not undone: complain report-exporter \(03:05:00\)$/m);
  assert.doesNotMatch(replay, /z undoes/);
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
  const { visibleGroups } = await import('../../src/tui/view-model.js');
  const s = new DenialStore();
  s.add(denial({ pid: '4242' }));
  s.add(denial({ pid: '77', name: '/etc/passwd' }));
  const snap = s.snapshot();
  assert.deepEqual(
    visibleGroups(snap, parseFilter('4242'), 'latest').map((i) => i.pids),
    [['4242']],
  );
  assert.deepEqual(
    visibleGroups(snap, parseFilter('!4242'), 'latest').map((i) => i.target),
    ['/etc/passwd'],
  );
  const records = timelineItems(snap, parseFilter('4242')).filter((x) => x.kind === 'record');
  assert.equal(records.length, 1);
});
