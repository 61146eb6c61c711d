// Keys that arrive in one chunk (typed fast, pasted, or sent over a slow SSH link) each act on the
// screen the key before them produced, not on the screen of the last frame drawn.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { render } from 'ink-testing-library';
import { App } from '../../src/tui/app.js';
import { DenialStore } from '../../src/tui/denial-store.js';
import { MONO_THEME } from '../../src/tui/theme.js';
import { denial, modelOf, TestFeed, until } from './fixtures.js';

const NOW = 1_800_000_000_000;
const mounted: { unmount(): void }[] = [];
afterEach(() => {
  for (const a of mounted.splice(0)) a.unmount();
});

function setup() {
  let quits = 0;
  const s = new DenialStore();
  s.add(denial({ operation: 'exec', name: '/usr/bin/dash', requested_mask: 'x', denied_mask: 'x' }, { verdict: 'likely-attack', time: NOW - 12_000 }));
  s.add(denial({ profile: 'backup-agent', name: '/var/lib/pgpass' }, { verdict: 'missing-rule', time: NOW - 60_000 }));
  const feed = new TestFeed(modelOf(s, { columns: 100, rows: 30 }, NOW));
  const app = render(<App feed={feed} mode="demo" facts={new Map()} theme={MONO_THEME} utc onQuit={() => quits++} onPause={() => {}} onRedraw={() => {}} />);
  mounted.push(app);
  return { app, frame: () => app.lastFrame() ?? '', quits: () => quits };
}

async function ready(frame: () => string) {
  await until(() => frame().includes('? help'), 'first frame');
  await new Promise((r) => setImmediate(r));
}

test('"1" then Enter in one chunk from the Profiles screen opens the selected denial group, not a profile name', async () => {
  const { app, frame } = setup();
  await ready(frame);
  app.stdin.write('2');
  await until(() => frame().includes('[2 Profiles]'), 'profiles');
  app.stdin.write('1\r');
  await until(() => frame().includes('Why:') || frame().includes('no longer kept'), 'a detail');
  assert.ok(frame().includes('/usr/bin/dash') && frame().includes('Why:'), frame());
});

test('a filter typed and kept, then Enter, in one chunk: Enter opens the first row of the filtered list', async () => {
  const { app, frame } = setup();
  await ready(frame);
  app.stdin.write('/backup\r\r');
  await until(() => frame().includes('Why:'), 'a detail');
  assert.ok(frame().includes('/var/lib/pgpass'), frame());
});

// A slow terminal or SSH link can hand Escape and the key after it to the view in one read; Ink
// then reads them as one key with Alt (ESC q is Alt+q). The view binds no Alt key: both keys act.
test('Escape and q in one read: the detail closes, then q quits (not Alt+q, which did nothing)', async () => {
  const { app, frame, quits } = setup();
  await ready(frame);
  app.stdin.write('\r');
  await until(() => frame().includes('Why:'), 'the detail');
  app.stdin.write('\x1bq');
  await until(() => quits() > 0, 'q to quit');
  assert.equal(quits(), 1);
});

test('Escape and a digit in one read: the detail closes, then the digit switches screens', async () => {
  const { app, frame } = setup();
  await ready(frame);
  app.stdin.write('\r');
  await until(() => frame().includes('Why:'), 'the detail');
  app.stdin.write('\x1b2');
  await until(() => frame().includes('[2 Profiles]'), 'the Profiles screen');
  assert.ok(!frame().includes('Why:'), frame());
});

test('Escape and Enter in one read: the filter prompt is left, then Enter opens the selected row', async () => {
  const { app, frame } = setup();
  await ready(frame);
  app.stdin.write('/zzz');
  await until(() => frame().includes('zzz'), 'the prompt');
  app.stdin.write('\x1b\r');
  await until(() => frame().includes('Why:'), 'a detail');
  assert.ok(frame().includes('/usr/bin/dash'), frame());
});
