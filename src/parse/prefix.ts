/**
 * Carrier decoding: what stands before the AppArmor body on a line tells the carrier, the carrier's
 * clock and the host. Pure functions; only called on lines that hold a record or a loss notice.
 */
import type { Carrier, Channel } from '../model/record.js';
import { textAt } from './fields.js';

export interface PrefixInfo {
  carrier: Carrier;
  /** Epoch ms from the carrier's clock (not the audit id). */
  time?: number;
  /** The carrier's clock lacked something (syslog has no year) so the time is an estimate. */
  timeApprox?: boolean;
  uptime?: number;
  host?: string;
  /** `audit[PID]:` (journal audit transport) or `type=AVC` (audit.log): the audit record type. */
  auditType?: string;
  /** The kernel log or the audit channel, when the carrier's form says which. */
  channel?: Channel;
  /** The program that wrote the line, when its header names one other than the kernel and the audit subsystem. */
  writer?: string;
}

export interface ClockContext {
  /** Year for syslog dates that have none; default: the current year (dates in the future roll back a year). */
  year?: number;
  /** Epoch ms of the boot, to turn raw dmesg uptimes into wall-clock time. */
  bootTime?: number;
  /** "Now" for the syslog year guess; tests pin it. */
  now?: number;
}

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

// `[   12.345678] `, optionally after `<5>` (dmesg -r) or `kern  :warn  : ` (dmesg -x)
const UPTIME_RE = /^(?:<(\d+)>)?(?:[a-z]+\s*:[a-z]+\s*: )?\[\s*(\d+\.\d+)\]\s?/;
// `[Sun Nov 22 03:12:45 2026] ` (dmesg -T)
const CTIME_RE = /^(?:<\d+>)?(?:[a-z]+\s*:[a-z]+\s*: )?\[(?:[A-Z][a-z]{2}) ([A-Z][a-z]{2})\s+(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4})\]\s?/;
// ISO: `2026-11-22T03:12:45,123456+00:00 ` (dmesg iso) or `2026-11-22T03:12:45.123456+0000 host ident: `
const ISO_RE = /^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d)(?:[.,](\d+))?(Z|[+-]\d\d:?\d\d)?\s/;
// `Nov 22 03:12:45[.123456] `
const SYSLOG_RE = /^([A-Z][a-z]{2})\s+(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?\s/;
// `Sun 2026-11-22 03:12:45 UTC ` (journalctl -o short-full: weekday, date, time, the zone's
// abbreviation or offset)
const FULL_RE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) (\S+) /;
// `1795317102.480000 ` (journalctl -o short-unix: seconds since the epoch, with microseconds)
const UNIX_RE = /^(\d{1,12})\.(\d{6}) /;
// `<30>` before a syslog or ISO clock: the syslog priority a raw syslog stream keeps (a remote
// syslog capture, rsyslog's forwarding formats); dmesg -r's `<6>[ 12.3]` is read with its clock
const PRI_RE = /^<\d{1,3}>(?=[0-9A-Z])/;
// after the clock: `host ident[pid]: ` or `host ident: `
const HOST_IDENT_RE = /^(\S+) ([^\s:[]+)(?:\[(\d+)\])?: /;
// audit.log: `node=host type=AVC msg=audit(...)` or `type=AVC msg=...`
const AUDITLOG_RE = /^(?:node=(\S+) )?type=(\S+) msg=audit\(/;

function fraction(ms: string | undefined): number {
  if (!ms) return 0;
  return Number(ms.slice(0, 3).padEnd(3, '0'));
}

/**
 * The clock of journalctl's other short forms (short-full, short-unix) at the start of `s`: where it
 * ends and the time it gives. A zone short-full names by an abbreviation other than UTC's is read
 * as this machine's local time, an estimate (abbreviations are not unique: CST is three zones).
 */
function otherJournalClock(s: string): { end: number; time: number | undefined; approx: boolean } | undefined {
  let m: RegExpExecArray | null;
  if ((m = UNIX_RE.exec(s))) return { end: m[0].length, time: Number(m[1]) * 1000 + Math.floor(Number(m[2]) / 1000), approx: false };
  if ((m = FULL_RE.exec(s))) {
    const zone = m[3];
    const offset = zone === 'UTC' || zone === 'GMT' ? 'Z' : /^[+-]\d\d(?::?\d\d)?$/.test(zone) ? (zone.length === 3 ? `${zone}:00` : zone) : undefined;
    const time = offset !== undefined ? isoTime(`${m[1]}T${m[2]}`, undefined, offset) : new Date(`${m[1]}T${m[2]}`).getTime();
    return { end: m[0].length, time: time !== undefined && Number.isNaN(time) ? undefined : time, approx: offset === undefined };
  }
  return undefined;
}

/** The length of a syslog priority (`<30>`) before a clock, or 0. */
function priLength(s: string): number {
  return s.charCodeAt(0) === 0x3c /* < */ ? (PRI_RE.exec(s)?.[0].length ?? 0) : 0;
}

function isoTime(date: string, frac: string | undefined, zone: string | undefined): number | undefined {
  let z = zone ?? '';
  if (z && z !== 'Z' && !z.includes(':')) z = `${z.slice(0, 3)}:${z.slice(3)}`;
  const t = Date.parse(`${date.replace(' ', 'T')}.${String(fraction(frac)).padStart(3, '0')}${z}`);
  return Number.isNaN(t) ? undefined : t;
}

function syslogTime(mon: string, day: string, h: string, m: string, s: string, frac: string | undefined, clock: ClockContext): { time?: number; approx: boolean } {
  const month = MONTHS[mon];
  if (month === undefined) return { approx: true };
  const now = clock.now ?? Date.now();
  let year = clock.year ?? new Date(now).getFullYear();
  let t = new Date(year, month, Number(day), Number(h), Number(m), Number(s), fraction(frac)).getTime();
  if (clock.year === undefined && t > now + 86_400_000) t = new Date(--year, month, Number(day), Number(h), Number(m), Number(s), fraction(frac)).getTime();
  return { time: t, approx: clock.year === undefined };
}

/** A kernel clock followed by `host ident:` is journalctl's form of that clock (`carrier`), not dmesg's: the host and ident are read. */
function journalForm(rest: string, info: PrefixInfo, carrier: PrefixInfo['carrier']): void {
  if (!HOST_IDENT_RE.test(rest) || rest.startsWith('audit: ')) return;
  info.carrier = carrier;
  delete info.channel;
  hostIdent(rest, info);
}

/** Reads `host ident[pid]: ` after a clock; fills host and the audit transport's type. The match, if any. */
function hostIdent(rest: string, info: PrefixInfo): RegExpExecArray | undefined {
  const m = HOST_IDENT_RE.exec(rest);
  if (!m) return undefined;
  identify(info, m[1], m[2], m[3], rest.slice(m[0].length));
  return m;
}

/** Who wrote a line whose header names `host` and `ident[pid]`, its message being `message`. */
function identify(info: PrefixInfo, host: string | undefined, ident: string, pid: string | undefined, message: string): void {
  if (host !== undefined) info.host = host;
  // the kernel's lines carry no pid: `kernel[4242]:` is a program that calls itself so
  if (ident === 'kernel' && pid === undefined) info.channel = 'kernel';
  else if (ident === 'audit' && pid !== undefined) {
    info.channel = 'audit';
    // journald's audit transport: `audit[PID]: AVC apparmor=...`
    const typeWord = /^([A-Z_0-9]+) /.exec(message);
    if (typeWord) info.auditType = typeWord[1];
  } else if (ident !== 'audit') info.writer = pid === undefined ? ident : `${ident}[${pid}]`;
}

/**
 * An RFC 5424 syslog header at the start of `s`: `<30>1 TIME HOST APP PROCID MSGID SD `, as
 * rsyslog's protocol-23 format and syslog over the network write it. `-` is a value left out.
 * Structured data is read when it is `-` or brackets with no `]` inside; anything else is left.
 */
const RFC5424_RE = /^<\d{1,3}>1 (\S+) (\S+) (\S+) (\S+) \S+ (?:-|(?:\[[^\]]*\])+) /;
function rfc5424(s: string): { end: number; time: number | undefined; host: string | undefined; ident: string | undefined; pid: string | undefined } | undefined {
  const m = RFC5424_RE.exec(s);
  if (m === null) return undefined;
  const t = ISO_RE.exec(`${m[1]} `);
  const value = (v: string) => (v === '-' ? undefined : v);
  const pid = value(m[4]);
  return { end: m[0].length, time: t ? isoTime(t[1], t[2], t[3]) : undefined, host: value(m[2]), ident: value(m[3]), pid: pid !== undefined && /^\d+$/.test(pid) ? pid : undefined };
}

/**
 * Decodes the carrier from the text before the AppArmor body. The result is shared: callers read
 * it, never change it. A flood repeats prefixes (a journal's `Nov 22 03:00:00 web-01 kernel: `
 * stays the same for a whole second), so the last one decoded is remembered, per clock.
 */
export function decodePrefix(prefix: string, clock: ClockContext, header = ''): PrefixInfo {
  // audit.log's type is in the header, not the prefix: not remembered
  if (prefix === '' || prefix.startsWith('node=')) return decodeUncached(prefix, clock, header);
  const memo = lastDecoded;
  if (memo.clock === clock && memo.prefix === prefix) return memo.info;
  const info = isRawDmesg(prefix) ? rawDmesg(prefix, clock) : decodeUncached(prefix, clock, header);
  lastDecoded = { clock, prefix, info };
  return info;
}

/**
 * decodePrefix of line[0, start) with the audit header after it: the remembered prefix is compared
 * with the line first, so a repeated prefix costs no copy of it (audit.log's prefixes, not
 * remembered there, never match it: their forms are remembered apart).
 */
export function decodePrefixOf(line: string, start: number, clock: ClockContext): PrefixInfo {
  if (line.charCodeAt(0) === 0x5b /* [ */) {
    const raw = rawDmesgIn(line, start, clock);
    if (raw !== undefined) return raw;
  }
  const memo = lastDecoded;
  if (start > 0 && memo.clock === clock && memo.prefix.length === start && line.slice(0, start) === memo.prefix) return memo.info;
  // audit.log: the same `node=... type=... msg=audit(` as one of the last decoded is decoded the same
  for (const audit of auditLogForms) if (audit.prefixLength === start && textAt(line, 0, audit.matched)) return audit.info;
  return decodePrefix(line.slice(0, start), clock, line.slice(start, start + 40));
}

/**
 * The last audit.log forms decoded: the prefix's length and the text AUDITLOG_RE matched (prefix
 * and header up to `msg=audit(`). The pattern is anchored and reads nothing past that text, so a
 * line starting with the same text, its header at the same place, is decoded the same; its clock
 * is the audit id, not the prefix. A few are kept, not one: a log merged from several hosts, or
 * with records written with and without `node=`, takes turns between forms.
 */
interface AuditLogForm {
  prefixLength: number;
  matched: string;
  info: PrefixInfo;
}
const AUDIT_LOG_FORMS = 4;
const auditLogForms: AuditLogForm[] = [];
let nextAuditLogForm = 0;
function rememberAuditLogForm(form: AuditLogForm): void {
  auditLogForms[nextAuditLogForm] = form;
  nextAuditLogForm = (nextAuditLogForm + 1) % AUDIT_LOG_FORMS;
}

let lastDecoded: { clock: ClockContext | undefined; prefix: string; info: PrefixInfo } = { clock: undefined, prefix: '', info: { carrier: 'embedded' } };

/** Raw dmesg, the commonest prefix: `[  10800.002000] audit: `, read by hand. */
export const RAW_DMESG_RE = /^\[\s*\d+\.\d+\] audit: $/;

/** RAW_DMESG_RE by hand (it is asked of nearly every record of a dmesg flood); \s is not only spaces. */
export function isRawDmesg(p: string): boolean {
  if (p.charCodeAt(0) !== 0x5b /* [ */ || !p.endsWith('] audit: ')) return false;
  return rawDmesgDot(p, p.length) >= 0 || RAW_DMESG_RE.test(p);
}

/**
 * Where the `.` of raw dmesg's `[  10800.002000] audit: ` is, when s[0, n) is that prefix with
 * spaces only before the digits (the kernel's own form); -1 for any other text.
 */
function rawDmesgDot(s: string, n: number): number {
  if (s.charCodeAt(0) !== 0x5b /* [ */) return -1;
  let i = 1;
  while (s.charCodeAt(i) === 0x20) i++;
  const d0 = i;
  while (isDigitAt(s, i)) i++;
  if (i === d0 || s.charCodeAt(i) !== 0x2e /* . */) return -1;
  const dot = i++;
  while (isDigitAt(s, i)) i++;
  return i > dot + 1 && i === n - 9 && textAt(s, i, '] audit: ') ? dot : -1;
}

/**
 * decodePrefix of line[0, n) when it is raw dmesg's prefix in the kernel's own form (rawDmesgDot),
 * made in the line: nothing is cut out, and the last line's answer serves again when the uptime
 * repeats. undefined when the prefix has another form.
 */
function rawDmesgIn(line: string, n: number, clock: ClockContext): PrefixInfo | undefined {
  const dot = rawDmesgDot(line, n);
  if (dot < 0) return undefined;
  let d0 = dot;
  while (isDigitAt(line, d0 - 1)) d0--;
  const uptime = decimalIn(line, d0, dot, n - 9);
  if (lastRawClock === clock && lastRawInfo.uptime === uptime) return lastRawInfo;
  lastRawClock = clock;
  lastRawInfo = rawDmesgInfo(uptime, clock);
  return lastRawInfo;
}

/** The last raw dmesg prefix decoded in place: its clock and what it gave. */
let lastRawClock: ClockContext | undefined;
let lastRawInfo: PrefixInfo = { carrier: 'dmesg' };

/** What a raw dmesg prefix says: its uptime, and the time it gives when the boot time is known. */
function rawDmesgInfo(uptime: number, clock: ClockContext): PrefixInfo {
  // every key at once (an object extended key by key is copied as it grows)
  return clock.bootTime !== undefined
    ? { carrier: 'dmesg', uptime, channel: 'kernel', time: clock.bootTime + Math.round(uptime * 1000), timeApprox: true }
    : { carrier: 'dmesg', uptime, channel: 'kernel' };
}

/**
 * Number() of the digits s[a, dot) `.` s[dot + 1, b), without cutting them out: with at most 15
 * digits, the digits as one integer and the power of ten are both exact doubles, and their quotient,
 * rounded once, is the decimal rounded once, which is what Number() gives.
 */
export function decimalIn(s: string, a: number, dot: number, b: number): number {
  if (b - a - 1 > 15) return Number(s.slice(a, b));
  let n = 0;
  for (let k = a; k < dot; k++) n = n * 10 + (s.charCodeAt(k) - 0x30);
  for (let k = dot + 1; k < b; k++) n = n * 10 + (s.charCodeAt(k) - 0x30);
  return n / POWERS_OF_TEN[b - dot - 1];
}
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, k) => 10 ** k);

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
}
function rawDmesg(prefix: string, clock: ClockContext): PrefixInfo {
  let i = 1;
  while (prefix.charCodeAt(i) === 0x20) i++;
  return rawDmesgInfo(Number(prefix.slice(i, prefix.indexOf(']', i))), clock);
}

