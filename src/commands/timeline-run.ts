/**
 * The `timeline` run: every input streamed through one pipeline into the incremental builder (the
 * records themselves are never kept), the action journal read and interleaved, boots and uptimes
 * read off the lines the parser passes over, then one rendering written out. I/O edge.
 */
import { access } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { ClockContext } from '../parse/prefix.js';
import { openInput } from '../ingest/inputs.js';
import { forEachLine } from '../ingest/lines.js';
import type { AppArmorRecord } from '../model/record.js';
import { inWindow, SavedInputReader, type SavedInput, type TimeWindow } from '../pipeline/saved-inputs.js';
import { healthLine } from './live.js';
import type { LiveOptions } from '../sources/types.js';
import { BOOT_BANNER, readLineFacts } from '../timeline/boot-lines.js';
import { TimelineBuilder } from '../timeline/builder.js';
import { parseJournalLine } from '../timeline/journal-lines.js';
import type { Timeline } from '../timeline/model.js';
import { Progress, readerProgress, type ProgressStream } from './progress.js';
import { jsonChunks } from '../timeline/render-json.js';
import { markdownLines } from '../timeline/render-markdown.js';
import { textLines } from '../timeline/render-text.js';
import type { TimeStyle } from '../timeline/time-format.js';

export interface TimelineRun {
  inputs: SavedInput[];
  /** The action journal: `required` when the user named it (a missing file is then an error). */
  actions?: { path: string; name: string; required: boolean };
  format: 'text' | 'markdown' | 'json';
  style: TimeStyle;
  demo?: boolean;
  gapSeconds?: number;
  clock?: ClockContext;
  /** Keep records in [since, until] (epoch ms); undated records are kept. */
  since?: number;
  until?: number;
  /** Profile facts and classification, per record (the same wiring as --json). */
  enrich?: (r: AppArmorRecord) => void;
  /** Where progress goes when it is a terminal (stderr). */
  progress?: ProgressStream;
  progressDelayMs?: number;
  /** Where a damaged input is reported (default: stderr); the run goes on with the other inputs. */
  warn?: (line: string) => void;
}

/** The action journal to read: the one named (must exist), else the default one when it exists. */
async function journalToRead(run: TimelineRun): Promise<TimelineRun['actions']> {
  const a = run.actions;
  if (!a || a.required) return a;
  try {
    await access(a.path);
    return a;
  } catch {
    return undefined;
  }
}

async function readActions(journal: TimelineRun['actions'], builder: TimelineBuilder): Promise<void> {
  if (!journal) return;
  const stream = await openInput(journal.path);
  const entries: Parameters<TimelineBuilder['queueActions']>[0] = [];
  let bad = 0;
  let line = 0;
  await forEachLine(stream, (text) => {
    const parsed = parseJournalLine(text, ++line);
    if (parsed === 'bad') bad++;
    else if (parsed !== 'blank') entries.push(parsed);
  });
  builder.queueActions(entries);
  builder.noteBadJournalLines(bad);
}

/** A builder for the run, with its action journal read and queued. */
async function builderFor(run: TimelineRun): Promise<TimelineBuilder> {
  const journal = await journalToRead(run);
  const builder = new TimelineBuilder({
    gapSeconds: run.gapSeconds,
    bootTime: run.clock?.bootTime,
    requested: run.since !== undefined || run.until !== undefined ? { since: run.since, until: run.until } : undefined,
    actionJournal: journal?.name,
  });
  await readActions(journal, builder);
  return builder;
}

