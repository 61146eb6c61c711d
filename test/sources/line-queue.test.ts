// A source's bounded line queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_END, LineQueue } from '../../src/sources/line-queue.js';

test('line queue: bounded, drops counted, FIFO across compaction', () => {
  const q = new LineQueue(5000);
  for (let i = 0; i < 6000; i++) q.push(String(i));
  assert.equal(q.length, 5000);
  assert.equal(q.dropped, 1000);
  const got: (string | number)[] = [];
  for (let x = q.shift(); x !== undefined; x = q.shift()) got.push(x);
  assert.equal(got.length, 5001);
  assert.equal(got[0], '0');
  assert.equal(got[4999], '4999');
  assert.equal(got[5000], 1000, 'the dropped lines keep their numbers: one count after the last line kept');
  assert.ok(q.push('again'));
  assert.equal(q.shift(), 'again');
});

test('line queue: the end of an audit event stays a mark of its own between counts', () => {
  const q = new LineQueue(10);
  q.pushSkipped(2);
  q.pushEventEnd();
  q.pushSkipped(3);
  q.pushSkipped(1);
  const got: (string | number)[] = [];
  for (let x = q.shift(); x !== undefined; x = q.shift()) got.push(x);
  assert.deepEqual(got, [2, EVENT_END, 4]);
});

test('line queue: counts of lines passed over are summed, never dropped, and do not take capacity', () => {
  const q = new LineQueue(2);
  q.pushSkipped(3);
  q.pushSkipped(4);
  assert.ok(q.push('a'));
  q.pushSkipped(5);
  assert.ok(q.push('b'));
  assert.equal(q.push('c'), false);
  assert.equal(q.length, 2);
  const got: (string | number)[] = [];
  for (let x = q.shift(); x !== undefined; x = q.shift()) got.push(x);
  assert.deepEqual(got, [7, 'a', 5, 'b', 1]);
});