function decodeUncached(prefix: string, clock: ClockContext, header: string): PrefixInfo {
  let m: RegExpExecArray | null;
  if ((m = AUDITLOG_RE.exec(prefix + header))) {
    const info: PrefixInfo = { carrier: 'auditlog', host: m[1], auditType: m[2], channel: 'audit' };
    // remembered where decodePrefix remembers nothing (its memo, by prefix alone, answers the rest)
    if (prefix === '' || prefix.startsWith('node=')) rememberAuditLogForm({ prefixLength: prefix.length, matched: m[0], info });
    return info;
  }
  const c0 = prefix.charCodeAt(0);
  if (c0 === 0x5b /* [ */ || c0 === 0x3c /* < */ || (c0 >= 0x61 && c0 <= 0x7a) /* dmesg -x facility */) {
    if ((m = UPTIME_RE.exec(prefix))) {
      const uptime = Number(m[2]);
      const rest = prefix.slice(m[0].length);
      const info: PrefixInfo = { carrier: 'dmesg', uptime, channel: 'kernel' };
      // journalctl -o short-monotonic: `[ 12.3] host kernel: ...`; raw dmesg: `[ 12.3] audit: ...`
      journalForm(rest, info, 'journal-monotonic');
      if (clock.bootTime !== undefined) {
        info.time = clock.bootTime + Math.round(uptime * 1000);
        info.timeApprox = true;
      }
      return info;
    }
    if ((m = CTIME_RE.exec(prefix))) {
      const month = MONTHS[m[1]];
      const t = month === undefined ? undefined : new Date(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])).getTime();
      const info: PrefixInfo = { carrier: 'dmesg-ctime', time: t, channel: 'kernel' };
      // dmesg -T writes the kernel's message after its clock; `host ident:` there is a syslog
      // header, as messageStart reads it (no tool writes it, but a line can)
      journalForm(prefix.slice(m[0].length), info, 'journal-short');
      return info;
    }
  }
  const r5424 = c0 === 0x3c /* < */ ? rfc5424(prefix) : undefined;
  if (r5424 !== undefined) {
    const info: PrefixInfo = { carrier: 'journal-iso', time: r5424.time };
    if (r5424.ident !== undefined) identify(info, r5424.host, r5424.ident, r5424.pid, prefix.slice(r5424.end));
    else if (r5424.host !== undefined) info.host = r5424.host;
    return info;
  }
  const pri = priLength(prefix);
  const s = pri > 0 ? prefix.slice(pri) : prefix;
  const s0 = s.charCodeAt(0);
  if (s0 >= 0x30 && s0 <= 0x39 && (m = ISO_RE.exec(s))) {
    // journalctl -o short-iso: `2026-... host kernel: ...`; dmesg --time-format iso: `2026-... audit: ...`
    const time = isoTime(m[1], m[2], m[3]);
    const rest = s.slice(m[0].length);
    const info: PrefixInfo = { carrier: 'dmesg-iso', time, channel: 'kernel' };
    journalForm(rest, info, 'journal-iso');
    return info;
  }
  if ((m = SYSLOG_RE.exec(s))) {
    const { time, approx } = syslogTime(m[1], m[2], m[3], m[4], m[5], m[6], clock);
    return journalShort(prefix, pri + m[0].length, time, approx);
  }
  // a weekday or a digit first (journalctl -o cat's empty prefix, asked for every record, skips both patterns)
  const other = (s0 >= 0x30 && s0 <= 0x39) || (s0 >= 0x41 && s0 <= 0x5a) ? otherJournalClock(s) : undefined;
  // these clocks are journalctl's alone: with no `host ident:` after them the line is some other text
  if (other !== undefined && HOST_IDENT_RE.test(s.slice(other.end))) return journalShort(prefix, pri + other.end, other.time, other.approx);
  if (prefix === '' || prefix.startsWith('audit: ') || /^[A-Z_]+ $/.test(prefix) || /^audit: type=\d+ $/.test(prefix)) {
    // journalctl -o cat: the kernel message alone, or the audit transport's `AVC ` type word
    const info: PrefixInfo = { carrier: 'journal-cat' };
    const w = /^([A-Z_]+) $/.exec(prefix);
    // the audit transport's message starts with its type word; the kernel's with `audit: `
    if (w) {
      info.auditType = w[1];
      info.channel = 'audit';
    } else if (prefix !== '') info.channel = 'kernel';
    return info;
  }
  return { carrier: 'embedded' };
}

