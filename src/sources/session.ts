/**
 * The live session: detects the sources, starts a reader per source (supervised subprocess,
 * followed file, saved input), drains their bounded queues through one Pipeline (a parser per
 * source), merges copies of a record (merge.ts), puts records in time order, classifies them with
 * the caller's enrich and hands them to the sink. Work runs in short slices so a flood never
 * starves the UI's event loop.
 *
 * In parts: the settings resolved once (liveSettings), the records' way from the parsers to the sink
 * (RecordFlow), the queues drained in slices (Drain), a reader per source (startReaders), and the
 * housekeeping on a timer (Housekeeping); startLiveSources wires them.
 */
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { AppArmorRecord, LossNotice } from '../model/record.js';
import { Pipeline, type PipelineSink } from '../pipeline/pipeline.js';
import type { JournalQuery } from './commands.js';
import { detectSources, forBoot, hostNotes, type HostFacts, type SourcePlan } from './detect.js';
import { FileFollower } from './follow-file.js';
import { bootTime, probeHost } from './probe.js';
import { SourceCtl } from './source-ctl.js';
import { RecordMerger } from '../pipeline/merge.js';
import { dmesgSpec, inputReader, journalSpec, type Reader } from './readers.js';
import { Supervisor } from './supervisor.js';
import { TimeOrder } from './time-order.js';
import { EVENT_END } from './line-queue.js';
import { inWindow, type TimeWindow } from './time-spec.js';
import { DEFAULT_PATHS, DEFAULT_TUNING, type LiveCounts, type LiveOptions, type LiveSession, type SourceHealth, type Tuning } from './types.js';

const SLICE_MS = 12;
/** How often a held session looks again whether its consumer caught up. */
const HOLD_RETRY_MS = 20;
/** Sources that read this host's own logs (their records are this host's). */
const LOCAL: ReadonlySet<string> = new Set(['journal', 'audit', 'dmesg', 'auditlog']);

/** What a session works from, resolved once from its options and the host. */
interface LiveSettings {
  tuning: Tuning;
  env: NodeJS.ProcessEnv;
  window: TimeWindow;
  /** The window for audit.log, which holds earlier boots too. */
  auditWindow: TimeWindow;
  follow: boolean;
  boot?: string;
  bootTime?: number;
  journalDirs: string[];
  journalFiles: string[];
  inputs: string[];
  facts: HostFacts;
  plans: SourcePlan[];
}

function liveSettings(opts: LiveOptions): LiveSettings {
  const paths = { ...DEFAULT_PATHS, ...opts.paths };
  const env = opts.env ?? process.env;
  const window: TimeWindow = opts.window ?? {};
  const journalDirs = opts.journalDirs ?? [];
  const journalFiles = opts.journalFiles ?? [];
  const inputs = opts.inputs ?? [];
  const saved = journalDirs.length + journalFiles.length + inputs.length > 0;
  const facts: HostFacts = opts.facts ?? probeHost(paths, env);
  const bootAt = opts.clock?.bootTime ?? bootTime(paths.proc);
  return {
    tuning: { ...DEFAULT_TUNING, ...opts.tuning },
    env,
    window,
    // audit.log holds earlier boots too: by default only this boot's records, like the journal's -b
    auditWindow: window.since === undefined && (opts.boot === undefined || opts.boot === '0') && bootAt !== undefined ? { ...window, since: bootAt } : window,
    follow: opts.follow !== false && window.until === undefined,
    boot: opts.boot,
    bootTime: bootAt,
    journalDirs,
    journalFiles,
    inputs,
    facts,
    plans: forBoot(detectSources(facts, opts.sources, saved), opts.boot),
  };
}

/** The health listeners, and whether anything changed since they were last told. */
class HealthNotice {
  dirty = true;
  readonly listeners = new Set<() => void>();
  readonly changed = (): void => {
    this.dirty = true;
  };

  notify(): void {
    this.dirty = false;
    for (const cb of this.listeners) {
      try {
        cb();
      } catch {
        // a listener's error is its own
      }
    }
  }
}

/**
 * The way of a record from the parsers to the sink: copies merged, the time window, time order
 * across sources, this host's name, the caller's enrich.
 */
class RecordFlow {
  /** Records the parsers made, copies merged into an earlier one not counted. */
  records = 0;
  /** Records outside the time window. */
  outside = 0;
  // copies are merged here (not in the Pipeline) so a later copy can complete a held record, and
  // the caller's classification runs once per record, on the merged record, as it is shown
  readonly merger = new RecordMerger();
  readonly order: TimeOrder;
  readonly pipeline: Pipeline;

