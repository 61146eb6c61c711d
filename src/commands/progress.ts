/**
 * A progress line on stderr while a large log is read (`aa-triage timeline`, and `--json` or
 * `--plain` into a file): shown only on a terminal, only once the run has taken more than a moment,
 * rewritten in place a few times a second, and erased at the end so it never mixes with the output.
 * I/O edge (timers, the streams).
 */
import { fstatSync } from 'node:fs';
import { isatty } from 'node:tty';
import { safeText } from '../model/safe-text.js';
import { percentRead } from '../model/percent-read.js';

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
}

export interface ProgressCounts {
  input: string;
  lines: number;
  records: number;
  bytes?: number;
  /** The share of the input read, when it is a file (a pipe has no size). */
  fraction?: number;
}

export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private shown = false;
  private readonly started = Date.now();

  constructor(
    private readonly stream: ProgressStream | undefined,
    private readonly read: () => ProgressCounts,
    /** `command`: the command the line names (`aa-triage timeline: reading ...`). */
    private readonly opts: { delayMs?: number; intervalMs?: number; command?: string } = {},
  ) {
    if (!stream?.isTTY) return;
    this.timer = setInterval(() => this.tick(), opts.intervalMs ?? 250);
    this.timer.unref();
  }

  private tick(): void {
    if (Date.now() - this.started < (this.opts.delayMs ?? 1000)) return;
    const c = this.read();
    const mb = c.bytes !== undefined ? `, ${(c.bytes / 1048576).toFixed(1)} MB` : '';
    const share = c.fraction !== undefined ? `${percentRead(c.fraction)}, ` : '';
    const who = this.opts.command ? `aa-triage ${this.opts.command}` : 'aa-triage';
    this.stream!.write(`\r\x1b[K${who}: reading ${safeText(c.input)}: ${share}${c.lines.toLocaleString('en-US')} lines, ${c.records.toLocaleString('en-US')} records${mb}`);
    this.shown = true;
  }

  /** Erases the line before something else is written on the stream; the next tick draws it again. */
  clear(): void {
    if (this.shown) this.stream!.write('\r\x1b[K');
    this.shown = false;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.shown) this.stream!.write('\r\x1b[K');
    this.shown = false;
  }
}

/**
 * Whether records written to this descriptor leave the terminal to a progress line: they go to a
 * file or to /dev/null. Not into a pipe (`| jq`, `| less` may draw on the same terminal, and a
 * progress line would land in the middle of what they print), and not onto the terminal itself.
 */
export function outputLeavesTerminal(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isFile() || (st.isCharacterDevice() && !isatty(fd));
  } catch {
    return false;
  }
}
