// Time specs: journalctl syntax and ISO 8601.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTimeSpec, parseWindow, TimeSpecError } from '../../src/sources/time-spec.js';

test('time specs: journalctl syntax and ISO 8601', () => {
  const now = Date.UTC(2026, 10, 22, 4, 0, 0);
  assert.equal(parseTimeSpec('2026-11-22T03:00:00Z', now), Date.UTC(2026, 10, 22, 3));
  assert.equal(parseTimeSpec('2026-11-22 03:00:00 UTC', now), Date.UTC(2026, 10, 22, 3));
  assert.equal(parseTimeSpec('2026-11-22T03:00:00.250+01:00', now), Date.UTC(2026, 10, 22, 2, 0, 0, 250));
  assert.equal(parseTimeSpec('2026-11-22 03:00', now), new Date(2026, 10, 22, 3, 0).getTime(), 'no zone: local time, as journalctl');
  assert.equal(parseTimeSpec('2026-11-22', now), new Date(2026, 10, 22).getTime());
  assert.equal(parseTimeSpec('-1h', now), now - 3_600_000);
  assert.equal(parseTimeSpec('1h 30min ago', now), now - 5_400_000);
  assert.equal(parseTimeSpec('2 hours ago', now), now - 7_200_000);
  assert.equal(parseTimeSpec('+5min', now), now + 300_000);
  assert.equal(parseTimeSpec('@1795317102.5', now), 1795317102500);
  assert.equal(parseTimeSpec('1795317102', now), 1795317102000);
  assert.equal(parseTimeSpec('now', now), now);
  assert.equal(parseTimeSpec('yesterday', now), new Date(new Date(now).setHours(0, 0, 0, 0)).setDate(new Date(now).getDate() - 1));
  for (const bad of ['soon', '2026-13-01', '2026-02-30 10:00', '-1 fortnight', '']) assert.equal(parseTimeSpec(bad, now), undefined, bad);
  assert.throws(() => parseWindow('whenever', undefined), TimeSpecError);
  assert.throws(() => parseWindow('2026-11-22T04:00:00Z', '2026-11-22T03:00:00Z'), /--since is after --until/);
});
