/**
 * `t` on the timeline: the time typed (`14:05`, `2026-12-03 14:05`, `-10m`) as an instant, and the
 * first row at or after it. Wall-clock times are read as the view shows them (UTC, the --tz zone,
 * or local time); a time of day alone is on the selected row's day. Pure.
 */
import { parseTimeSpec } from '../sources/time-spec.js';
import { parts, wallTime } from './format.js';

export const JUMP_EXAMPLES = '14:05, 2026-12-03 14:05, -10m';

const DAY_TIME = /^(?:(\d{4})-(\d\d)-(\d\d)[ T]?)?(?:(\d\d?):(\d\d)(?::(\d\d))?)?$/;

/** Epoch ms for what was typed, or undefined when it is not a time. */
export function parseJumpTime(typed: string, o: { now: number; day?: number; utc: boolean; tz?: string }): number | undefined {
  const s = typed.trim();
  if (!s) return undefined;
  const m = DAY_TIME.exec(s);
  if (m && (m[1] !== undefined || m[4] !== undefined)) {
    const [, y, mo, d, h = '0', mi = '0', sec = '0'] = m;
    const day = parts(o.day ?? o.now, o.utc, o.tz);
    const w = y !== undefined ? { y: Number(y), mo: Number(mo), d: Number(d) } : { y: day.y, mo: day.mo, d: day.d };
    const t = { ...w, h: Number(h), mi: Number(mi), s: Number(sec) };
    if (t.mo < 1 || t.mo > 12 || t.d < 1 || t.d > 31 || t.h > 23 || t.mi > 59 || t.s > 59) return undefined;
    return wallTime(t, o.utc, o.tz);
  }
  // relative times, epoch seconds and times with an explicit zone: the --since syntax
  return parseTimeSpec(s, o.now);
}

/** Index of the first row whose time is at or after `t`, or -1. */
export function firstAtOrAfter(times: readonly (number | undefined)[], t: number): number {
  return times.findIndex((x) => x !== undefined && x >= t);
}
