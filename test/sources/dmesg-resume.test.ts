// dmesg resumption after a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DmesgResume, dmesgStamp } from '../../src/sources/dmesg-resume.js';

test('dmesg resumption: skips exactly what the previous run delivered', () => {
  const lines = ['[    1.000000] a', '[    2.000000] b', '[    2.000000] c', ' continuation', '[    3.000000] d'];
  assert.equal(dmesgStamp(lines[0]), 1_000_000);
  assert.equal(dmesgStamp('<6>[ 12.5] x'), 12_500_000);
  const r = new DmesgResume();
  assert.deepEqual(
    lines.slice(0, 2).filter((l) => r.admit(l)),
    lines.slice(0, 2),
  );
  r.restart();
  assert.deepEqual(
    lines.filter((l) => r.admit(l)),
    ['[    2.000000] c', ' continuation', '[    3.000000] d'],
  );
  assert.equal(r.replayed, 2);
  r.restart();
  assert.deepEqual(
    [...lines, '[    4.000000] e'].filter((l) => r.admit(l)),
    ['[    4.000000] e'],
  );
  const fresh = new DmesgResume();
  fresh.restart();
  assert.ok(fresh.admit(lines[0]), 'nothing read yet: nothing to skip');
});
