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
  stream: Readable,
  sink: LineSink,
  opts: ScanOptions,
  stats: LineStats = { bytes: 0, cut: 0 },
  /** Between chunks: a promise to wait for before reading on (the consumer is behind). */
  pace?: () => Promise<void> | undefined,
): Promise<LineStats> {
  const scanner = new LineScanner(sink, opts);
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    scanner.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    const wait = pace?.();
    if (wait) await wait;
  }
  scanner.end();
  stats.bytes += scanner.bytes;
  stats.cut += scanner.cut;
  return stats;
}
