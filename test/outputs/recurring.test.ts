import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecurringRenderings } from '../../src/outputs/recurring.js';

/** What a writer does: the kept rendering, else one made now and kept if its number recurs. */
function render(table: RecurringRenderings<object, string>, n: number, key: object, made: string[]): string {
  const kept = table.get(n, key);
  if (kept !== undefined) return kept;
  const text = `rendering ${made.length}`;
  made.push(text);
  if (table.recurs(n)) table.keep(n, key, text);
  return text;
}

test("a rendering is kept from its number's second sighting on, and only for the object it was made from", () => {
  const table = new RecurringRenderings<object, string>(16);
  const a = {};
  const made: string[] = [];
  assert.equal(render(table, 5, a, made), 'rendering 0');
  assert.equal(table.get(5, a), undefined, 'a first sighting keeps nothing');
  assert.equal(render(table, 5, a, made), 'rendering 1');
  assert.equal(render(table, 5, a, made), 'rendering 1', 'kept from the second sighting on');
  assert.equal(render(table, 5, {}, made), 'rendering 2', 'another object with the number gets a rendering of its own');
});

test('a number seen once before is not taken for one never seen (zero included)', () => {
  const table = new RecurringRenderings<object, string>(8);
  assert.equal(table.recurs(0), false);
  assert.equal(table.recurs(0), true);
  assert.equal(table.recurs(8), false, 'the slot now remembers 8');
  assert.equal(table.recurs(0), false, 'and 0 is forgotten');
});

test('two objects with one number take turns without pushing each other out; a third pushes out the older', () => {
  const table = new RecurringRenderings<object, string>(4);
  const [a, b, c] = [{}, {}, {}];
  table.recurs(3);
  table.keep(3, a, 'A');
  table.keep(3, b, 'B');
  assert.equal(table.get(3, a), 'A');
  assert.equal(table.get(3, b), 'B');
  table.keep(3, c, 'C');
  assert.equal(table.get(3, a), undefined);
  assert.equal(table.get(3, b), 'B');
  assert.equal(table.get(3, c), 'C');
});

test('one-off objects (a new number each) leave no object behind', () => {
  const table = new RecurringRenderings<object, string>(64);
  const made: string[] = [];
  for (let n = 0; n < 1000; n++) render(table, n * 7919, {}, made);
  assert.equal(made.length, 1000);
  for (let n = 0; n < 1000; n++) assert.equal(table.get(n * 7919, {}), undefined);
  assert.equal((table as unknown as { keys: unknown[] }).keys.filter((k) => k !== undefined).length, 0, 'no object is held');
});