  constructor(s: LiveSettings, opts: LiveOptions, sink: PipelineSink) {
    const localHost = opts.hostname ?? hostname();
    this.order = new TimeOrder((r) => {
      this.merger.shown(r);
      // dmesg knows no host name, but it is this host's (unless a copy with one was merged in)
      if (r.host === undefined && LOCAL.has(r.source.name)) r.host = localHost;
      opts.enrich?.(r);
      sink.record(r);
    });
    const { window, auditWindow } = s;
    this.pipeline = new Pipeline(
      {
        record: (r: AppArmorRecord) => {
          if (!this.merger.admit(r)) return;
          this.records++;
          if (!inWindow(r.source.name === 'auditlog' ? auditWindow : window, r.time)) {
            this.outside++;
            this.merger.shown(r);
            return;
          }
          this.order.add(r, Date.now());
        },
        unparsable: (u) => sink.unparsable?.(u),
        loss: (n: LossNotice) => {
          if (inWindow(window, n.time)) sink.loss?.(n);
        },
      },
      { clock: { ...opts.clock, bootTime: s.bootTime }, dedupe: false },
    );
  }
}

/** The sources' queues, drained through their parsers in short slices so a flood never starves the event loop. */
class Drain {
  readonly ctls: SourceCtl[] = [];
  /** Set when the session stops: no more slices. */
  stopped = false;
  private scheduled = false;

  constructor(
    private readonly flow: RecordFlow,
    private readonly health: HealthNotice,
    private readonly tuning: Tuning,
    private readonly hold: (() => boolean) | undefined,
  ) {}

  /** A new source's state, its queue drained here through its own parser. */
  addSource(name: string, parserName = name): SourceCtl {
    const ctl = new SourceCtl(name, this.flow.pipeline.parserFor(parserName), this.tuning.queueLines, this.health.changed, this.wake);
    this.ctls.push(ctl);
    return ctl;
  }

  /** Whether some queue is more than half full: readers of saved input wait. */
  readonly busy = (): boolean => this.ctls.some((c) => c.queue.length > this.tuning.queueLines / 2);

  /** Schedules a slice unless one is scheduled. */
  readonly wake = (): void => {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(this.slice);
  };

  /** Runs one parser call and credits the records and duplicates it produced to the source. */
  credit(ctl: SourceCtl, f: () => void): void {
    const { flow } = this;
    const r0 = flow.records;
    const d0 = flow.merger.duplicates;
    f();
    if (flow.records !== r0 || flow.merger.duplicates !== d0) {
      ctl.health.records += flow.records - r0;
      ctl.health.duplicates = (ctl.health.duplicates ?? 0) + flow.merger.duplicates - d0;
      this.health.dirty = true;
    }
  }

  /** Lines a source's queue dropped, as last seen: an audit channel with a gap proves no recovery after it. */
  private readonly droppedSeen = new Map<SourceCtl, number>();

  private noteDrops(ctl: SourceCtl): void {
    const d = ctl.health.dropped ?? 0;
    if (d === (this.droppedSeen.get(ctl) ?? 0)) return;
    this.droppedSeen.set(ctl, d);
    this.flow.pipeline.linesLost(ctl.parser);
  }

  /** Every queue drained now (at the end). */
  all(): void {
    for (const ctl of this.ctls) {
      this.noteDrops(ctl);
      for (let line = ctl.queue.shift(); line !== undefined; line = ctl.queue.shift()) this.take(ctl, line);
    }
  }

  private take(ctl: SourceCtl, line: string | number): void {
    if (line === EVENT_END) this.credit(ctl, () => ctl.parser.flushHeld());
    else if (typeof line === 'number') ctl.parser.skip(line);
    else this.credit(ctl, () => ctl.parser.push(line));
  }

  /** Up to SLICE_MS of work, 512 lines of each queue in turn; wakes again while lines remain. */
  private readonly slice = (): void => {
    this.scheduled = false;
    if (this.hold?.()) {
      this.scheduled = true;
      setTimeout(() => {
        this.scheduled = false;
        this.wake();
      }, HOLD_RETRY_MS);
      return;
    }
    const deadline = performance.now() + SLICE_MS;
    let pending = false;
    do {
      pending = false;
      for (const ctl of this.ctls) {
        this.noteDrops(ctl);
        for (let i = 0; i < 512; i++) {
          const line = ctl.queue.shift();
          if (line === undefined) break;
          this.take(ctl, line);
        }
        if (ctl.queue.length) pending = true;
      }
    } while (pending && performance.now() < deadline);
    if (pending) this.wake();
  };
}

