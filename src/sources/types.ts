/**
 * The live-source contract the views build on: what a source is doing (its health) and the session
 * that runs them all. Kept apart from the implementation so views and tests import only types.
 */
import type { ClockContext } from '../parse/prefix.js';
import type { AppArmorRecord } from '../model/record.js';
import type { HostFacts } from './detect.js';
import type { PipelineCounts } from '../pipeline/pipeline.js';
import type { TimeWindow } from './time-spec.js';

/** The host's live sources, by the names --source takes. */
export const SOURCE_NAMES = ['journal', 'audit', 'dmesg', 'auditlog'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/** A live source's states, then a saved input's in the interactive view (waiting, reading, done). */
export type SourceState = 'starting' | 'backfill' | 'live' | 'restarting' | 'failed' | 'unavailable' | 'ended' | 'waiting' | 'reading' | 'done';

export interface SourceHealth {
  /** journal | audit | dmesg | auditlog | journal-dir:DIR | journal-file:FILE | input:PATH */
  name: string;
  state: SourceState;
  /** Why the source is unavailable, restarting or failed (one sentence). */
  reason?: string;
  /** What would make it work (a command or setting), for unavailable and failed sources. */
  fix?: string;
  /** Lines read from the source. */
  lines: number;
  /** A saved input being read: the share of it read so far, when it is a file (a pipe has no size). */
  fractionRead?: number;
  /** AppArmor records this source delivered first (copies already seen elsewhere are not counted). */
  records: number;
  restarts: number;
  /** The last lines the subprocess wrote to stderr (raw: pass through safeText before display). */
  stderrTail: string[];
  /** Epoch ms the source entered its current state. */
  since?: number;
  /** Records that were copies of records already delivered (by this or another source). */
  duplicates?: number;
  /** Lines aa-triage itself dropped because its bounded queue was full (a flood the parser could not keep up with). */
  dropped?: number;
  /** Lines skipped after a restart because the restarted source replayed them (dmesg ring buffer). */
  replayed?: number;
  /** A fact worth knowing while the source works (e.g. "auditd runs: denials go to audit.log"). */
  note?: string;
}

export interface LiveSession {
  health(): SourceHealth[];
  /** Facts about the host that change what an empty view means (e.g. AppArmor not enabled here). */
  notes(): string[];
  /** Called (throttled) whenever a source's health changes or counters move; returns the unsubscribe. */
  onHealth(cb: () => void): () => void;
  /** Stops every subprocess (the whole process group) and flushes what is held. */
  stop(): Promise<void>;
  /** Resolves when no source can produce more (all ended, failed or unavailable), after the last record. */
  done(): Promise<void>;
  /** Counters for a summary: lines, records, duplicates, loss reported in the log, and our own drops. */
  counts(): LiveCounts;
}

export interface LiveCounts extends PipelineCounts {
  /** Records outside --since/--until (or, in audit.log, from an earlier boot). */
  outsideWindow: number;
  /** Lines aa-triage dropped because a source's queue was full. */
  dropped: number;
}

export interface LiveOptions {
  /** Sources to use; undefined: every readable one (or none when saved evidence is given). */
  sources?: SourceName[];
  /** --since / --until, read once with the run's settings (epoch ms), and --boot. */
  window?: TimeWindow;
  boot?: string;
  /** Copied journals (journalctl --directory / --file). */
  journalDirs?: string[];
  journalFiles?: string[];
  /** Saved log files (plain or .gz; '-' is stdin), read through the same merge. */
  inputs?: string[];
  /** Follow new records (default true); false: read what is there and end. */
  follow?: boolean;
  /** Adds profile facts and the classification to each record before the sink sees it. */
  enrich?: (r: AppArmorRecord) => void;
  /**
   * True while the consumer is behind (stdout into a slow pipe): the session leaves lines queued
   * meanwhile, and a queue that fills drops lines and counts them, instead of memory growing.
   */
  hold?: () => boolean;
  clock?: ClockContext;
  /** This host's name, for records from its own sources that carry none (dmesg, audit.log without node=). Default os.hostname(). */
  hostname?: string;
  /** Injectable host facts and paths (tests): default probed from this host. */
  facts?: HostFacts;
  paths?: Partial<SourcePaths>;
  /** Environment for subprocesses (PATH decides which journalctl/dmesg run). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Tuning (tests shrink these). */
  tuning?: Partial<Tuning>;
}

export interface SourcePaths {
  auditLog: string;
  /** /proc, to find auditd and the boot time. */
  proc: string;
  /** Where journald keeps files: /var/log/journal and /run/log/journal. */
  journalDirs: string[];
  /** /sys/module/apparmor/parameters/enabled */
  apparmorEnabled: string;
  /** /etc/group, to name the groups this user is in. */
  groupFile: string;
}

export interface Tuning {
  /** Lines a source may queue before aa-triage drops (and counts) new ones. */
  queueLines: number;
  /** Restart backoff: first delay and cap (ms). */
  backoffMs: number;
  backoffMaxMs: number;
  /** Consecutive quick failures before a source is shown as failed (it still retries at the cap). */
  failAfter: number;
  /** A run this long (ms) counts as healthy and resets the backoff. */
  healthyAfterMs: number;
  /** Quiet time (ms) after which held records are released and a backfill counts as done. */
  idleMs: number;
  /** audit.log poll interval (ms). */
  pollMs: number;
  /** Live records are held this long (ms) to be put in time order across sources. */
  reorderMs: number;
  /** Backfill records are held (for time order) at most this long (ms) / this many. */
  backfillHoldMs: number;
  backfillHoldMax: number;
}

export const DEFAULT_TUNING: Tuning = {
  queueLines: 100_000,
  backoffMs: 500,
  backoffMaxMs: 30_000,
  failAfter: 5,
  healthyAfterMs: 10_000,
  idleMs: 250,
  pollMs: 250,
  reorderMs: 300,
  backfillHoldMs: 5_000,
  backfillHoldMax: 100_000,
};

export const DEFAULT_PATHS: SourcePaths = {
  auditLog: '/var/log/audit/audit.log',
  proc: '/proc',
  journalDirs: ['/var/log/journal', '/run/log/journal'],
  apparmorEnabled: '/sys/module/apparmor/parameters/enabled',
  groupFile: '/etc/group',
};
