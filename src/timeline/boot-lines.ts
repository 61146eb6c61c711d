/**
 * Boots and uptimes from the lines the record parser passes over: the kernel's "Linux version"
 * line starts a boot, and a raw dmesg line's `[ uptime]` dates it relative to that boot. Pure
 * (lines in, facts out); called for every line, so the common case is a couple of character tests.
 */
import { decodePrefix, type ClockContext } from '../parse/prefix.js';

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

export function readLineFacts(text: string, clock: ClockContext): LineFacts {
  const facts: LineFacts = {};
  const uptime = lineUptime(text);
  if (uptime !== undefined) facts.uptime = uptime;
  const at = text.indexOf(BOOT_BANNER);
  if (at < 0) return facts;
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
