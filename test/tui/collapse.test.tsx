import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import React from 'react';
import { render } from 'ink-testing-library';
import { DenialStore } from '../../src/tui/denial-store.js';
import { App } from '../../src/tui/app.js';
import { collapseGroups, collapser, isGroupKey, targetPattern } from '../../src/tui/collapse.js';
import { denialColumns, denialRowText } from '../../src/tui/views/denial-list.js';
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

test('a flood of one-count /proc/NNNN/status denial groups is one row with the summed count; a single pattern stays itself', () => {
  const snap = flood(1500).snapshot();
  const c = collapseGroups(snap.groups);
  assert.equal(c.rows.length, 2);
  const g = c.rows.find((r) => r.target.endsWith('/proc/@{pid}/status'))!;
  assert.equal(g.count, 1500);
  assert.equal(g.target, '[1500] /proc/@{pid}/status');
  assert.equal([...c.members.values()][0].length, 1500);
  const expanded = collapseGroups(snap.groups, [g.key]);
  assert.equal(expanded.rows.length, 1502);
});

test("a collapsed row's pids: exact when no member left any out; else what is certain, said to be a lower bound", () => {
  const store = new DenialStore();
  // two members, each from the same 20 pids: 16 listed and 4 left out by each, the same 4
  for (const n of [1, 2]) for (let i = 0; i < 20; i++) store.add(denial({ name: `/proc/${n}/status`, pid: String(500 + i) }, { verdict: 'missing-rule' }));
  const row = collapseGroups(store.snapshot().groups).rows[0];
  assert.equal(row.count, 40);
  assert.deepEqual([row.pids.length, row.pidsMore, row.pidsMoreAtLeast], [8, 12, true], '20 pids are certain, not 16 + 4 + 4');
  const exact = new DenialStore();
  for (const n of [1, 2]) for (let i = 0; i < 5; i++) exact.add(denial({ name: `/proc/${n}/status`, pid: String(500 + n * 10 + i) }, { verdict: 'missing-rule' }));
  const row2 = collapseGroups(exact.snapshot().groups).rows[0];
  assert.deepEqual([row2.pids.length, row2.pidsMore, row2.pidsMoreAtLeast], [8, 2, false]);
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

test('the remembering collapser (one per view) gives what collapseGroups gives, snapshot after snapshot of a changing flood', () => {
  const store = new DenialStore({ maxGroups: 400 });
  const collapse = collapser();
  const verdicts = ['missing-rule', 'likely-attack', 'unclear'] as const;
  let checked = 0;
  for (let round = 0; round < 40; round++) {
    // new members, members seen again (a changed copy), a verdict that rises, evictions past 400 groups
    for (let i = 0; i < 60; i++) {
      const n = (round * 37 + i * 11) % 700;
      const name = n % 5 === 0 ? `/etc/conf-${n % 3}` : n % 5 === 1 ? `/proc/${n}/task/${n + 1}/comm` : n % 5 === 2 ? `/run/user/${n}/bus` : `/dev/pts/${n % 40}`;
      store.add(denial({ name, pid: String(4000 + n), comm: `c${n % 4}`, operation: n % 2 ? 'open' : 'mknod' }, { verdict: verdicts[(n + round) % 3], time: 1_800_000_000_000 + round * 1000 + i }));
    }
    const list = store.snapshot().groups;
    const expanded = round % 4 === 0 ? [] : [...collapseGroups(list).members.keys()].slice(0, round % 3);
    for (const l of [list, list.slice().reverse(), list.filter((_, k) => k % 3 !== 0)]) {
      const want = collapseGroups(l, expanded);
      const got = collapse(l, expanded);
      assert.deepEqual(got.rows, want.rows, `round ${round}`);
      assert.deepEqual([...got.members], [...want.members], `round ${round}`);
      checked += want.members.size;
    }
  }
  assert.ok(checked > 200, `${checked} collapsed rows compared`);
  assert.deepEqual(collapse([]), { rows: [], members: new Map() });
});

test('a collapsed row too wide for its column keeps its count and the segment with the wildcard; other targets are cut as before', () => {
  const store = new DenialStore();
  for (let i = 0; i < 30; i++)
    store.add(denial({ name: `/var/lib/containers/storage/overlay-layers/cache/${1000 + i}/config.json`, pid: String(9000 + i) }, { verdict: 'missing-rule', time: 1_800_000_000_000 + i }));
  store.add(denial({ name: '/var/lib/containers/storage/overlay-layers/cache/plain/config.json' }, { verdict: 'missing-rule', time: 1_800_000_000_100 }));
  const { rows } = collapseGroups(store.snapshot().groups);
  const group = rows.find((r) => isGroupKey(r.key))!;
  const single = rows.find((r) => !isGroupKey(r.key))!;
  for (const width of [80, 90, 100]) {
    const c = denialColumns(width);
    const text = denialRowText(group, c, 1_800_000_001_000);
    assert.match(text, /\[30\] \S*…\/\[0-9\]\*\//, `${width}: the count and the wildcard's segment`);
    assert.match(denialRowText(single, c, 1_800_000_001_000), /\/var\S*…\S*\/config\.json /, `${width}: the single row is cut in the middle`);
  }
  // wide enough: the whole pattern
  assert.ok(denialRowText(group, denialColumns(200), 1_800_000_001_000).includes('[30] /var/lib/containers/storage/overlay-layers/cache/[0-9]*/config.json'));
});
