/**
 * Splits a byte stream into lines without readline's overhead, survives any line length (a line
 * over MAX_LINE bytes is cut there and counted), and decodes each line as UTF-8 (invalid bytes
 * become U+FFFD; NUL bytes pass through).
 */
import type { Readable } from 'node:stream';

export const MAX_LINE = 4 * 1024 * 1024;

export interface LineStats {
  bytes: number;
  /** Lines cut at MAX_LINE bytes. */
  cut: number;
}

export async function forEachLine(stream: Readable, onLine: (line: string) => void, stats: LineStats = { bytes: 0, cut: 0 }): Promise<LineStats> {
  let carry: Buffer[] = [];
  let carryLen = 0;
  let skipping = false; // inside an over-long line, dropping bytes until its newline
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    stats.bytes += buf.length;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, start);
      if (nl < 0) break;
      if (skipping) {
        skipping = false;
      } else if (carryLen) {
        carry.push(buf.subarray(start, nl));
        onLine(Buffer.concat(carry).toString('utf8'));
        carry = [];
        carryLen = 0;
      } else {
        onLine(buf.toString('utf8', start, nl));
      }
      start = nl + 1;
    }
    if (start < buf.length && !skipping) {
      const rest = buf.subarray(start);
      if (carryLen + rest.length > MAX_LINE) {
        const room = MAX_LINE - carryLen;
        if (room > 0) carry.push(rest.subarray(0, room));
        onLine(Buffer.concat(carry).toString('utf8'));
        stats.cut++;
        carry = [];
        carryLen = 0;
        skipping = true;
      } else {
        carry.push(Buffer.from(rest)); // copy: the stream may reuse its buffer
        carryLen += rest.length;
      }
    }
  }
  if (carryLen && !skipping) onLine(Buffer.concat(carry).toString('utf8'));
  return stats;
}
