/**
 * How the timeline writes times: wall-clock in one zone (--utc, --tz ZONE, else the host's own),
 * through Intl.DateTimeFormat (Node's built-in zone data, no library needed); durations and
 * "how long after" with date-fns. An estimated time is marked `~`, an undated one `?`.
 */
import { formatDistanceStrict, formatDuration, intervalToDuration } from 'date-fns';
import type { TimePoint } from './model.js';

export interface TimeStyle {
  timeZone: string;
  /** `UTC`, or the zone's name with its offset at the timeline's start: `Europe/Berlin (UTC+01:00)`. */
  label: string;
}

export class TimeZoneError extends Error {}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone times are shown in. Throws TimeZoneError for a zone Node does not know. */
export function timeStyle(opts: { utc?: boolean; tz?: string }, at: number = Date.now()): TimeStyle {
  let timeZone: string;
  if (opts.utc) timeZone = 'UTC';
  else if (opts.tz !== undefined) {
    try {
      timeZone = new Intl.DateTimeFormat('en-US', { timeZone: opts.tz }).resolvedOptions().timeZone;
    } catch {
      throw new TimeZoneError(`--tz: unknown time zone: ${opts.tz} (use an IANA name such as Europe/Berlin, or --utc)`);
    }
  } else timeZone = new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return { timeZone: 'UTC', label: 'UTC' };
  return { timeZone, label: `${timeZone} (${parts(at, timeZone).offset})` };
}

interface Parts {
  date: string;
  clock: string;
  offset: string;
}

function parts(ms: number, timeZone: string): Parts {
  const p: Record<string, string> = {};
  for (const x of formatter(timeZone).formatToParts(new Date(ms))) p[x.type] = x.value;
  const offset = (p.timeZoneName ?? 'GMT').replace(/^GMT$/, 'UTC+00:00').replace(/^GMT/, 'UTC');
  return { date: `${p.year}-${p.month}-${p.day}`, clock: `${p.hour}:${p.minute}:${p.second}`, offset };
}

export function formatDate(ms: number, style: TimeStyle): string {
  return parts(ms, style.timeZone).date;
}

/** `03:11:42`, or `03:11:42.480` with milliseconds. */
export function formatClock(ms: number, style: TimeStyle, withMs = false): string {
  const c = parts(ms, style.timeZone).clock;
  return withMs ? `${c}.${String(((ms % 1000) + 1000) % 1000).padStart(3, '0')}` : c;
}

/** `2026-11-22 03:11:42`. */
export function formatStamp(ms: number, style: TimeStyle, withMs = false): string {
  return `${formatDate(ms, style)} ${formatClock(ms, style, withMs)}`;
}

/** The time of a point for a timeline row: `03:11:42`, `~03:11:46` when estimated, `?` when undated. */
export function formatPointClock(p: TimePoint, style: TimeStyle, withMs = false): string {
  if (p.time === undefined) return p.uptime !== undefined ? `?[${p.uptime.toFixed(3)}]` : '?';
  return `${p.approx ? '~' : ''}${formatClock(p.time, style, withMs)}`;
}

export function formatPointStamp(p: TimePoint | undefined, style: TimeStyle, withMs = false): string {
  if (!p || p.time === undefined) return 'unknown';
  return `${p.approx ? '~' : ''}${formatStamp(p.time, style, withMs)}`;
}

/** How a point's time was obtained, when that is not simply the record's own clock. */
export function timeNote(p: TimePoint): string | undefined {
  if (p.basis === 'uptime' && p.uptime !== undefined) return `uptime ${p.uptime.toFixed(3)} s after boot`;
  if (p.basis === 'position') return p.uptime !== undefined ? `uptime ${p.uptime.toFixed(3)} s, boot time unknown: placed by its position in the log` : 'undated: placed by its position in the log';
  if (p.basis === 'none') return p.uptime !== undefined ? `uptime ${p.uptime.toFixed(3)} s, boot time unknown` : 'undated';
  if (p.approx) return 'estimated time (the log gave no year or no wall clock)';
  return undefined;
}

/** A duration for people: `3 seconds`, `4 minutes 12 seconds`, `350 ms`. */
export function formatSpan(ms: number): string {
  if (ms < 0) ms = -ms;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const text = formatDuration(intervalToDuration({ start: 0, end: Math.round(ms / 1000) * 1000 }), { format: ['years', 'months', 'days', 'hours', 'minutes', 'seconds'] });
  return text || `${Math.round(ms / 1000)} seconds`;
}

/** `4 minutes` for "4 minutes after X": the distance between two times, in one unit. */
export function formatAfter(later: number, earlier: number): string {
  if (Math.abs(later - earlier) < 1000) return `${Math.abs(Math.round(later - earlier))} ms`;
  return formatDistanceStrict(later, earlier);
}
