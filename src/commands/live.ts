/**
 * Live mode without the interactive view (--json, --plain, or stdout not a terminal): starts the
 * sources, says up front which ones are unavailable and why, streams each record as it arrives
 * (NDJSON: one object per record, written promptly), reports source health changes and loss on
 * stderr, and stops every subprocess on SIGINT, SIGTERM and SIGHUP.
 */
import type { Writable } from 'node:stream';
import type { CliOptions } from './args.js';
import type { AppArmorRecord, LossNotice } from '../model/record.js';
import { summaryLine } from '../pipeline/pipeline.js';
import { safeLines, safeText } from '../model/safe-text.js';
import { recordText, type StreamFormat } from './ndjson.js';
import type { RunSettings } from './settings.js';
import { type LiveOptions, type LiveSession, type SourceHealth } from '../sources/types.js';

/** The live sources' options from the command line and the run's settings. */
export function liveOptionsFrom(opts: CliOptions, settings: Pick<RunSettings, 'clock' | 'window'>): LiveOptions {
  return {
    sources: opts.sources,
    window: settings.window,
    boot: opts.boot,
    journalDirs: opts.journalDirs,
    journalFiles: opts.journalFiles,
    inputs: opts.inputs,
    follow: opts.follow,
    clock: settings.clock,
  };
}

/** One line per source for stderr: `journal: unavailable: reason (fix: ...)`. */
export function healthLine(h: SourceHealth): string {
  let s = `${h.name}: ${h.state}`;
  if (h.reason) s += `: ${h.reason}`;
  if (h.fix) s += ` (fix: ${h.fix})`;
  if (h.note && (h.state === 'live' || h.state === 'backfill' || h.state === 'starting')) s += ` [${h.note}]`;
  return safeText(s);
}

function lossLine(n: LossNotice): string {
  const what: Record<LossNotice['kind'], string> = {
    // whether the audit channel holds them is known only once it has been read past the notice
    'printk-suppressed': `the kernel suppressed ${n.count} log messages (kauditd_printk_skb): records are missing from this source (the summary says whether the audit channel read here holds them)`,
    'audit-backlog': 'the audit backlog overflowed: the kernel dropped audit records',
    'audit-lost': `the kernel reports ${n.count} audit records lost in total (audit_lost)`,
    'journal-suppressed': `journald suppressed ${n.count} messages (rate limit)`,
    'journal-missed': `journald missed ${n.count} kernel messages`,
  };
  return safeText(`${n.source.name}:${n.source.line}: loss: ${what[n.kind]}`);
}

export interface LiveCliIo {
  out: Writable;
  err: Writable;
  /** Adds classification; from the caller. */
  enrich?: (r: AppArmorRecord) => void;
  /** Replace for tests. */
  live?: LiveOptions;
  /** Signals to stop on (tests pass none). */
  signals?: NodeJS.Signals[];
}

/** Bytes written to stdout and not yet taken by its reader, past which reading stops. */
export const OUTPUT_BACKLOG = 4 * 1024 * 1024;

export async function runLive(opts: CliOptions, settings: Pick<RunSettings, 'clock' | 'window'>, format: StreamFormat, io: LiveCliIo): Promise<number> {
  const { out, err } = io;
  const say = (s: string) => err.write(`aa-triage: ${safeLines(s)}\n`);
  let buf = '';
  let flushQueued = false;
  const flush = () => {
    flushQueued = false;
    if (buf) {
      out.write(buf);
      buf = '';
    }
  };
  // stdout into a pipe that reads slower than the flood: stop taking lines until it catches up
  const hold = () => (out as { writableLength?: number }).writableLength !== undefined && (out as { writableLength: number }).writableLength > OUTPUT_BACKLOG;
  const liveOpts: LiveOptions = { ...liveOptionsFrom(opts, settings), enrich: io.enrich, hold, ...io.live };
  // the sources (and the process library under them) load only when a live run starts
  const { startLiveSources } = await import('../sources/session.js');
  const session: LiveSession = await startLiveSources(liveOpts, {
    record: (r) => {
      buf += recordText(r, format, opts);
      if (buf.length > 65536) flush();
      else if (!flushQueued) {
        flushQueued = true;
        setImmediate(flush);
      }
    },
    loss: (n) => say(lossLine(n)),
  });

  for (const n of session.notes()) say(n);
  const seen = new Map<string, string>();
  let dropped = 0;
  let droppedSaidAt = 0;
  const report = () => {
    for (const h of session.health()) {
      const line = healthLine(h);
      if (seen.get(h.name) !== line && h.state !== 'starting') {
        seen.set(h.name, line);
        say(line);
      }
    }
    const d = session.counts().dropped;
    // during a flood the count moves on every tick: say it at most every few seconds
    if (d > dropped && Date.now() - droppedSaidAt >= 5000) {
      droppedSaidAt = Date.now();
      say(`loss: aa-triage dropped ${d} lines it could not parse fast enough (bounded queue)`);
      dropped = d;
    }
  };
  report();
  const usable = session.health().filter((h) => h.state !== 'unavailable');
  if (usable.length === 0) {
    say('no readable source on this host: nothing to show (this is not a quiet host, it is an unreadable one); see the reasons above');
    await session.stop();
    return 1;
  }
  const unsubscribe = session.onHealth(report);

  const signals = io.signals ?? ['SIGINT', 'SIGTERM', 'SIGHUP'];
  let stoppedBy: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    stoppedBy = sig;
    void session.stop();
  };
  for (const s of signals) process.on(s, onSignal);
  await session.done();
  for (const s of signals) process.off(s, onSignal);
  unsubscribe();
  flush();
  report();
  const c = session.counts();
  let summary = summaryLine(c);
  if (c.outsideWindow) summary += `, ${c.outsideWindow} outside the time window`;
  if (c.dropped) summary += `, ${c.dropped} lines dropped by aa-triage (queue full)`;
  say(summary.replace(/^aa-triage: /, ''));
  const failed = session.health().filter((h) => h.state === 'failed');
  if (stoppedBy) return 0;
  return failed.length === usable.length ? 1 : 0;
}