/** A syslog-like header: the clock ends at `at`, `host ident[pid]: ` follows (or not). */
function journalShort(prefix: string, at: number, time: number | undefined, approx: boolean): PrefixInfo {
  const info: PrefixInfo = { carrier: 'journal-short', time, timeApprox: approx || undefined };
  const header = hostIdent(prefix.slice(at), info);
  // kern.log keeps the kernel's uptime after the ident: `kernel: [  12.3] audit: ...` (only
  // there: what follows another ident is a program's text; see messageStart)
  if (header !== undefined) {
    const up = afterHeader(prefix, at + header[0].length, header, undefined).uptime;
    if (up !== undefined) info.uptime = up;
  }
  return info;
}

/** Where a line's message starts, who logged it, and the kernel's uptime when the line gives one. */
export interface MessageStart {
  /** The message's first character: what a process wrote can only stand from here on. */
  at: number;
  /** `kernel` after a dmesg clock; the syslog identifier after a journal or syslog header
   * (`kernel`, `systemd-journald`, a program's); undefined for a message alone (journalctl -o cat).
   * The kernel's own lines have no pid after it: `kernel[4242]:` is a program that calls itself so. */
  ident: string | undefined;
  pid?: string;
  uptime?: number;
}

const KERNLOG_UPTIME_RE = /^\[\s*(\d+\.\d+)\] ?/;

