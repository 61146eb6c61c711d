import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import React from 'react';
import { render } from 'ink-testing-library';
import { DenialStore } from '../../src/tui/denial-store.js';
import { App } from '../../src/tui/app.js';
import { collapseIncidents, targetPattern } from '../../src/tui/collapse.js';
import { MONO_THEME } from '../../src/tui/theme.js';
import { denial, modelOf, TestFeed, until } from './fixtures.js';

test('targetPattern globs pids, numbers, UUIDs, hex ids, session scopes and /dev/pts/N', () => {
  assert.equal(targetPattern('/proc/2211/status'), '/proc/@{pid}/status');
  assert.equal(targetPattern('/proc/2211/task/2213/comm'), '/proc/@{pid}/task/@{tid}/comm');
  assert.equal(targetPattern('/dev/pts/7'), '/dev/pts/[0-9]*');
  assert.equal(targetPattern('/run/containers/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/config.json'), '/run/containers/*/config.json');
  assert.equal(targetPattern('/sys/fs/cgroup/user.slice/session-42.scope/memory.max'), '/sys/fs/cgroup/user.slice/session-*.scope/memory.max');
  assert.equal(targetPattern('/var/cache/app/deadbeef01/blob'), '/var/cache/app/*/blob');
  assert.equal(targetPattern('/etc/shadow'), '/etc/shadow');
});

function flood(n: number): DenialStore {
  const store = new DenialStore();
  for (let i = 0; i < n; i++) store.add(denial({ name: `/proc/${1000 + i}/status`, pid: String(1000 + i) }, { verdict: 'missing-rule', time: 1_800_000_000_000 - i }));
  store.add(denial({ name: '/etc/shadow' }, { verdict: 'likely-attack', time: 1_800_000_000_000 }));
  return store;
}

test('a flood of one-count /proc/NNNN/status incidents is one row with the summed count; a single pattern stays itself', () => {
  const snap = flood(1500).snapshot();
  const c = collapseIncidents(snap.incidents);
  assert.equal(c.rows.length, 2);
  const g = c.rows.find((r) => r.target.endsWith('/proc/@{pid}/status'))!;
  assert.equal(g.count, 1500);
  assert.equal(g.target, '[1500] /proc/@{pid}/status');
  assert.equal([...c.members.values()][0].length, 1500);
  const expanded = collapseIncidents(snap.incidents, [g.key]);
  assert.equal(expanded.rows.length, 1502);
});

test('in the view: the flood is one row; Enter lists its members under it, Enter again folds them', async () => {
  const store = flood(40);
  const feed = new TestFeed(modelOf(store, { columns: 120, rows: 30 }));
  const app = render(<App feed={feed} mode="replay" facts={new Map()} theme={MONO_THEME} utc onQuit={() => {}} onPause={() => {}} onRedraw={() => {}} />);
  try {
    const frame = () => app.lastFrame() ?? '';
    await until(() => frame().includes('@{pid}/status'), 'the collapsed row');
    assert.ok(!frame().includes('/proc/1001/status'));
    await new Promise((r) => setImmediate(r));
    app.stdin.write('j');
    await until(() => /^>.*@\{pid\}/m.test(frame()), 'the flood row selected');
    app.stdin.write('\r');
    await until(() => frame().includes('/proc/1000/status'), 'the members');
    app.stdin.write('\r');
    await until(() => !frame().includes('/proc/1000/status'), 'folded again');
  } finally {
    app.unmount();
  }
});
