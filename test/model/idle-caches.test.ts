import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dropIdleCaches, dropWhenIdle } from '../../src/model/idle-caches.js';
import { TemplateCache } from '../../src/parse/template.js';
import { createClassifier } from '../../src/classify/index.js';

test('every registered cache is dropped, each time', () => {
  let a = 0;
  let b = 0;
  dropWhenIdle({ drop: () => a++ });
  dropWhenIdle({ drop: () => b++ });
  const before = dropIdleCaches();
  assert.ok(before >= 2);
  dropIdleCaches();
  assert.deepEqual([a, b], [2, 2]);
});

test("the parser's templates and the classifier's results register themselves; the from-scratch reference does not", () => {
  const n0 = dropIdleCaches();
  new TemplateCache();
  createClassifier(undefined);
  const kept: unknown[] = [new TemplateCache(), createClassifier(undefined)];
  createClassifier(undefined, { uncached: true });
  // the two kept are counted whatever the collector did with the two left behind
  assert.ok(dropIdleCaches() >= n0 + 2);
  assert.equal(kept.length, 2);
});
