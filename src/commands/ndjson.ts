/**
 * Non-interactive replay of saved inputs: every input through one pipeline, records out as NDJSON
 * (or readable lines), the summary on stderr. Used for --json, for --plain, and whenever stdout is
 * not a terminal.
 */
import type { Writable } from 'node:stream';
import type { AppArmorRecord } from '../model/record.js';
import { summaryLine, type PipelineCounts, type PipelineOptions } from '../pipeline/pipeline.js';
import { SavedInputReader, type SavedInput } from '../pipeline/saved-inputs.js';
import { Progress, readerProgress, type ProgressStream } from './progress.js';
import { recordToNdjson, writeNdjson, type NdjsonOut } from '../outputs/json.js';
import { recordLine } from '../outputs/text.js';
import { safeLines, safeText } from '../model/safe-text.js';

/** How records are streamed out: NDJSON, or readable lines (--plain). */
export type StreamFormat = 'json' | 'plain';

/** The text written for one record: its NDJSON line, or its readable line; both end in a newline. */
export function recordText(r: AppArmorRecord, format: StreamFormat, opts: { raw?: boolean; utc?: boolean }): string {
  return format === 'json' ? recordToNdjson(r, { raw: opts.raw }) : `${recordLine(r, { utc: opts.utc })}\n`;
}

export interface ReplayOptions extends PipelineOptions {
  format: StreamFormat;
  raw?: boolean;
  utc?: boolean;
  /** Drop records outside [since, until] (epoch ms). Records without a time are kept. */
  since?: number;
  until?: number;
  /** Where a progress line goes while the inputs are read, when it is a terminal (stderr, when the
   * records go to a file: progress.ts outputLeavesTerminal). */
  progress?: ProgressStream;
  progressDelayMs?: number;
}

/** Bytes of output handed to stdout at a time. */
const CHUNK_BYTES = 65536;
/** Written last: its callback runs once everything written before it is out. */
const NOTHING = Buffer.alloc(0);

export async function replay(inputs: SavedInput[], out: Writable, err: Writable, opts: ReplayOptions): Promise<PipelineCounts & { damaged: number }> {
  // records are written into byte chunks handed to stdout whole: appending their texts to one
  // string made a rope, flattened into one more 64 KB string per chunk before it was encoded
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  let behind = false;
  const flush = () => {
    if (used > 0) {
      if (!out.write(chunk.subarray(0, used))) behind = true;
      // the stream may hold the bytes until they are written: a new chunk, never the one handed over
      chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      used = 0;
    }
  };
  const put = (text: string) => {
    // a character takes at most 3 bytes in UTF-8 (a surrogate pair 4 for its 2 units)
    if (used + 3 * text.length > CHUNK_BYTES) {
      flush();
      if (3 * text.length > CHUNK_BYTES) {
        if (!out.write(text)) behind = true;
        return;
      }
    }
    used += chunk.write(text, used);
  };
  const bytes = (b: Uint8Array) => {
    if (used + b.length > CHUNK_BYTES) {
      flush();
      if (b.length > CHUNK_BYTES) {
        // the bytes are kept for later records and never changed: the stream may hold them as they are
        if (!out.write(b)) behind = true;
        return;
      }
    }
    chunk.set(b, used);
    used += b.length;
  };
  const ndjson: NdjsonOut = { text: put, bytes };
  const writeRecord = opts.format === 'json' && !opts.raw ? (r: AppArmorRecord) => writeNdjson(r, ndjson) : (r: AppArmorRecord) => put(recordText(r, opts.format, opts));
  // a slow reader on stdout (a pipe into less, ssh): read on only when it has taken what was written
  const pace = () => {
    if (!behind) return undefined;
    behind = false;
    return new Promise<void>((resolve) => {
      const done = () => {
        out.off('drain', done);
        out.off('close', done);
        out.off('error', done);
        resolve();
      };
      out.on('drain', done);
      out.on('close', done);
      out.on('error', done);
    });
  };
  const reader = new SavedInputReader({ record: writeRecord }, { ...opts, pace, window: { since: opts.since, until: opts.until } });
  // a long read into a file: how far it is, on the terminal (progress.ts says when it shows)
  const progress = new Progress(opts.progress, () => readerProgress(reader), { delayMs: opts.progressDelayMs });
  let counts;
  try {
    counts = await reader.read(inputs, {
      damaged: (line) => {
        progress.clear();
        err.write(`aa-triage: ${line}\n`);
      },
    });
  } finally {
    progress.stop();
  }
  flush();
  // the summary after the records: stdout may still be writing (a full pipe, a slow reader), and
  // with both on one pipe (2>&1) a summary written at once came before the last records
  await new Promise<void>((resolve) => {
    out.write(NOTHING, () => resolve());
  });
  err.write(`${safeLines(summaryLine(counts))}\n`);
  for (const u of counts.firstUnparsable.slice(0, 5)) err.write(`  unparsable ${safeText(u.source.name)}:${u.source.line}: ${safeText(u.reason)}\n`);
  return counts;
}
