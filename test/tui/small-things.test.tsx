import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import React from 'react';
import { render } from 'ink-testing-library';
import { nearestNames } from '../../src/actions/did-you-mean.js';
import { helpRows, KEYMAP } from '../../src/tui/keymap.js';
import { SORT_MODES, sortIncidents } from '../../src/tui/view-model.js';
import { IncidentStore } from '../../src/store/incident-store.js';
import { App } from '../../src/tui/app.js';
import { MONO_THEME } from '../../src/tui/theme.js';
import { denial, modelOf, TestFeed, until } from './fixtures.js';

test('in the demo an action key says why actions are off instead of doing nothing', async () => {
  const s = new IncidentStore();
  s.add(denial({}, { verdict: 'likely-attack', time: 1_800_000_000_000 }));
  const app = render(<App feed={new TestFeed(modelOf(s, { columns: 120, rows: 24 }))} mode="demo" facts={new Map()} theme={MONO_THEME} utc helpNote="Action keys exist only in live mode" onQuit={() => {}} onPause={() => {}} onRedraw={() => {}} />);
  try {
    const frame = () => app.lastFrame() ?? '';
    await until(() => frame().includes('? help'), 'first frame');
    await new Promise((r) => setImmediate(r));
    app.stdin.write('u');
    await until(() => frame().includes('u: actions are off for the demo'), 'the reason in the status line');
    app.stdin.write('j');
    await until(() => !frame().includes('actions are off'), 'gone at the next key');
  } finally {
    app.unmount();
  }
});

test('act on an unknown name suggests the nearest declared ones', () => {
  const names = ['/usr/sbin/nginx', '/usr/sbin/nginx//helper', 'thumbnail-renderer', 'alpha'];
  assert.deepEqual(nearestNames('nginx', names)[0], '/usr/sbin/nginx');
  assert.deepEqual(nearestNames('/usr/sbin/ngnix', names)[0], '/usr/sbin/nginx');
  assert.deepEqual(nearestNames('zzzzzzzz', names), []);
});

test('s sorts by every column in turn; each key help row fits an 80-column help', () => {
  const s = new IncidentStore();
  s.add(denial({ name: '/b', operation: 'open' }, { verdict: 'missing-rule', time: 2 }));
  s.add(denial({ name: '/a', operation: 'exec', pid: '1' }, { verdict: 'missing-rule', time: 1 }));
  const list = s.snapshot().incidents;
  assert.deepEqual(sortIncidents(list, 'target').map((i) => i.target), ['/a', '/b']);
  assert.deepEqual(sortIncidents(list, 'operation').map((i) => i.operation), ['exec', 'open']);
  assert.deepEqual(sortIncidents(list, 'first').map((i) => i.target), ['/a', '/b']);
  assert.ok(SORT_MODES.length >= 9);
  for (const r of helpRows(KEYMAP)) assert.ok(3 + 16 + r.help.length <= 80, `${r.keys}: ${r.help}`);
});
