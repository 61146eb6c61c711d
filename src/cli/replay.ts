/**
 * Non-interactive replay of saved inputs: every input through one pipeline, records out as NDJSON
 * (or readable lines), the summary on stderr. Used for --json, for --plain, and whenever stdout is
 * not a terminal.
 */
import type { Writable } from 'node:stream';
import type { AppArmorRecord } from '../model/record.js';
import { DamagedInput, damagedInputLine, scanStream, type LineStats } from '../ingest/lines.js';
import { openInput } from '../ingest/inputs.js';
import { Pipeline, summaryLine, type PipelineCounts, type PipelineOptions } from '../pipeline.js';
import { recordToNdjson } from '../views/json.js';
import { recordLine } from '../views/text.js';
import { safeLines, safeText } from '../views/safe-text.js';

export interface ReplayInput {
  /** Path, or '-' for stdin. */
  path: string;
  /** The name evidence references use (the path, or DEMO:...). */
  name: string;
}

export interface ReplayOptions extends PipelineOptions {
  format: 'json' | 'plain';
  raw?: boolean;
  utc?: boolean;
  /** Drop records outside [since, until] (epoch ms). Records without a time are kept. */
  since?: number;
  until?: number;
}

/**
 * Reads every input in order through one pipeline; calls onRecord for each record that survives.
 * `pace`, between chunks: a promise to wait for before reading on (the output is behind).
 */
export async function ingestInputs(
  inputs: ReplayInput[],
  onRecord: (r: AppArmorRecord) => void,
  opts: PipelineOptions & { since?: number; until?: number; pace?: () => Promise<void> | undefined; onDamaged?: (line: string) => void } = {},
): Promise<PipelineCounts & { damaged: number }> {
  const inWindow = (r: AppArmorRecord) => r.time === undefined || ((opts.since === undefined || r.time >= opts.since) && (opts.until === undefined || r.time <= opts.until));
  const pipeline = new Pipeline({ record: (r) => inWindow(r) && onRecord(r) }, opts);
  const stats: LineStats = { bytes: 0, cut: 0 };
  let damaged = 0;
  for (const input of inputs) {
    const stream = await openInput(input.path);
    const parser = pipeline.parserFor(input.name);
    try {
      await scanStream(stream, parser.asSink(), { filter: true }, stats, opts.pace);
    } catch (err) {
      if (!(err instanceof DamagedInput)) throw err;
      damaged++;
      opts.onDamaged?.(damagedInputLine(input.name, err));
    }
    parser.end();
  }
  return { ...pipeline.collect({ cut: stats.cut }), damaged };
}

export async function replay(inputs: ReplayInput[], out: Writable, err: Writable, opts: ReplayOptions): Promise<PipelineCounts & { damaged: number }> {
  let buf = '';
  let behind = false;
  const flush = () => {
    if (buf) {
      if (!out.write(buf)) behind = true;
      buf = '';
    }
  };
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
  const counts = await ingestInputs(
    inputs,
    (r) => {
      buf += opts.format === 'json' ? recordToNdjson(r, { raw: opts.raw }) : `${recordLine(r, { utc: opts.utc })}\n`;
      if (buf.length > 65536) flush();
    },
    { ...opts, pace, onDamaged: (line) => err.write(`aa-triage: ${line}\n`) },
  );
  flush();
  err.write(`${safeLines(summaryLine(counts))}\n`);
  for (const u of counts.firstUnparsable.slice(0, 5)) err.write(`  unparsable ${safeText(u.source.name)}:${u.source.line}: ${safeText(u.reason)}\n`);
  return counts;
}
