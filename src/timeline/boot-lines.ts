/**
 * Boots and uptimes from the lines the record parser passes over: the kernel's "Linux version"
 * line starts a boot, and a raw dmesg line's `[ uptime]` dates it relative to that boot. Pure
 * (lines in, facts out); called for every line, so the common case is a couple of character tests.
 */
import { decimalIn, decodePrefix, type ClockContext } from '../parse/prefix.js';

export interface LineFacts {
  /** The line is the kernel's banner: a boot. */
  boot?: { uptime?: number; time?: number; timeApprox?: boolean; kernel?: string };
  /** The line's uptime, when it starts with one (raw dmesg) or has one after `kernel: ` (kern.log). */
  uptime?: number;
}

// `[   12.345678] `, `<5>[   12.3] ` (dmesg -r), `kern  :info  : [   12.3] ` (dmesg -x)
const LEADING_UPTIME_RE = /^(?:<\d+>)?(?:[a-z]+\s*:[a-z]+\s*: )?\[\s*(\d+\.\d+)\]/;
const KERNLOG_UPTIME_RE = / kernel: \[\s*(\d+\.\d+)\]/;
export const BOOT_BANNER = 'Linux version ';
// what may stand before the banner: nothing, a `[...] ` clock, a syslog/journal `kernel: `, a dmesg iso time
const BANNER_PREFIX_RE = /^$|\]\s$|\skernel: $|^\d{4}-\d\d-\d\dT\S+ $/;

export function lineUptime(text: string): number | undefined {
  const c = text.charCodeAt(0);
  if (c === 0x5b /* [ */) {
    const up = kernelUptime(text);
    if (up !== undefined) return up;
  }
  if (c === 0x5b /* [ */ || c === 0x3c /* < */ || (c >= 0x61 && c <= 0x7a)) {
    const m = LEADING_UPTIME_RE.exec(text);
    if (m) return Number(m[1]);
  }
  if (text.includes(' kernel: [')) {
    const m = KERNLOG_UPTIME_RE.exec(text);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/**
 * LEADING_UPTIME_RE for the kernel's own `[   12.345678]` (spaces only before the digits), read by
 * hand: nearly every line of a raw dmesg log has one. undefined for any other form, which the
 * expression then reads.
 */
function kernelUptime(text: string): number | undefined {
  let i = 1;
  while (text.charCodeAt(i) === 0x20) i++;
  const d0 = i;
  while (isDigit(text.charCodeAt(i))) i++;
  if (i === d0 || text.charCodeAt(i) !== 0x2e /* . */) return undefined;
  const dot = i++;
  while (isDigit(text.charCodeAt(i))) i++;
  if (i === dot + 1 || text.charCodeAt(i) !== 0x5d /* ] */) return undefined;
  return decimalIn(text, d0, dot, i);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** What most lines say: no uptime, no boot (one answer shared, never changed). */
const NO_FACTS: LineFacts = Object.freeze({});

export function readLineFacts(text: string, clock: ClockContext): LineFacts {
  const uptime = lineUptime(text);
  const at = text.indexOf(BOOT_BANNER);
  if (at < 0) return uptime === undefined ? NO_FACTS : { uptime };
  const facts: LineFacts = uptime === undefined ? {} : { uptime };
  const prefix = text.slice(0, at);
  if (!BANNER_PREFIX_RE.test(prefix)) return facts;
  const info = decodePrefix(prefix, clock);
  const boot: NonNullable<LineFacts['boot']> = {};
  const up = info.uptime ?? uptime;
  if (up !== undefined) boot.uptime = up;
  // the clock of an uptime line is the uptime itself (or --boot-time added to it): not a wall-clock reading
  if (info.time !== undefined && info.carrier !== 'dmesg' && info.carrier !== 'journal-monotonic') {
    boot.time = info.time;
    if (info.timeApprox) boot.timeApprox = true;
  }
  const kernel = /^Linux version (\S+)/.exec(text.slice(at));
  if (kernel) boot.kernel = kernel[1];
  facts.boot = boot;
  return facts;
}
