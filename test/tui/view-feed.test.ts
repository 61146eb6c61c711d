// The feed between the runner's store and the view: under a flood a new model (a frame) at most
// every FLOOD_FLUSH_MS, otherwise at every flush; a forced flush (a pause, an action) always.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { DenialStore } from '../../src/tui/denial-store.js';
import { TimelineBuilder } from '../../src/timeline/builder.js';
import { FLOOD_FLUSH_MS, FLOOD_RECORDS, ViewFeed } from '../../src/tui/view-feed.js';
import type { FactsSource } from '../../src/tui/facts-source.js';
import { denial } from './fixtures.js';

function feedOf(store: DenialStore): { feed: ViewFeed; models: () => number } {
  const facts = { facts: new Map() } as unknown as FactsSource;
  const stdout = { write: () => true } as unknown as NodeJS.WriteStream;
  const feed = new ViewFeed({ store, story: new TimelineBuilder(), facts, mode: 'live', utc: true, bell: false, stdout, size: { columns: 80, rows: 24 } });
  let n = 0;
  feed.subscribe(() => n++);
  return { feed, models: () => n };
}

const add = (store: DenialStore, n: number) => {
  for (let i = 0; i < n; i++) store.add(denial({ profile: 'p', operation: 'open', name: `/f${i % 50}`, requested_mask: 'r', denied_mask: 'r', pid: String(1000 + i) }));
};

test('view feed: a few records, a new model at every flush; a flood, at most one every FLOOD_FLUSH_MS', (t) => {
  mock.timers.enable({ apis: ['Date'], now: 1_800_000_000_000 });
  t.after(() => mock.timers.reset());
  const store = new DenialStore();
  const { feed, models } = feedOf(store);
  add(store, 10);
  feed.flush();
  assert.equal(models(), 1);
  mock.timers.tick(200);
  add(store, 10);
  feed.flush();
  assert.equal(models(), 2, 'few records: every flush');

  // a flood: the records since the last model reach FLOOD_RECORDS
  mock.timers.tick(200);
  add(store, FLOOD_RECORDS);
  feed.flush();
  assert.equal(models(), 2, 'under the flood, 200 ms after the last model: none');
  assert.notEqual(feed.get().snap.records, store.taken, 'the view still shows the counts of its last model');
  mock.timers.tick(FLOOD_FLUSH_MS - 200 - 1);
  add(store, FLOOD_RECORDS);
  feed.flush();
  assert.equal(models(), 2, 'nor 1 ms before FLOOD_FLUSH_MS');
  mock.timers.tick(1);
  add(store, FLOOD_RECORDS);
  feed.flush();
  assert.equal(models(), 3, `${FLOOD_FLUSH_MS} ms after the last model: a new one`);
  assert.equal(feed.get().snap.records, store.taken, 'with every record counted');

  mock.timers.tick(100);
  add(store, FLOOD_RECORDS);
  feed.flush(true);
  assert.equal(models(), 4, 'a forced flush always makes one');
});
