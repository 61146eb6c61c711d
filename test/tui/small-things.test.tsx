import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { helpRows, KEYMAP } from '../../src/tui/keymap.js';
import { SORT_MODES, sortGroups } from '../../src/tui/view-model.js';
import { DenialStore } from '../../src/tui/denial-store.js';
import { denial } from './fixtures.js';

test('s sorts by every column in turn; each key help row fits an 80-column help', () => {
  const s = new DenialStore();
  s.add(denial({ name: '/b', operation: 'open' }, { verdict: 'missing-rule', time: 2 }));
  s.add(denial({ name: '/a', operation: 'exec', pid: '1' }, { verdict: 'missing-rule', time: 1 }));
  const list = s.snapshot().groups;
  assert.deepEqual(
    sortGroups(list, 'target').map((i) => i.target),
    ['/a', '/b'],
  );
  assert.deepEqual(
    sortGroups(list, 'operation').map((i) => i.operation),
    ['exec', 'open'],
  );
  assert.deepEqual(
    sortGroups(list, 'first').map((i) => i.target),
    ['/a', '/b'],
  );
  assert.ok(SORT_MODES.length >= 9);
  for (const r of helpRows(KEYMAP)) assert.ok(3 + 16 + r.help.length <= 80, `${r.keys}: ${r.help}`);
});
