// When the view gives its heap back: never while keys come or for a small session, once the records
// stop (a flood is over) or, under a flood that goes on, at most once a period; in steps while they
// give back enough, a key stopping the run; and the runner's wiring: a key on the terminal holds it
// off, the records and the heap it reads are the store's and the heap's, one step a tick.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { IdleCompaction, type IdleCompactionLimits } from '../../src/tui/idle-compaction.js';
import { compactWhenIdle } from '../../src/tui/runner.js';
import { until } from './fixtures.js';

const MB = 2 ** 20;
const limits: IdleCompactionLimits = { keyQuietMs: 5000, ingestQuietMs: 1000, everyMs: 60_000, minRecords: 1000, minHeld: 64 * MB, growth: 1.25, minGain: 2 * MB, maxSteps: 8 };

/** Takes the run that is due at `t` to its end: each step gives back `gains` (bytes) in turn, then nothing. Returns the steps taken. */
function run(c: IdleCompaction, t: number, records: number, held: number, gains: number[] = []): number[] {
  const steps: number[] = [];
  for (let step = c.due(t, records, held); step >= 0; step = c.due(t, records, held)) {
    steps.push(step);
    const after = held - (gains[step] ?? 0);
    c.stepped(step, t, records, held, after);
    held = after;
  }
  return steps;
}

test('idle compaction: only once the records stop, nobody typed for a while and the heap grew', () => {
  const c = new IdleCompaction(0, limits);
  assert.equal(c.due(500, 5000, 200 * MB), -1, 'records still coming');
  assert.equal(c.due(1000, 5000, 200 * MB), -1, 'quiet for 500 ms only');
  assert.equal(c.due(1500, 5000, 200 * MB), 0, 'quiet for a second: a run starts');
  c.key(1600);
  assert.equal(c.due(2000, 5000, 200 * MB), -1, 'a key came');
  assert.equal(c.due(6500, 5000, 200 * MB), -1, 'a key 4.9 s ago');
  assert.deepEqual(run(c, 6600, 5000, 200 * MB, [0, 60 * MB, 40 * MB, 20 * MB]), [0, 1, 2, 3, 4], 'nobody typed for 5 s: steps while they give back');
  assert.equal(c.due(8000, 5000, 200 * MB), -1, 'no record since');
  assert.equal(c.due(9000, 5900, 200 * MB), -1, 'too few records since');
  assert.equal(c.due(9500, 6000, 90 * MB), -1, 'the heap did not grow by a quarter over what the run left (80 MB)');
  assert.equal(c.due(10_500, 6000, 100 * MB), 0);
});

test('idle compaction: a small session never pays for it', () => {
  const c = new IdleCompaction(0, limits);
  assert.equal(c.due(500, 50_000, 40 * MB), -1);
  assert.equal(c.due(5000, 50_000, 40 * MB), -1);
  assert.equal(c.due(5500, 50_000, 64 * MB), 0);
});

test('idle compaction: the first step is always followed by a second, later ones only while they give back enough, and never more than the bound', () => {
  const c = new IdleCompaction(0, limits);
  c.due(0, 5000, 200 * MB); // the records stopped at 0
  // the first step's collection frees pages while V8 sweeps them, after it: it shows no gain yet
  assert.deepEqual(run(c, 2000, 5000, 200 * MB, [0, 1 * MB]), [0, 1]);
  const d = new IdleCompaction(0, limits);
  d.due(0, 5000, 200 * MB);
  assert.deepEqual(run(d, 2000, 5000, 200 * MB, Array(20).fill(10 * MB)), [0, 1, 2, 3, 4, 5, 6, 7]);
});

test('idle compaction: a key stops a run between its steps or during one; the next run starts again once nobody types', () => {
  const c = new IdleCompaction(0, limits);
  c.due(0, 5000, 200 * MB); // the records stopped at 0
  assert.equal(c.due(2000, 5000, 200 * MB), 0);
  c.stepped(0, 2100, 5000, 200 * MB, 200 * MB);
  assert.equal(c.running, true);
  c.key(2300);
  assert.equal(c.running, false);
  assert.equal(c.due(2500, 5000, 180 * MB), -1, 'stopped between steps');
  assert.equal(c.due(7300, 5000, 180 * MB), 0, 'a new run, from its first step');
  c.stepped(0, 7400, 5000, 180 * MB, 180 * MB);
  assert.equal(c.due(7900, 5000, 180 * MB), 1);
  c.key(7950); // pressed while the step ran: the terminal hands it over once the step is done
  c.stepped(1, 8000, 5000, 180 * MB, 170 * MB);
  assert.equal(c.running, false);
  assert.equal(c.due(8500, 5000, 170 * MB), -1, 'stopped during a step');
});

test('idle compaction: under a flood that does not stop, once a period when nobody types', () => {
  const c = new IdleCompaction(0, limits);
  let records = 0;
  const started: number[] = [];
  let held = 200 * MB;
  for (let t = 0; t <= 180_000; t += 500) {
    records += 25_000;
    if (t >= 100_000 && t < 130_000) c.key(t); // someone typing for half a minute
    const step = c.due(t, records, held);
    if (step < 0) continue;
    if (step === 0) started.push(t);
    const after = step === 1 ? 100 * MB : held; // the second step gives back most, the third nothing
    c.stepped(step, t, records, held, after);
    held = step === 2 ? 200 * MB : after; // and the flood grows it back
  }
  assert.deepEqual(started, [60_000, 134_500]);
});

class FakeStdin extends EventEmitter {}

test('idle compaction wiring: the store and the heap are read each tick, steps one a tick, a key on the terminal holds it off', async () => {
  const store = { taken: 0 };
  let held = 200 * MB;
  const steps: number[] = [];
  const heap = {
    held: () => held,
    compact: (step: number) => {
      steps.push(step);
      if (step === 1) held = 70 * MB;
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
  assert.deepEqual(steps, []);
  stop();
  assert.equal(stdin.listenerCount('readable'), 0, 'stopping removes the key listener');
  assert.equal(timers.size, 0);

  const stop2 = compactWhenIdle(heap, store, stdin as never, every, { ...quick, keyQuietMs: 0 });
  // step 0, then step 1 (gives back 130 MB), then step 2 (nothing): the run is over
  await until(() => steps.length === 3, 'the run');
  assert.deepEqual(steps, [0, 1, 2]);
  store.taken = 5500; // too few records since: no second run
  held = 200 * MB;
  await ticked(2);
  assert.equal(steps.length, 3);
  store.taken = 6000;
  await until(() => steps.length === 6, 'the second run');
  stop2();
});
