/**
 * A progress line on stderr while a large log is read (`aa-triage timeline`, and `--json` or
 * `--plain` into a file): shown only on a terminal, only once the run has taken more than a moment,
 * rewritten in place a few times a second, and erased at the end so it never mixes with the output.
 * I/O edge (timers, the streams).
 */
import { fstatSync } from 'node:fs';
import { isatty } from 'node:tty';
import { cutChars, safeMiddle, safeText } from '../model/safe-text.js';
import { percentRead } from '../model/percent-read.js';
import type { SavedInputReader } from '../pipeline/saved-inputs.js';

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  /** The terminal's width: a longer line would wrap, and `\r` would then rewrite only its last row. */
  columns?: number;
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
    this.stream!.write(`\r\x1b[K${progressLine(this.read(), this.opts.command, this.stream!.columns)}`);
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

/** What a progress line says of a reader of saved inputs: the input being read and how far. */
export function readerProgress(reader: SavedInputReader): ProgressCounts {
  const p = reader.progress();
  return { input: p?.input.name ?? '', lines: p?.lines ?? 0, records: reader.pipeline.counts.records, bytes: reader.stats.bytes, fraction: p?.fraction };
}

/**
 * The progress line, within `columns` when the terminal's width is known: the input's name gives
 * way first (cut in its middle, down to ten characters), then the megabytes, then the records.
 */
export function progressLine(c: ProgressCounts, command: string | undefined, columns: number | undefined): string {
  const head = `${command ? `aa-triage ${command}` : 'aa-triage'}: reading `;
  const lines = `: ${c.fraction !== undefined ? `${percentRead(c.fraction)}, ` : ''}${c.lines.toLocaleString('en-US')} lines`;
  const records = `, ${c.records.toLocaleString('en-US')} records`;
  const mb = c.bytes !== undefined ? `, ${(c.bytes / 1048576).toFixed(1)} MB` : '';
  if (!columns || columns < 2) return `${head}${safeText(c.input)}${lines}${records}${mb}`;
  // the last column stays empty: a line that fills it wraps on some terminals
  const room = columns - 1;
  for (const tail of [`${lines}${records}${mb}`, `${lines}${records}`, lines]) {
    const name = room - head.length - tail.length;
    if (name >= NAME_MIN) return `${head}${safeMiddle(c.input, name)}${tail}`;
  }
  // a narrow terminal: the name shorter still, then the line cut
  const name = room - head.length - lines.length;
  return name >= 4 ? `${head}${safeMiddle(c.input, name)}${lines}` : cutChars(`${head}${safeMiddle(c.input, 4)}${lines}`, room);
}

/** The fewest columns a progress line gives the input's name before it drops its other counts. */
const NAME_MIN = 10;

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