/** A reader per source: the host's sources as planned, copied journals, saved inputs. */
function startReaders(s: LiveSettings, drain: Drain): Reader[] {
  const { facts, env, window, follow, tuning } = s;
  const readers: Reader[] = [];
  for (const plan of s.plans) {
    const ctl = drain.addSource(plan.name);
    if (plan.note) ctl.health.note = plan.note;
    if (!plan.available) {
      ctl.setState('unavailable', plan.reason, plan.fix);
      continue;
    }
    if (plan.name === 'journal' || plan.name === 'audit') {
      const base = { transports: [plan.name === 'journal' ? 'kernel' : 'audit'] as ('kernel' | 'audit')[], window, boot: s.boot };
      readers.push(new Supervisor(ctl, journalSpec(ctl, facts.journalctl!, env, base, follow), tuning, drain.busy));
    } else if (plan.name === 'dmesg') {
      readers.push(new Supervisor(ctl, dmesgSpec(ctl, facts.dmesg!, env, follow), tuning));
    } else {
      readers.push(
        new FileFollower(facts.auditLog.path, ctl, {
          follow,
          pollMs: tuning.pollMs,
          line: (l) => ctl.enqueue(l),
          skip: (n) => ctl.skip(n),
          endEvent: () => ctl.eventEnd(),
          busy: drain.busy,
          rotatedSince: s.auditWindow.since,
        }),
      );
    }
  }
  const copied: [string, Partial<JournalQuery>][] = [
    ...s.journalDirs.map((d): [string, Partial<JournalQuery>] => [`journal-dir:${d}`, { directory: d }]),
    ...s.journalFiles.map((f): [string, Partial<JournalQuery>] => [`journal-file:${f}`, { file: f }]),
  ];
  for (const [name, where] of copied) {
    const ctl = drain.addSource(name);
    if (!facts.journalctl) {
      ctl.setState(
        'unavailable',
        'journalctl is not installed: a copied journal can only be read with it',
        'install systemd (journalctl), or export the journal on a host that has it: journalctl --directory DIR -o json > FILE, then --input FILE',
      );
      continue;
    }
    const base = { transports: ['kernel', 'audit'] as ('kernel' | 'audit')[], window, boot: s.boot, ...where };
    readers.push(new Supervisor(ctl, journalSpec(ctl, facts.journalctl, env, base, follow), tuning, drain.busy));
  }
  for (const p of s.inputs) {
    const ctl = drain.addSource(`input:${p === '-' ? 'stdin' : p}`, p === '-' ? 'stdin' : p);
    readers.push(inputReader(ctl, p, drain.busy));
  }
  return readers;
}

/**
 * Whether the records of the first seconds are held back, so that sources catching up at different
 * speeds still come out in time order: while a source is starting or in its backfill, or has lines
 * not yet parsed (a backfill that has just ended leaves its last lines queued: its records are not
 * in the order buffer yet, and releasing the others first would put them out of order), or its
 * parser holds records for lines still to come (the backfill's last audit.log event, given out when
 * the file goes quiet), for at most backfillHoldMs and backfillHoldMax records.
 */
export function holdsForBackfill(
  ctls: readonly (Pick<SourceCtl, 'health' | 'queue'> & { parser: Pick<SourceCtl['parser'], 'holdsRecords'> })[],
  sinceStart: number,
  held: number,
  tuning: Pick<Tuning, 'backfillHoldMs' | 'backfillHoldMax'>,
): boolean {
  if (sinceStart >= tuning.backfillHoldMs || held >= tuning.backfillHoldMax) return false;
  return ctls.some((c) => c.health.state === 'starting' || c.health.state === 'backfill' || c.queue.length > 0 || c.parser.holdsRecords());
}

/**
 * The session's housekeeping on a timer: idle flushes, backfill -> live, the release of records in
 * time order, health notices, and the end when every source has finished.
 */
class Housekeeping {
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private finished = false;
  private releasing = false;
  /** Records that arrived up to this time are due (it only grows). */
  private cutoff = Number.NEGATIVE_INFINITY;
  /** Whether the last tick held the backfills back. */
  private holding = true;
  private readonly ticker: ReturnType<typeof setInterval>;
  private readonly startedAt = Date.now();

