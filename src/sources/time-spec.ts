/**
 * --since / --until: journalctl's time syntax (systemd.time(7): "2026-11-22 03:00:00", "today",
 * "yesterday", "now", "-1h", "2 hours ago", "@1795317102") and ISO 8601 ("2026-11-22T03:00:00Z").
 * Parsed once here to epoch ms, so every source (journal, dmesg, audit.log, saved files) uses the same
 * window; journalctl then gets the instant as `@SECONDS`. Pure: `now` is a parameter.
 */
import { isValidTime } from '../model/record.js';

const UNITS: [RegExp, number][] = [
  [/^(us|usec|µs)$/, 0.001],
  [/^(ms|msec)$/, 1],
  [/^(s|sec|secs|second|seconds)$/, 1000],
  [/^(m|min|mins|minute|minutes)$/, 60_000],
  [/^(h|hr|hrs|hour|hours)$/, 3_600_000],
  [/^(d|day|days)$/, 86_400_000],
  [/^(w|week|weeks)$/, 7 * 86_400_000],
  [/^(M|month|months)$/, 2_629_800_000],
  [/^(y|year|years)$/, 31_557_600_000],
];

function unitMs(u: string): number | undefined {
  for (const [re, ms] of UNITS) if (re.test(u)) return ms;
  return undefined;
}

/** "1h 30min", "90s", "2 hours": a span in ms, or undefined. */
function parseSpan(s: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)\s*([a-zA-Zµ]+)?\s*/y;
  let total = 0;
  let any = false;
  re.lastIndex = 0;
  while (re.lastIndex < s.length) {
    const at = re.lastIndex;
    const m = re.exec(s);
    if (!m || re.lastIndex === at) return undefined;
    const ms = m[2] === undefined ? 1000 : unitMs(m[2]);
    if (ms === undefined) return undefined;
    total += Number(m[1]) * ms;
    any = true;
  }
  return any ? total : undefined;
}

function localMidnight(now: number, dayOffset: number): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() + dayOffset);
  return d.getTime();
}

const ABS_RE = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?)?\s*(Z|UTC|[+-]\d\d:?\d\d)?$/;
const TIME_RE = /^(\d\d):(\d\d)(?::(\d\d))?$/;

/** Epoch ms for a time spec, or undefined when it is not one. */
export function parseTimeSpec(input: string, now: number = Date.now()): number | undefined {
  const s = input.trim();
  if (s === 'now') return now;
  if (s === 'today') return localMidnight(now, 0);
  if (s === 'yesterday') return localMidnight(now, -1);
  if (s === 'tomorrow') return localMidnight(now, 1);
  let m: RegExpExecArray | null;
  if ((m = /^@(\d+(?:\.\d+)?)$/.exec(s)) || (m = /^(\d{9,}(?:\.\d+)?)$/.exec(s))) return Math.round(Number(m[1]) * 1000);
  if ((m = /^([+-])\s*(.+)$/.exec(s))) {
    const span = parseSpan(m[2]);
    return span === undefined ? undefined : m[1] === '-' ? now - span : now + span;
  }
  if ((m = /^(.+?)\s+(ago|left)$/.exec(s))) {
    const span = parseSpan(m[1]);
    return span === undefined ? undefined : m[2] === 'ago' ? now - span : now + span;
  }
  if ((m = ABS_RE.exec(s))) {
    const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone] = m;
    const ms = Number(frac.slice(0, 3).padEnd(3, '0'));
    if (zone === undefined) {
      const t = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), ms);
      return t.getMonth() === Number(mo) - 1 ? t.getTime() : undefined;
    }
    let offsetMin = 0;
    if (zone !== 'Z' && zone !== 'UTC') {
      const z = /^([+-])(\d\d):?(\d\d)$/.exec(zone)!;
      offsetMin = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
    }
    const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), ms);
    return new Date(t).getUTCMonth() === Number(mo) - 1 ? t - offsetMin * 60_000 : undefined;
  }
  if ((m = TIME_RE.exec(s))) {
    const d = new Date(now);
    d.setHours(Number(m[1]), Number(m[2]), Number(m[3] ?? 0), 0);
    return d.getTime();
  }
  return undefined;
}

export interface TimeWindow {
  since?: number;
  until?: number;
}

export class TimeSpecError extends Error {}

/** --since/--until to a window; throws TimeSpecError with a sentence a user can act on. */
export function parseWindow(since: string | undefined, until: string | undefined, now: number = Date.now()): TimeWindow {
  const w: TimeWindow = {};
  for (const [name, v] of [
    ['since', since],
    ['until', until],
  ] as const) {
    if (v === undefined) continue;
    const t = parseTimeSpec(v, now);
    if (t === undefined) throw new TimeSpecError(`--${name}: not a time: ${v} (e.g. "2026-11-22 03:00", 2026-11-22T03:00:00Z, "-1h", "2 hours ago", today, @EPOCH)`);
    if (!isValidTime(t)) throw new TimeSpecError(`--${name}: out of range: ${v} (a date no clock can show)`);
    w[name] = t;
  }
  if (w.since !== undefined && w.until !== undefined && w.since > w.until) throw new TimeSpecError(`--since is after --until (${since} > ${until})`);
  return w;
}

/** Whether a record time falls inside the window (records without a time are kept). */
export function inWindow(w: TimeWindow, time: number | undefined): boolean {
  if (time === undefined) return true;
  return (w.since === undefined || time >= w.since) && (w.until === undefined || time <= w.until);
}