/**
 * The start of the message on a line of text, read from the carrier's clock and header the way
 * decodePrefix reads them. The kernel's own notices (a boot's banner, loss notices, kern.log's
 * `[ uptime]`) are believed only here and only from their writer: a path in a record, or a
 * program's log line (`logger 'kernel: [0.5] Linux version 9'`), can hold the same words further on.
 */
export function messageStart(line: string): MessageStart {
  let m: RegExpExecArray | null;
  let uptime: number | undefined;
  let clockEnd = -1;
  const c0 = line.charCodeAt(0);
  if (c0 === 0x5b /* [ */ || c0 === 0x3c /* < */ || (c0 >= 0x61 && c0 <= 0x7a)) {
    if ((m = UPTIME_RE.exec(line))) {
      uptime = Number(m[2]);
      clockEnd = m[0].length;
    } else if ((m = CTIME_RE.exec(line))) clockEnd = m[0].length;
  }
  if (clockEnd < 0 && c0 === 0x3c /* < */) {
    const r = rfc5424(line);
    if (r !== undefined) return r.pid === undefined ? { at: r.end, ident: r.ident } : { at: r.end, ident: r.ident, pid: r.pid };
  }
  const pri = clockEnd < 0 ? priLength(line) : 0;
  const s = pri > 0 ? line.slice(pri) : line;
  const s0 = s.charCodeAt(0);
  if (clockEnd < 0 && s0 >= 0x30 && s0 <= 0x39 && (m = ISO_RE.exec(s))) clockEnd = pri + m[0].length;
  if (clockEnd >= 0) {
    // a kernel clock alone is dmesg's (the kernel's message follows); with `host ident:` after it, journalctl's
    const rest = line.slice(clockEnd);
    const h = rest.startsWith('audit: ') ? null : HOST_IDENT_RE.exec(rest);
    if (h === null) return { at: clockEnd, ident: 'kernel', uptime };
    return afterHeader(line, clockEnd + h[0].length, h, uptime);
  }
  m = SYSLOG_RE.exec(s);
  const end = m !== null ? m[0].length : otherJournalClock(s)?.end;
  if (end !== undefined) {
    const h = HOST_IDENT_RE.exec(s.slice(end));
    if (h !== null) return afterHeader(line, pri + end + h[0].length, h, undefined);
  }
  return { at: 0, ident: undefined };
}

/** After `host ident[pid]: ` (HOST_IDENT_RE's match `h`, ending at `at`): kern.log's `[ uptime] ` is the kernel's too. */
function afterHeader(line: string, at: number, h: RegExpExecArray, uptime: number | undefined): MessageStart {
  const ident = h[2];
  const pid = h[3];
  if (ident === 'kernel' && pid === undefined && line.charCodeAt(at) === 0x5b /* [ */) {
    const up = KERNLOG_UPTIME_RE.exec(line.slice(at));
    if (up) return { at: at + up[0].length, ident, uptime: Number(up[1]) };
  }
  return pid === undefined ? { at, ident, uptime } : { at, ident, pid, uptime };
}

/** Whether the message is the kernel's: after a dmesg clock, or after `kernel:` with no pid. */
export function byKernel(m: MessageStart): boolean {
  return m.ident === 'kernel' && m.pid === undefined;
}