  constructor(
    private readonly s: LiveSettings,
    private readonly flow: RecordFlow,
    private readonly drain: Drain,
    private readonly health: HealthNotice,
  ) {
    this.done = new Promise<void>((r) => (this.resolveDone = r));
    this.ticker = setInterval(() => this.tick(), Math.max(20, Math.min(100, s.tuning.idleMs)));
  }

  /** The end: every queue drained, every parser's held record out, every record released. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.drain.all();
    for (const ctl of this.drain.ctls) this.drain.credit(ctl, () => ctl.parser.end());
    this.flow.order.release(Infinity);
    clearInterval(this.ticker);
    this.health.notify();
    this.resolveDone();
  }

  private tick(): void {
    const now = Date.now();
    const { tuning } = this.s;
    const { ctls } = this.drain;
    for (const ctl of ctls) if (ctl.queue.length === 0 && now - ctl.lastLineAt >= tuning.idleMs) this.quiet(ctl, now);
    const holdBackfill = holdsForBackfill(ctls, now - this.startedAt, this.flow.order.size, tuning);
    // the end first: parsers may still hold records, which must be ordered with the rest
    if (ctls.every((c) => c.finished && c.queue.length === 0)) {
      this.finish();
      return;
    }
    // at the hold's end every record of the backfills is in the order buffer, the last of them
    // parsed a moment ago (in this tick, when a parser gave out its held event): all go out
    // together, in time order (by arrival, those would wait a tick and come after later records
    // released now)
    if (!holdBackfill) this.releaseDue(this.holding ? Date.now() : now - tuning.reorderMs);
    this.holding = holdBackfill;
    if (this.health.dirty) this.health.notify();
  }

  /** A source gone quiet. */
  private quiet(ctl: SourceCtl, now: number): void {
    const { tuning, follow } = this.s;
    // release an audit.log event held for its SYSCALL line, and a USER_AVC held for a
    // continuation line (end() does both; the parser carries on with the next line)
    this.drain.credit(ctl, () => ctl.parser.end());
    // dmesg --follow gives no sign that the ring buffer is done: quiet means caught up
    if (ctl.health.name === 'dmesg' && ctl.health.state === 'backfill' && follow && (ctl.lastLineAt > 0 || now - (ctl.health.since ?? now) >= tuning.idleMs * 4)) ctl.setState('live');
  }

  /** Releases due records in slices, yielding between them, until none is due. A release under
   * way takes a later cutoff asked for meanwhile. */
  private releaseDue(cutoff: number): void {
    if (cutoff > this.cutoff) this.cutoff = cutoff;
    if (this.releasing) return;
    if (this.flow.order.release(this.cutoff, SLICE_MS) > 0) {
      this.releasing = true;
      setImmediate(() => {
        this.releasing = false;
        if (!this.finished) this.releaseDue(this.cutoff);
      });
    }
  }
}

export async function startLiveSources(opts: LiveOptions, sink: PipelineSink): Promise<LiveSession> {
  const s = liveSettings(opts);
  const health = new HealthNotice();
  const flow = new RecordFlow(s, opts, sink);
  const drain = new Drain(flow, health, s.tuning, opts.hold);
  const readers = startReaders(s, drain);
  const keeper = new Housekeeping(s, flow, drain, health);
  for (const r of readers) r.start();

  const { ctls } = drain;
  const notes = hostNotes(s.facts);
  let stopping: Promise<void> | undefined;
  return {
    notes: () => [...notes],
    health: (): SourceHealth[] => ctls.map((c) => ({ ...c.health, stderrTail: [...c.health.stderrTail] })),
    onHealth(cb) {
      health.listeners.add(cb);
      return () => health.listeners.delete(cb);
    },
    stop() {
      stopping ??= (async () => {
        await Promise.all(readers.map((r) => r.stop().catch(() => undefined)));
        drain.stopped = true;
        for (const c of ctls) {
          if (c.health.state !== 'unavailable' && c.health.state !== 'failed') c.setState('ended');
          c.finish();
        }
        keeper.finish();
      })();
      return stopping;
    },
    done: () => keeper.done,
    counts(): LiveCounts {
      const c = flow.pipeline.collect();
      return {
        ...c,
        records: flow.records,
        duplicates: flow.merger.duplicates,
        lost: { ...c.lost },
        firstUnparsable: [...c.firstUnparsable],
        outsideWindow: flow.outside,
        dropped: ctls.reduce((n, x) => n + (x.health.dropped ?? 0), 0),
      };
    },
  };
}
