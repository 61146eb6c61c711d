import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { render } from 'ink-testing-library';
import { App, type AppProps } from '../../src/tui/app.js';
import { DenialStore } from '../../src/tui/denial-store.js';
import { MONO_THEME, COLOR_THEME } from '../../src/tui/theme.js';
import { VERDICT_LABEL } from '../../src/tui/format.js';
import { denial, modelOf, TestFeed, until } from './fixtures.js';

const NOW = 1_800_000_000_000;
const mounted: { unmount(): void }[] = [];
// A failed assertion must not leave an app mounted (its stdin listener keeps the test alive).
afterEach(() => {
  for (const a of mounted.splice(0)) a.unmount();
});

function demoStore(): DenialStore {
  const s = new DenialStore();
  s.add(denial({ name: '/usr/share/GeoIP/x.mmdb' }, { verdict: 'missing-rule', time: NOW - 600_000 }));
  s.add(denial({ operation: 'exec', name: '/usr/bin/dash', requested_mask: 'x', denied_mask: 'x' }, { verdict: 'likely-attack', time: NOW - 12_000 }));
  // names that differ in letters, not numbers: a flood of numbered names would collapse into one row
  for (let i = 0; i < 40; i++)
    s.add(
      denial(
        { profile: 'backup-agent', name: `/var/lib/f${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}` },
        { verdict: 'missing-rule', time: NOW - 60_000 - i * 1000 },
      ),
    );
  return s;
}

function setup(store = demoStore(), size = { columns: 80, rows: 24 }, extra: Partial<AppProps> = {}) {
  const feed = new TestFeed(modelOf(store, size, NOW));
  const calls = { quit: 0, pause: 0, redraw: 0 };
  const app = render(<App feed={feed} mode="demo" facts={new Map()} theme={MONO_THEME} utc onQuit={() => calls.quit++} onPause={() => calls.pause++} onRedraw={() => calls.redraw++} {...extra} />);
  mounted.push(app);
  const frame = () => app.lastFrame() ?? '';
  return { feed, app, calls, frame, store };
}

async function press(app: ReturnType<typeof render>, frame: () => string, keys: string, expect: (f: string) => boolean, what: string) {
  app.stdin.write(keys);
  await until(() => expect(frame()), what);
}

// ink-testing-library needs the effects (useInput) to be in place before keys are written.
async function ready(frame: () => string) {
  await until(() => frame().includes('? help'), 'first frame');
  await new Promise((r) => setImmediate(r));
}

test('the frame is at most rows - 1 lines and no line is wider than the terminal', async () => {
  for (const size of [
    { columns: 80, rows: 24 },
    { columns: 132, rows: 50 },
    { columns: 200, rows: 30 },
  ]) {
    const { frame, app } = setup(undefined, size);
    await ready(frame);
    const lines = frame().split('\n');
    assert.ok(lines.length <= size.rows - 1, `${lines.length} lines at ${size.rows} rows`);
    for (const l of lines) assert.ok([...l].length <= size.columns, `line fits ${size.columns}: ${l}`);
    app.unmount();
  }
});

test('likely attacks are listed first with a glyph and a word, and DEMO is marked', async () => {
  const { frame, app } = setup();
  await ready(frame);
  const rows = frame().split('\n');
  const first = rows.findIndex((l) => l.includes('VERDICT')) + 1;
  assert.ok(rows[first].includes(VERDICT_LABEL['likely-attack']), rows[first]);
  assert.ok(rows[first].includes('/usr/bin/dash'));
  assert.ok(rows[first].includes('12s ago'));
  assert.ok(rows[0].includes('DEMO'));
  assert.ok(rows[rows.length - 1].includes('DEMO'));
  app.unmount();
});

test('j/k, Enter opens the detail with evidence; Esc goes back; q quits at the top', async () => {
  const { frame, app, calls } = setup();
  await ready(frame);
  await press(app, frame, 'j', (f) => /^>.*GeoIP|^>.*backup-agent/m.test(f), 'selection moved');
  await press(app, frame, 'k', (f) => /^>.*\/usr\/bin\/dash/m.test(f), 'selection back');
  await press(app, frame, '\r', (f) => f.includes('Decoded fields'), 'detail');
  assert.ok(frame().includes('reason for likely-attack'));
  await press(app, frame, 'G', (f) => f.includes('Evidence') && f.includes('test.log:'), 'evidence at the end of the detail');
  await press(app, frame, '\x1b', (f) => f.includes('VERDICT'), 'back to the list');
  assert.equal(calls.quit, 0);
  app.stdin.write('q');
  await until(() => calls.quit === 1, 'quit');
  app.unmount();
});