/** Builds the timeline of the run's inputs (without rendering it). */
export async function buildTimelineFromInputs(run: TimelineRun): Promise<Timeline> {
  const clock = run.clock ?? {};
  const builder = await builderFor(run);
  const window: TimeWindow = { since: run.since, until: run.until };
  let lineUptime: number | undefined;
  const reader = new SavedInputReader(
    {
      record: (r) => builder.addRecord(r),
      loss: (n) => {
        if (inWindow(n.time, window)) builder.addLoss(n, lineUptime);
      },
    },
    // the kernel's banner starts a boot: the one line without a record the timeline needs
    { clock, enrich: run.enrich, window, markers: [BOOT_BANNER] },
  );
  const damaged: string[] = [];
  // the line number of the line being looked at (a boot's evidence)
  let current = { lines: 0 };
  const progress = new Progress(run.progress, () => readerProgress(reader), { delayMs: run.progressDelayMs, command: 'timeline' });
  let counts;
  try {
    counts = await reader.read(run.inputs, {
      start: (input, parser) => {
        current = { lines: 0 };
        const look = (line: string): void => {
          const lineNo = ++current.lines;
          const facts = readLineFacts(line, clock);
          lineUptime = facts.uptime;
          if (facts.boot) builder.addBoot({ source: { name: input.name, line: lineNo }, detectedBy: 'linux-version', ...facts.boot });
          else if (facts.uptime !== undefined) builder.observeUptime({ name: input.name, line: lineNo }, facts.uptime);
        };
        return {
          line: (line) => {
            look(line);
            parser.push(line);
          },
          // a line of the held audit event: looked at the same way, read by the parser without its searches
          eventLine: (line) => {
            look(line);
            parser.eventLine(line);
          },
          skip: (n) => {
            current.lines += n;
            parser.skip(n);
          },
          endEvent: () => parser.flushHeld(),
        };
      },
      damaged: (line) => {
        damaged.push(line);
        if (run.warn) run.warn(line);
        else process.stderr.write(`aa-triage: ${line}\n`);
      },
      ending: () => {
        lineUptime = undefined;
      },
    });
  } finally {
    progress.stop();
  }
  builder.setCounts({ unparsable: counts.unparsable, firstUnparsable: counts.firstUnparsable[0]?.source, duplicates: counts.duplicates, cut: counts.cut, nullMessages: counts.nullMessages });
  return Object.assign(builder.snapshot(), damaged.length ? { damagedInputs: damaged } : {});
}

/**
 * The timeline of this host's own sources (journal, audit channel, dmesg, audit.log) or of copied
 * journals: everything they hold in the window, read to the end and not followed. Says which
 * sources could not be read; undefined when none could (an unreadable host is not a quiet one).
 */
export async function buildTimelineFromLive(run: TimelineRun, live: LiveOptions, say: (s: string) => void, signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']): Promise<Timeline | undefined> {
  const builder = await builderFor(run);
  const { startLiveSources } = await import('../sources/session.js');
  const session = await startLiveSources({ ...live, follow: false, enrich: run.enrich }, { record: (r) => builder.addRecord(r), loss: (n) => builder.addLoss(n) });
  const reported = new Set<string>();
  const report = () => {
    for (const h of session.health()) {
      if ((h.state === 'unavailable' || h.state === 'failed') && !reported.has(h.name)) {
        reported.add(h.name);
        say(healthLine(h));
      }
    }
  };
  report();
  if (session.health().every((h) => h.state === 'unavailable')) {
    say('no readable source on this host: no timeline (this is not a quiet host, it is an unreadable one); see the reasons above, or give saved logs with --input');
    await session.stop();
    return undefined;
  }
  const progress = new Progress(run.progress, () => ({ input: 'this host', lines: session.health().reduce((n, h) => n + h.lines, 0), records: session.counts().records }), {
    delayMs: run.progressDelayMs,
    command: 'timeline',
  });
  const stop = () => void session.stop();
  for (const s of signals) process.on(s, stop);
  try {
    await session.done();
  } finally {
    for (const s of signals) process.off(s, stop);
    progress.stop();
  }
  report();
  const c = session.counts();
  builder.setCounts({ unparsable: c.unparsable, firstUnparsable: c.firstUnparsable[0]?.source, duplicates: c.duplicates, cut: c.cut, nullMessages: c.nullMessages });
  return builder.snapshot();
}

/** The rendering as pieces, in the run's format. */
export function timelineChunks(t: Timeline, run: Pick<TimelineRun, 'format' | 'style' | 'demo'>): Iterable<string> {
  if (run.format === 'json') return jsonChunks(t, { timeZone: run.style.timeZone, demo: run.demo });
  if (run.format === 'markdown') return markdownLines(t, { style: run.style, demo: run.demo });
  return textLines(t, { style: run.style, demo: run.demo });
}

export function renderTimeline(t: Timeline, run: Pick<TimelineRun, 'format' | 'style' | 'demo'>): string {
  return [...timelineChunks(t, run)].join('');
}

/** Writes the rendering in 64 KiB pieces, waiting when the reader is slower (a pager, a pipe). */
export async function writeTimeline(t: Timeline, run: Pick<TimelineRun, 'format' | 'style' | 'demo'>, out: Writable): Promise<void> {
  let buf = '';
  const flush = async () => {
    const piece = buf;
    buf = '';
    if (!out.write(piece)) await new Promise<void>((resolve) => out.once('drain', resolve));
  };
  for (const chunk of timelineChunks(t, run)) {
    buf += chunk;
    if (buf.length >= 65536) await flush();
  }
  if (buf) await flush();
}

/** Builds and writes the timeline. Throws InputError for inputs that cannot be read. */
export async function runTimeline(run: TimelineRun, out: Writable): Promise<Timeline> {
  const t = await buildTimelineFromInputs(run);
  await writeTimeline(t, run, out);
  return t;
}
