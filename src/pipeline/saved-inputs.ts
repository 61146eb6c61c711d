/**
 * Saved inputs (log files, stdin, the demo's log) read in order through one pipeline, with the one
 * time-window test: the loop every mode that reads saved logs shares (NDJSON and plain replay, the
 * interactive view, the timeline). I/O edge: it opens the inputs.
 */
import type { AppArmorRecord } from '../model/record.js';
import { openInputChunks } from '../ingest/inputs.js';
import { DamagedInput, damagedInputLine, scanStream, type LineStats } from '../ingest/lines.js';
import type { LineSink } from '../parse/line-sink.js';
import type { LineParser } from '../parse/line-parser.js';
import { Pipeline, type PipelineCounts, type PipelineOptions, type PipelineSink } from './pipeline.js';

export interface SavedInput {
  /** Path, or '-' for stdin. */
  path: string;
  /** The name evidence references use (the path, or DEMO:...). */
  name: string;
}

/** --since/--until as epoch ms; either end may be open. */
export interface TimeWindow {
  since?: number;
  until?: number;
}

/** Whether a time falls in the window; a record without a time is always kept. */
export function inWindow(time: number | undefined, w: TimeWindow | undefined): boolean {
  return time === undefined || w === undefined || ((w.since === undefined || time >= w.since) && (w.until === undefined || time <= w.until));
}

export interface SavedReadOptions extends PipelineOptions {
  /** Records outside it never reach the sink (loss notices are the sink's to judge). */
  window?: TimeWindow;
  /** Between chunks: a promise to wait for before reading on (the output is behind). */
  pace?: () => Promise<void> | undefined;
  /** Lines the scanner must deliver besides the parser's markers (the timeline's boot banner). */
  markers?: readonly string[];
  /** Bytes read from a file at a time (ingest/inputs.ts CHUNK unless given): the most one turn of
   * the event loop parses. */
  chunkBytes?: number;
}

export interface SavedInputHooks {
  /** Before an input is read: may return the line sink to read it through (wrapping the parser's). */
  start?(input: SavedInput, parser: LineParser): LineSink | void;
  /** After the input's last line, before its parser is ended (held records flushed). */
  ending?(input: SavedInput): void;
  /** After the input: its lines, the records it gave, and the damage that cut it short, if any. */
  done?(input: SavedInput, result: { lines: number; records: number; damaged?: DamagedInput }): void;
  /** An input damaged part-way (a truncated gzip): what it gave is kept, the others are read. */
  damaged?(line: string, input: SavedInput): void;
  /** An input that cannot be read at all: without this hook the error ends the run. */
  failed?(input: SavedInput, err: Error): void;
}

export type SavedCounts = PipelineCounts & { damaged: number };

/** How far the input being read is: its lines and records so far, the bytes it gave, and the share
 * of it read when it is a regular file (plain or gzip; not a pipe). */
export interface InputProgress {
  input: SavedInput;
  lines: number;
  records: number;
  bytes: number;
  fraction?: number;
}

/** One pipeline over a list of saved inputs; its counters and byte totals are readable while it runs. */
export class SavedInputReader {
  readonly pipeline: Pipeline;
  readonly stats: LineStats = { bytes: 0, cut: 0 };
  /** The input being read, with the totals when it started. */
  private current: { input: SavedInput; parser: LineParser; records0: number; bytes0: number; size?: number; fileRead?: () => number } | undefined;

  constructor(
    sink: PipelineSink,
    private readonly opts: SavedReadOptions = {},
  ) {
    const w = opts.window;
    this.pipeline = new Pipeline(w ? { ...sink, record: (r) => inWindow(r.time, w) && sink.record(r) } : sink, opts);
  }

  async read(inputs: readonly SavedInput[], hooks: SavedInputHooks = {}): Promise<SavedCounts> {
    let damaged = 0;
    const scan = this.opts.markers ? { filter: true, markers: [...this.opts.markers] } : { filter: true };
    for (const input of inputs) {
      let parser: LineParser;
      let before: number;
      let cut: DamagedInput | undefined;
      try {
        const stream = await openInputChunks(input.path, this.opts.chunkBytes);
        parser = this.pipeline.parserFor(input.name);
        before = this.pipeline.counts.records;
        this.current = { input, parser, records0: before, bytes0: this.stats.bytes, size: stream.size, fileRead: stream.fileRead };
        const sink = hooks.start?.(input, parser) ?? parser.asSink();
        await scanStream(stream, sink, scan, this.stats, this.opts.pace);
      } catch (err) {
        if (err instanceof DamagedInput) {
          damaged++;
          cut = err;
          hooks.damaged?.(damagedInputLine(input.name, err), input);
        } else {
          this.current = undefined;
          if (!hooks.failed) throw err;
          hooks.failed(input, err as Error);
          continue;
        }
      }
      hooks.ending?.(input);
      parser!.end();
      this.current = undefined;
      hooks.done?.(input, { lines: parser!.stats.lines, records: this.pipeline.counts.records - before!, ...(cut ? { damaged: cut } : {}) });
    }
    return { ...this.pipeline.collect({ cut: this.stats.cut }), damaged };
  }

  /** How far the input being read is (undefined between inputs): for a progress line, read as often as wanted. */
  progress(): InputProgress | undefined {
    const c = this.current;
    if (!c) return undefined;
    const bytes = this.stats.bytes - c.bytes0;
    const p: InputProgress = { input: c.input, lines: c.parser.stats.lines, records: this.pipeline.counts.records - c.records0, bytes };
    // a gzip: the bytes of the file read, not those it gave; the file may grow while it is read:
    // never more than all of it
    if (c.size) p.fraction = Math.min(1, (c.fileRead?.() ?? bytes) / c.size);
    return p;
  }
}

/**
 * Reads every input in order through one pipeline; calls onRecord for each record that survives.
 * `pace`, between chunks: a promise to wait for before reading on (the output is behind).
 */
export async function ingestInputs(
  inputs: readonly SavedInput[],
  onRecord: (r: AppArmorRecord) => void,
  opts: PipelineOptions & TimeWindow & { pace?: () => Promise<void> | undefined; onDamaged?: (line: string) => void } = {},
): Promise<SavedCounts> {
  const reader = new SavedInputReader({ record: onRecord }, { ...opts, window: { since: opts.since, until: opts.until } });
  return reader.read(inputs, { damaged: opts.onDamaged ? (line) => opts.onDamaged!(line) : undefined });
}