test('PgDn and G move through a list longer than the screen', async () => {
  const { frame, app } = setup();
  await ready(frame);
  await press(app, frame, 'G', (f) => /^>.*GeoIP/m.test(f), 'last row selected (the oldest)');
  assert.ok(!frame().includes('/usr/bin/dash'), 'the window moved');
  await press(app, frame, 'g', (f) => /^>.*\/usr\/bin\/dash/m.test(f), 'first row again');
  await press(app, frame, '\x1b[6~', (f) => !/^>.*\/usr\/bin\/dash/m.test(f), 'page down');
  app.unmount();
});

test('/ filters, ! inverts, Esc clears', async () => {
  const { frame, app } = setup();
  await ready(frame);
  await press(app, frame, '/dash', (f) => f.includes('/dash_'), 'prompt shows what is typed');
  await press(app, frame, '\r', (f) => f.includes('filter: dash') && !f.includes('backup-agent'), 'filtered');
  await press(app, frame, '/', (f) => f.includes('Enter keep'), 'prompt again');
  app.stdin.write('\x7f'.repeat(4));
  await press(app, frame, '!dash\r', (f) => f.includes('filter: !dash') && !f.includes('/usr/bin/dash') && f.includes('backup-agent'), 'inverted');
  await press(app, frame, '\x1b', (f) => !f.includes('filter:') && f.includes('/usr/bin/dash'), 'cleared');
  app.unmount();
});

test('Space asks to pause, Ctrl-L to redraw, Ctrl-C quits even while typing a filter', async () => {
  const { frame, app, calls } = setup();
  await ready(frame);
  app.stdin.write(' ');
  await until(() => calls.pause === 1, 'pause');
  app.stdin.write('\x0c');
  await until(() => calls.redraw === 1, 'redraw');
  await press(app, frame, '/ab', (f) => f.includes('/ab_'), 'typing');
  app.stdin.write('\x03');
  await until(() => calls.quit === 1, 'Ctrl-C quits');
  app.unmount();
});

test('Ctrl-Z asks to suspend; when it cannot, the footer says why and the view stays', async () => {
  let asked = 0;
  const { frame, app } = setup(demoStore(), { columns: 120, rows: 24 }, { onSuspend: () => (asked++, 'Ctrl-Z: no shell with job control started aa-triage here') });
  await ready(frame);
  app.stdin.write('\x1a');
  await until(() => frame().includes('no shell with job control'), 'the reason');
  assert.equal(asked, 1);
  await press(app, frame, 'j', (f) => !f.includes('no shell with job control'), 'the next key clears it');
  // at a prompt too, which is as it was afterwards
  await press(app, frame, '/ab', (f) => f.includes('/ab_'), 'typing a filter');
  app.stdin.write('\x1a');
  await until(() => asked === 2, 'Ctrl-Z at the prompt');
  assert.ok(frame().includes('/ab_'), frame());
});

test('paused shows PAUSED (N new) and the frozen list', async () => {
  const store = demoStore();
  const { frame, feed, app } = setup(store);
  await ready(frame);
  store.setPaused(true);
  store.add(denial({ name: '/late' }, { verdict: 'likely-attack' }));
  feed.set({ snap: store.snapshot() });
  await until(() => frame().includes('PAUSED (1 new)'), 'paused badge');
  assert.ok(!frame().includes('/late'));
  app.unmount();
});

test('the help overlay lists the keys from the keymap, action keys only with an action handler', async () => {
  const { frame, app } = setup();
  await ready(frame);
  await press(app, frame, '?', (f) => f.includes('closes this help'), 'help');
  await press(app, frame, 'G', (f) => f.includes('Ctrl-L') && f.includes('-- end'), 'the help scrolls to its end');
  assert.ok(!/complain mode/.test(frame()));
  await press(app, frame, '?', (f) => f.includes('VERDICT'), 'help closed');
  app.unmount();
  const withActions = setup(undefined, { columns: 100, rows: 60 }, { onAction: () => {} });
  await ready(withActions.frame);
  await press(withActions.app, withActions.frame, '?', (f) => f.includes('complain mode'), 'action keys in help');
  withActions.app.unmount();
});

test('screens 2-4 and Tab switch panes; a profile row opens its denials', async () => {
  const { frame, app } = setup(undefined, { columns: 100, rows: 30 });
  await ready(frame);
  await press(app, frame, '2', (f) => f.includes('[2 Profiles]') && f.includes('backup-agent'), 'profiles');
  // profiles with likely attacks come first
  await press(app, frame, '\r', (f) => f.includes('[1 Denials]') && f.includes('filter: /usr/sbin/nginx') && !f.includes('backup-agent'), 'denials of the profile');
  await press(app, frame, '3', (f) => f.includes('[3 Timeline]'), 'timeline');
  await press(app, frame, '\t', (f) => f.includes('[4 Actions]') && f.includes('no commands run'), 'tab to the action log');
  app.unmount();
});

