// When the view compacts its heap: never while keys come or for a small session, once the records
// stop (a flood is over) or, under a flood that goes on, at most once a period; and the runner's
// wiring: a key on the terminal holds it off, the records and the heap it reads are the store's and
// the heap's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { IdleCompaction, type IdleCompactionLimits } from '../../src/tui/idle-compaction.js';
import { compactWhenIdle } from '../../src/tui/runner.js';
import { until } from './fixtures.js';

const MB = 2 ** 20;
const limits: IdleCompactionLimits = { keyQuietMs: 5000, ingestQuietMs: 1000, everyMs: 60_000, minRecords: 1000, minHeld: 64 * MB, growth: 1.25 };

test('idle compaction: only once the records stop, nobody typed for a while and the heap grew', () => {
  const c = new IdleCompaction(0, limits);
  assert.equal(c.due(500, 5000, 200 * MB), false, 'records still coming');
  assert.equal(c.due(1000, 5000, 200 * MB), false, 'quiet for 500 ms only');
  assert.equal(c.due(1500, 5000, 200 * MB), true, 'quiet for a second');
  c.key(1600);
  assert.equal(c.due(2000, 5000, 200 * MB), false, 'a key came');
  assert.equal(c.due(6500, 5000, 200 * MB), false, 'a key 4.9 s ago');
  assert.equal(c.due(6600, 5000, 200 * MB), true, 'nobody typed for 5 s');
  c.done(6700, 5000, 80 * MB);
  assert.equal(c.due(8000, 5000, 200 * MB), false, 'no record since');
  assert.equal(c.due(9000, 5900, 200 * MB), false, 'too few records since');
  assert.equal(c.due(9500, 6000, 90 * MB), false, 'the heap did not grow by a quarter');
  assert.equal(c.due(10_500, 6000, 100 * MB), true);
});

test('idle compaction: a small session never pays for it', () => {
  const c = new IdleCompaction(0, limits);
  assert.equal(c.due(500, 50_000, 40 * MB), false);
  assert.equal(c.due(5000, 50_000, 40 * MB), false);
  assert.equal(c.due(5500, 50_000, 64 * MB), true);
});

test('idle compaction: under a flood that does not stop, once a period when nobody types', () => {
  const c = new IdleCompaction(0, limits);
  let records = 0;
  const compacted: number[] = [];
  for (let t = 0; t <= 180_000; t += 500) {
    records += 25_000;
    if (t >= 100_000 && t < 130_000) c.key(t); // someone typing for half a minute
    if (c.due(t, records, 200 * MB)) {
      compacted.push(t);
      c.done(t, records, 100 * MB);
    }
  }
  assert.deepEqual(compacted, [60_000, 134_500]);
});

class FakeStdin extends EventEmitter {}

test('idle compaction wiring: the store and the heap are read each tick, a key on the terminal holds it off', async () => {
  const store = { taken: 0 };
  let held = 200 * MB;
  let compactions = 0;
  const heap = {
    held: () => held,
    compact: () => {
      compactions++;
      held = 70 * MB;
    },
  };
  const stdin = new FakeStdin();
  const timers = new Set<NodeJS.Timeout>();
  let ticks = 0;
  const every = (ms: number, f: () => void) => {
    const t = setInterval(() => (ticks++, f()), ms);
    timers.add(t);
    return () => (clearInterval(t), timers.delete(t));
  };
  const ticked = async (n: number) => {
    const at = ticks;
    await until(() => ticks >= at + n, `${n} ticks`);
  };
  const quick: IdleCompactionLimits = { ...limits, keyQuietMs: 3_600_000, ingestQuietMs: 0 };
  const stop = compactWhenIdle(heap, store, stdin as never, every, quick);
  store.taken = 5000;
  stdin.emit('readable'); // a key: nothing for an hour
  await ticked(2);
  assert.equal(compactions, 0);
  stop();
  assert.equal(stdin.listenerCount('readable'), 0, 'stopping removes the key listener');
  assert.equal(timers.size, 0);

  const stop2 = compactWhenIdle(heap, store, stdin as never, every, { ...quick, keyQuietMs: 0 });
  await until(() => compactions === 1, 'the compaction');
  store.taken = 5500; // too few records since: no second one
  held = 200 * MB;
  await ticked(2);
  assert.equal(compactions, 1);
  store.taken = 6000;
  await until(() => compactions === 2, 'the second compaction');
  stop2();
});
