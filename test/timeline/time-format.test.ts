import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { formatAfter, formatClock, formatPointClock, formatSpan, formatStamp, timeStyle, TimeZoneError } from '../../src/timeline/time-format.js';

const T = Date.parse('2026-11-22T03:11:42.480Z');

describe('timeline times', () => {
  it('writes times in UTC, in a named zone with its offset, and refuses an unknown zone', () => {
    const utc = timeStyle({ utc: true });
    assert.deepEqual(utc, { timeZone: 'UTC', label: 'UTC' });
    assert.equal(formatStamp(T, utc), '2026-11-22 03:11:42');
    assert.equal(formatClock(T, utc, true), '03:11:42.480');
    const berlin = timeStyle({ tz: 'Europe/Berlin' }, T);
    assert.equal(berlin.label, 'Europe/Berlin (UTC+01:00)');
    assert.equal(formatStamp(T, berlin), '2026-11-22 04:11:42');
    const kolkata = timeStyle({ tz: 'Asia/Kolkata' }, T);
    assert.equal(formatClock(T, kolkata), '08:41:42');
    assert.equal(timeStyle({ utc: true, tz: 'Asia/Kolkata' }).timeZone, 'UTC', '--utc wins');
    assert.throws(() => timeStyle({ tz: 'Mars/Olympus' }), TimeZoneError);
  });

  it('crosses midnight into the next date in the zone', () => {
    const tokyo = timeStyle({ tz: 'Asia/Tokyo' });
    assert.equal(formatStamp(Date.parse('2026-11-22T20:00:00Z'), tokyo), '2026-11-23 05:00:00');
  });

  it('marks estimated and undated points', () => {
    const utc = timeStyle({ utc: true });
    assert.equal(formatPointClock({ time: T, approx: true, basis: 'position' }, utc), '~03:11:42');
    assert.equal(formatPointClock({ approx: true, basis: 'none', uptime: 12.5 }, utc), '?[12.500]');
    assert.equal(formatPointClock({ approx: true, basis: 'none' }, utc), '?');
  });

  it('says durations and distances for people', () => {
    assert.equal(formatSpan(350), '350 ms');
    assert.equal(formatSpan(3_488), '3 seconds');
    assert.equal(formatSpan(239_851), '4 minutes');
    assert.equal(formatSpan(3_725_000), '1 hour 2 minutes 5 seconds');
    assert.equal(formatAfter(T + 618, T), '618 ms');
    assert.equal(formatAfter(T + 240_000, T), '4 minutes');
  });
});
