/**
 * IntRowMap keeps and forgets the same keys at the same moments as BoundedMap (both in
 * src/classify/sequence.ts), and hands back the same rows when it forgets: random streams of gets
 * and sets over key ranges below, at and far past the bound.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedMap, IntRowMap } from '../../src/classify/sequence.js';
import { prng } from '../../bench/generate.mjs';

function run(seed: number, max: number, keys: number, steps: number, spread: number): void {
  const r = prng(seed);
  const droppedPlain: number[] = [];
  const droppedInt: number[] = [];
  const plain = new BoundedMap<number, number>(max, (gone, kept) => {
    for (const [k, row] of gone) if (!kept.has(k)) droppedPlain.push(row);
  });
  const ints = new IntRowMap(max, (row) => droppedInt.push(row));
  let nextRow = 0;
  for (let i = 0; i < steps; i++) {
    // keys anywhere in the 30 bits the digest halves have, or few and close together
    const k = spread > 0 ? Math.floor(r() * keys) * spread : Math.floor(r() * keys);
    if (r() < 0.5) {
      const a = plain.get(k);
      const b = ints.get(k);
      assert.equal(b, a ?? -1, `step ${i}: get ${k}`);
    } else {
      let row = nextRow++;
      if (r() < 0.2) {
        // set again with the row it has (as the repeat table does), found by a get on both sides
        const a = plain.get(k);
        assert.equal(ints.get(k), a ?? -1, `step ${i}: get ${k} before set`);
        if (a !== undefined) row = a;
      }
      plain.set(k, row);
      ints.set(k, row);
    }
    assert.equal(ints.size, plain.size, `step ${i}: size`);
    assert.deepEqual(
      [...droppedInt].sort((x, y) => x - y),
      [...droppedPlain].sort((x, y) => x - y),
      `step ${i}: rows handed back`,
    );
  }
}

test('keys within the bound: the same answers', () => {
  run(1, 64, 20, 5_000, 0);
});

test('keys past the bound (both generations turn over): the same answers, the same rows handed back', () => {
  run(2, 64, 500, 20_000, 0);
  run(3, 4096, 30_000, 40_000, 0);
});

test('keys spread over 30 bits (the digest halves): the same answers', () => {
  run(4, 256, 2_000, 20_000, 536_870);
});
