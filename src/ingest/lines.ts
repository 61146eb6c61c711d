/**
 * Reading a whole byte stream as lines (saved inputs, stdin, the action journal): the stream's
 * chunks through one LineScanner.
 */
import type { Readable } from 'node:stream';
import { LineScanner, MAX_LINE, type LineSink, type ScanOptions } from './line-scanner.js';

export { MAX_LINE };

export interface LineStats {
  bytes: number;
  /** Lines cut at MAX_LINE bytes. */
  cut: number;
}

/** Every line of the stream, in order. */
export async function forEachLine(stream: Readable, onLine: (line: string) => void, stats: LineStats = { bytes: 0, cut: 0 }): Promise<LineStats> {
  return scanStream(stream, { line: onLine }, {}, stats);
}

/** The stream's lines through `sink`, filtered when opts.filter says so (skipped lines are counted). */
export async function scanStream(
  stream: AsyncIterable<Buffer | string>,
  sink: LineSink,
  opts: ScanOptions,
  stats: LineStats = { bytes: 0, cut: 0 },
  /** Between chunks: a promise to wait for before reading on (the consumer is behind). */
  pace?: () => Promise<void> | undefined,
): Promise<LineStats> {
  const scanner = new LineScanner(sink, opts);
  // the totals before this stream: `stats` counts this one's bytes as they are read, so a progress
  // line shows them while it is read, not once it ends
  const bytes0 = stats.bytes;
  const cut0 = stats.cut;
  const count = () => {
    stats.bytes = bytes0 + scanner.bytes;
    stats.cut = cut0 + scanner.cut;
  };
  let reading = true;
  try {
    for await (const chunk of stream) {
      reading = false;
      scanner.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      count();
      const wait = pace?.();
      if (wait) await wait;
      reading = true;
    }
  } catch (err) {
    // the stream failed (a truncated gzip, a read error): the lines before it are kept
    if (!reading) throw err;
    scanner.end();
    count();
    throw new DamagedInput((err as Error)?.message ?? String(err), scanner.bytes);
  }
  scanner.end();
  count();
  return stats;
}

/** An input that failed part-way: what was read before it went through the sink. */
export class DamagedInput extends Error {
  constructor(
    readonly reason: string,
    /** Bytes read (and passed on) before the damage. */
    readonly bytesRead: number,
  ) {
    super(`damaged input: ${reason}`);
  }
}

/** One line for the user: which input, what happened, that the rest goes on. */
export function damagedInputLine(name: string, d: DamagedInput): string {
  return `${name}: damaged input (${d.reason}) after ${d.bytesRead} bytes: what it gave is kept, the other inputs are read`;
}
