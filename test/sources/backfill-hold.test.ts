// When the session holds the first records back so that sources catching up at different speeds
// still come out in time order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holdsForBackfill } from '../../src/sources/session.js';

type Ctl = Parameters<typeof holdsForBackfill>[0][number];
const ctl = (state: string, queued = 0, holds = false): Ctl => ({ health: { state }, queue: { length: queued }, parser: { holdsRecords: () => holds } }) as unknown as Ctl;
const tuning = { backfillHoldMs: 5000, backfillHoldMax: 1000 };

test('held while a source starts or backfills, and while a source that has gone live still has backfill lines queued', () => {
  assert.equal(holdsForBackfill([ctl('live'), ctl('backfill')], 100, 0, tuning), true);
  assert.equal(holdsForBackfill([ctl('live'), ctl('starting')], 100, 0, tuning), true);
  // a journal backfill that just ended: its follower is live, its last lines not parsed yet
  assert.equal(holdsForBackfill([ctl('live'), ctl('live', 3)], 100, 0, tuning), true);
  assert.equal(holdsForBackfill([ctl('ended', 2), ctl('live')], 100, 0, tuning), true);
  assert.equal(holdsForBackfill([ctl('live'), ctl('live')], 100, 0, tuning), false, 'everything parsed: released');
  assert.equal(holdsForBackfill([ctl('live'), ctl('live', 0, true)], 100, 0, tuning), true, "a parser's held audit event is still to come");
});

test('never held past its time or its size', () => {
  assert.equal(holdsForBackfill([ctl('backfill', 5)], 5000, 0, tuning), false);
  assert.equal(holdsForBackfill([ctl('backfill', 5)], 100, 1000, tuning), false);
});
