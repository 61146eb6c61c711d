// One verdict vocabulary: the TUI's store and the timeline rank and spell "no verdict" the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_VERDICT, VERDICT_RANK, VERDICTS, verdictRank } from '../../src/model/verdict.js';
import { DenialStore } from '../../src/tui/denial-store.js';
import { buildTimeline } from '../../src/timeline/builder.js';
import { denial } from '../tui/fixtures.js';

test('the store and the timeline rank a group of a missing rule and an unclassified record alike, under one spelling (before: unclassified in the store, missing rule in the timeline)', () => {
  const records = [denial({}, { verdict: 'missing-rule', time: 1_000 }), denial({}, { time: 2_000 })];
  const store = new DenialStore();
  for (const r of records) store.add(r);
  const snap = store.snapshot();
  const timeline = buildTimeline(records, []);
  // no verdict is the absence of a judgement: the judged record decides, in both
  assert.equal(snap.groups[0].verdict, 'missing-rule');
  assert.equal(timeline.incidents[0].verdict, 'missing-rule');
  assert.equal(snap.verdicts[NO_VERDICT], 1);
  assert.equal(new DenialStore().snapshot().verdicts.unclassified, 0, 'one spelling of no verdict');
  assert.deepEqual(
    [...VERDICTS].sort((a, b) => verdictRank(b) - verdictRank(a)),
    ['likely-attack', 'unclear', 'missing-rule', 'info', 'unclassified'],
  );
});

test("verdictRank is VERDICT_RANK's, and \"no verdict\"'s for any other text, a name of Object's own included", () => {
  for (const v of VERDICTS) assert.equal(verdictRank(v), VERDICT_RANK[v]);
  for (const v of ['', 'toString', '__proto__', 'constructor', 'LIKELY-ATTACK', 'likely-attack ']) assert.equal(verdictRank(v), VERDICT_RANK[NO_VERDICT], v);
});
