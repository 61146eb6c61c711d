// Time order across sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import type { AppArmorRecord } from '../../src/model/record.js';
import { TimeOrder } from '../../src/sources/time-order.js';

test('time order: releases what arrived before the cutoff, sorted by record time', () => {
  const out: number[] = [];
  const o = new TimeOrder((r) => out.push(r.serial!));
  const rec = (serial: number, time?: number) => ({ serial, time }) as AppArmorRecord;
  o.add(rec(3, 3000), 100);
  o.add(rec(1, 1000), 110);
  o.add(rec(2, 2000), 200);
  assert.equal(o.release(150), 0, 'nothing left due');
  assert.deepEqual(out, [1, 3]);
  o.add(rec(4), 210); // no time: keeps its arrival place (its key is the arrival)
  assert.equal(o.release(Infinity), 0);
  assert.deepEqual(out, [1, 3, 4, 2]);
  assert.equal(o.size, 0);
});

test('time order: a long backlog is released in time-boxed slices, still in order', () => {
  const out: number[] = [];
  let slow = 0;
  const o = new TimeOrder((r) => {
    out.push(r.time!);
    const until = performance.now() + 0.01; // a sink that takes a while per record
    while (performance.now() < until) slow++;
  });
  for (let i = 0; i < 20_000; i++) o.add({ time: 20_000 - i } as AppArmorRecord, 1);
  const left = o.release(Infinity, 5);
  assert.ok(left > 0 && left < 20_000, `a slice, not all at once (left ${left})`);
  while (o.release(Infinity, 5) > 0);
  assert.equal(out.length, 20_000);
  assert.deepEqual(
    out,
    [...out].sort((a, b) => a - b),
  );
  assert.ok(slow > 0);
});