test('a new likely attack is announced by a banner while the engineer is elsewhere', async () => {
  const { frame, feed, app } = setup();
  await ready(frame);
  await press(app, frame, '3', (f) => f.includes('[3 Timeline]'), 'timeline');
  feed.set({ alerts: [{ seq: 1, key: 'k', text: '/usr/sbin/nginx exec /usr/bin/curl' }] });
  await until(() => frame().includes('NEW LIKELY ATTACK: /usr/sbin/nginx exec /usr/bin/curl'), 'banner');
  assert.ok(frame().split('\n').length <= 23);
  await press(app, frame, '1', (f) => f.includes('[1 Denials]') && !f.includes('NEW LIKELY ATTACK'), 'seen on the list');
  await press(app, frame, '2', (f) => f.includes('[2 Profiles]'), 'elsewhere again');
  assert.ok(!frame().includes('NEW LIKELY ATTACK'), 'an alert is shown until seen, not again');
  app.unmount();
});

test('a log string cannot reach the terminal raw: escape sequences are shown escaped', async () => {
  const s = new DenialStore();
  const evil = '/tmp/\x1b]52;c;ZWNobyBoaQ==\x07\x1b[2J\x9b31m';
  s.add(denial({ name: evil, comm: 'x\x1b]0;title\x07' }, { verdict: 'likely-attack', time: NOW }));
  const { frame, app } = setup(s, { columns: 160, rows: 40 });
  await ready(frame);
  const check = (f: string) => {
    assert.ok(!f.includes('\x07'), 'no BEL');
    assert.ok(!f.includes('\x1b]'), 'no OSC');
    assert.ok(!f.includes('\x9b'), 'no C1 CSI');
    assert.ok(!f.includes('\x1b[2J'), 'no clear screen');
  };
  check(frame());
  assert.ok(frame().includes('\\x1b]52;c;'), frame());
  await press(app, frame, '\r', (f) => f.includes('Decoded fields'), 'detail');
  check(frame());
  await press(app, frame, 'G', (f) => f.includes('Evidence'), 'evidence');
  check(frame());
  await press(app, frame, '3', (f) => f.includes('[3 Timeline]'), 'timeline');
  check(frame());
  app.unmount();
});

test('resize re-lays out: wider terminals get more columns, the frame stays within the new height', async () => {
  const { frame, feed, app } = setup();
  await ready(frame);
  assert.ok(!frame().includes('PIDS'));
  feed.set({ size: { columns: 140, rows: 30 } });
  await until(() => frame().includes('PIDS') && frame().includes('FIRST'), 'wide columns');
  feed.set({ size: { columns: 80, rows: 10 } });
  await until(() => !frame().includes('PIDS') && frame().split('\n').length <= 9, 'small again');
  app.unmount();
});

test('the monochrome theme has no colour at all, and every verdict has a word', () => {
  const colours = [...Object.values(MONO_THEME.verdict), ...Object.values(MONO_THEME.mode), MONO_THEME.accent, MONO_THEME.bad, MONO_THEME.good];
  assert.ok(colours.every((c) => c === undefined));
  assert.ok(Object.values(COLOR_THEME.verdict).some((c) => c !== undefined));
  for (const label of Object.values(VERDICT_LABEL)) assert.ok(label.trim().length > 0);
});

test('an access that was allowed (complain mode) says so in the list, not only in the detail', async () => {
  const s = new DenialStore();
  s.add(denial({ profile: 'backup-agent', name: '/var/lib/postgresql/.pgpass' }, { kind: 'ALLOWED', verdict: 'unclear', time: NOW }));
  s.add(denial({ name: '/etc/shadow' }, { verdict: 'likely-attack', time: NOW }));
  const { frame } = setup(s);
  await ready(frame);
  assert.match(frame(), /backup-agent\s+open\s+ALLOWED \/var/);
  assert.match(frame(), /\/usr\/sbin\/nginx\s+open\s+\/etc\/shadow/);
});

test('keys that arrive in one chunk act in turn: "?G" opens the help and scrolls it to the end', async () => {
  const { frame, app } = setup();
  await ready(frame);
  await press(app, frame, '?G', (f) => f.includes('closes this help') === false && f.includes('-- end'), 'the help at its end');
  await press(app, frame, 'qj\r', (f) => f.includes('Why:'), 'q, j, Enter in one chunk open the second denial group');
  assert.ok(frame().includes('GeoIP') || frame().includes('backup-agent'));
});
