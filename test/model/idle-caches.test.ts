import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dropIdleCaches, dropWhenIdle } from '../../src/model/idle-caches.js';
import { TemplateCache } from '../../src/parse/template.js';
import { ResultCache } from '../../src/classify/result-cache.js';

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
  const decider = { examine: () => '', brief: (c: string) => c, decide: () => ({ verdict: 'unclear' as const, confidence: 0.5, reasons: [] }) };
  const templates = new TemplateCache();
  const cached = new ResultCache(decider);
  const reference = new ResultCache(decider, true);
  const dropped = new Set<unknown>();
  const spy = <T extends { drop(): void }>(proto: T) => {
    const drop = proto.drop;
    proto.drop = function (this: T) {
      dropped.add(this);
      drop.call(this);
    };
    return () => void (proto.drop = drop);
  };
  const restore = [spy(TemplateCache.prototype), spy(ResultCache.prototype)];
  try {
    dropIdleCaches();
  } finally {
    for (const r of restore) r();
  }
  assert.ok(dropped.has(templates), 'the templates');
  assert.ok(dropped.has(cached), 'the results');
  assert.ok(!dropped.has(reference), 'not the from-scratch reference');
});
