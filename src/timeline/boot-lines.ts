/**
 * Boots and uptimes from the lines the record parser passes over: the kernel's "Linux version"
 * line starts a boot, and a raw dmesg line's `[ uptime]` dates it relative to that boot. Pure
 * (lines in, facts out); called for every line, so the common case is a couple of character tests.
 */
import { byKernel, decimalIn, decodePrefix, messageStart, type ClockContext } from '../parse/prefix.js';

export interface LineFacts {
  /** The line is the kernel's banner: a boot. */
  boot?: { uptime?: number; time?: number; timeApprox?: boolean; kernel?: string };
  /** The line's uptime, when it starts with one (raw dmesg) or has one after `kernel: ` (kern.log). */
  uptime?: number;
}

// `[   12.345678] `, `<5>[   12.3] ` (dmesg -r), `kern  :info  : [   12.3] ` (dmesg -x)
const LEADING_UPTIME_RE = /^(?:<\d+>)?(?:[a-z]+\s*:[a-z]+\s*: )?\[\s*(\d+\.\d+)\]/;
export const BOOT_BANNER = 'Linux version ';

export function lineUptime(text: string): number | undefined {
  const c = text.charCodeAt(0);
  if (c === 0x5b /* [ */) {
    const up = kernelUptime(text);
    if (up !== undefined) return up;
  }
  if (c === 0x5b /* [ */ || c === 0x3c /* < */ || (c >= 0x61 && c <= 0x7a && mayBeFacility(text))) {
    const m = LEADING_UPTIME_RE.exec(text);
    if (m) return Number(m[1]);
  }
  // kern.log: `host kernel: [ 12.3] `, right after the header (not wherever a program wrote it)
  if (text.includes(' kernel: [')) {
    const m = messageStart(text);
    if (byKernel(m)) return m.uptime;
  }
  return undefined;
}

/**
 * Whether a line opening with a small letter may open with dmesg -x's `kern  :info  : `: the word
 * ends in a space or a colon. audit.log's `type=` and `node=` do not, and their lines are most of
 * what the timeline reads of an audit log.
 */
function mayBeFacility(text: string): boolean {
  let i = 1;
  for (let c = text.charCodeAt(i); c >= 0x61 && c <= 0x7a; c = text.charCodeAt(++i));
  // a space, a colon, or anything the expression's \s might take (the test is only a shortcut)
  const c = text.charCodeAt(i);
  return c <= 0x20 || c >= 0x7f || c === 0x3a;
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
  // the banner is the kernel's message itself, not words a program or a path holds further on
  const m = messageStart(text);
  if (m.at !== at || (m.ident !== undefined && !byKernel(m))) return facts;
  const prefix = text.slice(0, at);
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
