// Times and wrapping as the view writes them: relative times, zones, long lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clockTime, dateTime, relTime, validZone, wrapRows } from '../../src/tui/format.js';

test('relative times are compact and say "ago"', () => {
  const now = 1_800_000_000_000;
  assert.equal(relTime(now - 12_000, now), '12s ago');
  assert.equal(relTime(now - 3 * 60_000 - 5000, now), '3m ago');
  assert.equal(relTime(now - 2 * 3600_000, now), '2h ago');
  assert.equal(relTime(now - 300, now), 'now');
  assert.equal(relTime(undefined, now), '-');
});

test('long lines wrap at spaces when they can, and are cut after max rows', () => {
  assert.deepEqual(wrapRows('aaaa bbbb cccc', 9), ['aaaa bbbb', 'cccc']);
  assert.deepEqual(wrapRows('x'.repeat(25), 10), ['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  assert.deepEqual(wrapRows('x'.repeat(50), 10, 2), ['x'.repeat(10), `${'x'.repeat(9)}…`]);
});

test('times in UTC, in a --tz zone, and a zone Intl does not know', () => {
  const t = Date.UTC(2026, 10, 22, 3, 11, 48);
  assert.equal(clockTime(t, true), '03:11:48');
  assert.equal(dateTime(t, true), '2026-11-22 03:11:48 UTC');
  assert.equal(clockTime(t, false, 'Asia/Tokyo'), '12:11:48');
  assert.equal(dateTime(t, false, 'America/New_York'), '2026-11-21 22:11:48 America/New_York');
  assert.equal(clockTime(Date.UTC(2026, 10, 22, 0, 5, 0), false, 'Europe/Berlin'), '01:05:00', 'midnight hours are 00-23, never 24');
  assert.equal(validZone('Europe/Berlin'), true);
  assert.equal(validZone('Mars/Olympus'), false);
});
