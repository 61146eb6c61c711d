/**
 * One source's shared state: its health (what the UI shows), its bounded line queue, and its own
 * parser (its own line numbers). Readers (subprocess, followed file, saved input) only enqueue;
 * the session drains every queue into the pipeline.
 */
import type { LineParser } from '../parse/line-parser.js';
import { LineQueue } from './line-queue.js';
import type { SourceHealth, SourceState } from './types.js';

const STDERR_LINES = 20;
const STDERR_LINE_MAX = 500;

export class SourceCtl {
  readonly health: SourceHealth;
  readonly queue: LineQueue;
  lastLineAt = 0;
  /** Set by a reader while it has more to deliver without waiting (a backfill in progress). */
  reading = false;
  /** No more lines will come (ended, failed for good, unavailable, stopped). */
  finished = false;
  /** stderr lines ever written (the tail keeps only the last few). */
  stderrLines = 0;

  constructor(
    name: string,
    readonly parser: LineParser,
    capacity: number,
    private readonly changed: () => void,
    private readonly wake: () => void,
  ) {
    this.health = { name, state: 'starting', lines: 0, records: 0, restarts: 0, stderrTail: [], since: Date.now(), duplicates: 0, dropped: 0 };
    this.queue = new LineQueue(capacity);
  }

  setState(state: SourceState, reason?: string, fix?: string): void {
    const h = this.health;
    if (h.state === state && h.reason === reason && h.fix === fix) return;
    if (h.state !== state) h.since = Date.now();
    h.state = state;
    if (reason === undefined) delete h.reason;
    else h.reason = reason;
    if (fix === undefined) delete h.fix;
    else h.fix = fix;
    if (state === 'ended' || state === 'unavailable') this.finished = true;
    this.changed();
  }

  /** The source will produce nothing more, in whatever state it is left. */
  finish(): void {
    this.finished = true;
    this.changed();
  }

  enqueue(line: string): void {
    this.lastLineAt = Date.now();
    this.health.lines++;
    if (!this.queue.push(line)) this.health.dropped = this.queue.dropped;
    this.wake();
  }

  /** Lines the scanner passed over (nothing in them for the parser): counted and numbered. */
  skip(count: number): void {
    this.lastLineAt = Date.now();
    this.health.lines += count;
    this.queue.pushSkipped(count);
  }

  /** A line of another audit event went by unread: the parser may release what it holds. */
  eventEnd(): void {
    this.queue.pushEventEnd();
  }

  stderr(line: string): void {
    if (!line.trim()) return;
    this.stderrLines++;
    const t = this.health.stderrTail;
    t.push(line.length > STDERR_LINE_MAX ? `${line.slice(0, STDERR_LINE_MAX)}…` : line);
    if (t.length > STDERR_LINES) t.splice(0, t.length - STDERR_LINES);
    this.changed();
  }

  restarted(): void {
    this.health.restarts++;
    this.changed();
  }
}
