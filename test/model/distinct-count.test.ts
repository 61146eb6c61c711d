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
