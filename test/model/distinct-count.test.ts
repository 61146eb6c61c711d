import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DistinctCount } from '../../src/model/distinct-count.js';

describe('DistinctCount', () => {
  it('counts each key once, through the table growing', () => {
    const c = new DistinctCount(1000);
    for (let round = 0; round < 3; round++) for (let k = 0; k < 500; k++) c.note(k * 7919);
    assert.equal(c.count, 500);
    assert.equal(c.atLeast, false);
  });

  it('tells keys apart whose low bits are the same, and takes 0 and the largest 53-bit key', () => {
    const c = new DistinctCount(16);
    for (const k of [0, 2 ** 20, 2 ** 40, 2 ** 53 - 2, 2 ** 20, 0]) c.note(k);
    assert.equal(c.count, 4);
  });

  it('stops at its limit and says the count is a lower bound from then on', () => {
    const c = new DistinctCount(8);
    for (let k = 0; k < 8; k++) c.note(k);
    c.note(3); // known: still exact
    assert.deepEqual([c.count, c.atLeast], [8, false]);
    c.note(100);
    assert.deepEqual([c.count, c.atLeast], [8, true]);
  });
});

describe('DistinctCount with an estimate past its limit', () => {
  it('is exact up to its limit, then estimates within a few percent, pids in a row or hashes alike', () => {
    for (const n of [500, 5_000, 100_000]) {
      const pids = new DistinctCount(96, { estimate: true });
      const hashes = new DistinctCount(96, { estimate: true });
      for (let i = 0; i < n; i++) {
        pids.note(2000 + i);
        pids.note(2000 + (i >> 1)); // each met again
        hashes.note(Math.floor(((i * 2654435761) % 2 ** 32) * 2 ** 21 + (i % 2 ** 21)));
      }
      for (const c of [pids, hashes]) {
        assert.equal(c.estimated, true);
        assert.ok(Math.abs(c.count - n) < n * 0.2, `${n}: ${c.count}`);
      }
    }
    const few = new DistinctCount(96, { estimate: true });
    for (let k = 0; k < 96; k++) few.note(k);
    for (let k = 0; k < 96; k++) few.note(k);
    assert.deepEqual([few.count, few.estimated, few.atLeast], [96, false, false], 'exact at the limit');
    few.note(1000);
    assert.equal(few.estimated, true);
    assert.ok(few.count > 96, 'past the limit it never says less than it knew');
  });
});
