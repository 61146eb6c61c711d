/**
 * The live session: detects the sources, starts a reader per source (supervised subprocess,
 * followed file, saved input), drains their bounded queues through one Pipeline (a parser per
 * source), merges copies of a record (merge.ts), puts records in time order, classifies them with
 * the caller's enrich and hands them to the sink. Work runs in short slices so a flood never
 * starves the UI's event loop.
 */
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { AppArmorRecord, LossNotice } from '../model/record.js';
import { Pipeline, type PipelineSink } from '../pipeline/pipeline.js';
import type { JournalQuery } from './commands.js';
import { detectSources, forBoot, hostNotes, type HostFacts } from './detect.js';
import { FileFollower } from './follow-file.js';
import { bootTime, probeHost } from './probe.js';
import { SourceCtl } from './source-ctl.js';
import { RecordMerger } from '../pipeline/merge.js';
import { dmesgSpec, inputReader, journalSpec, type Reader } from './readers.js';
import { Supervisor } from './supervisor.js';
import { TimeOrder } from './time-order.js';
import { EVENT_END } from './line-queue.js';
import { inWindow, parseWindow, type TimeWindow } from './time-spec.js';
import { DEFAULT_PATHS, DEFAULT_TUNING, type LiveCounts, type LiveOptions, type LiveSession, type SourceHealth, type Tuning } from './types.js';

const SLICE_MS = 12;
/** How often a held session looks again whether its consumer caught up. */
const HOLD_RETRY_MS = 20;
/** Sources that read this host's own logs (their records are this host's). */
const LOCAL: ReadonlySet<string> = new Set(['journal', 'audit', 'dmesg', 'auditlog']);

export async function startLiveSources(opts: LiveOptions, sink: PipelineSink): Promise<LiveSession> {
  const tuning: Tuning = { ...DEFAULT_TUNING, ...opts.tuning };
  const paths = { ...DEFAULT_PATHS, ...opts.paths };
  const env = opts.env ?? process.env;
  const window: TimeWindow = parseWindow(opts.since, opts.until);
  const follow = opts.follow !== false && window.until === undefined;
  const journalDirs = opts.journalDirs ?? [];
  const journalFiles = opts.journalFiles ?? [];
  const inputs = opts.inputs ?? [];
  const saved = journalDirs.length + journalFiles.length + inputs.length > 0;
  const facts: HostFacts = opts.facts ?? probeHost(paths, env);
  const plans = forBoot(detectSources(facts, opts.sources, saved), opts.boot);
  const boot = opts.clock?.bootTime ?? bootTime(paths.proc);
  // audit.log holds earlier boots too: by default only this boot's records, like the journal's -b
  const auditWindow: TimeWindow = window.since === undefined && (opts.boot === undefined || opts.boot === '0') && boot !== undefined ? { ...window, since: boot } : window;

  const localHost = opts.hostname ?? hostname();
  const listeners = new Set<() => void>();
  const ctls: SourceCtl[] = [];
  const readers: Reader[] = [];
  let dirty = true;
  let stopped = false;
  let stopping: Promise<void> | undefined;
  let outside = 0;
  const startedAt = Date.now();

  // copies are merged here (not in the Pipeline) so a later copy can complete a held record, and
  // the caller's classification runs once per record, on the merged record, as it is shown
  const merger = new RecordMerger();
  let records = 0;
  const order = new TimeOrder((r) => {
    merger.shown(r);
    // dmesg knows no host name, but it is this host's (unless a copy with one was merged in)
    if (r.host === undefined && LOCAL.has(r.source.name)) r.host = localHost;
    opts.enrich?.(r);
    sink.record(r);
  });
  const pipeline = new Pipeline(
    {
      record: (r: AppArmorRecord) => {
        if (!merger.admit(r)) return;
        records++;
        if (!inWindow(r.source.name === 'auditlog' ? auditWindow : window, r.time)) {
          outside++;
          merger.shown(r);
          return;
        }
        order.add(r, Date.now());
      },
      unparsable: (u) => sink.unparsable?.(u),
      loss: (n: LossNotice) => {
        if (inWindow(window, n.time)) sink.loss?.(n);
      },
    },
    { clock: { ...opts.clock, bootTime: boot }, dedupe: false },
  );

  let scheduled = false;
  const wake = () => {
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(drainSlice);
  };
  const changed = () => {
    dirty = true;
  };
  const busy = () => ctls.some((c) => c.queue.length > tuning.queueLines / 2);

  function makeCtl(name: string, parserName = name): SourceCtl {
    const ctl = new SourceCtl(name, pipeline.parserFor(parserName), tuning.queueLines, changed, wake);
    ctls.push(ctl);
    return ctl;
  }

  /** Runs one parser call and credits the records and duplicates it produced to the source. */
  function credit(ctl: SourceCtl, f: () => void): void {
    const r0 = records;
    const d0 = merger.duplicates;
    f();
    if (records !== r0 || merger.duplicates !== d0) {
      ctl.health.records += records - r0;
      ctl.health.duplicates = (ctl.health.duplicates ?? 0) + merger.duplicates - d0;
      dirty = true;
    }
  }

  /** Lines a source's queue dropped, as last seen: an audit channel with a gap proves no recovery after it. */
  const droppedSeen = new Map<SourceCtl, number>();
  function noteDrops(ctl: SourceCtl): void {
    const d = ctl.health.dropped ?? 0;
    if (d === (droppedSeen.get(ctl) ?? 0)) return;
    droppedSeen.set(ctl, d);
    pipeline.linesLost(ctl.parser);
  }

  function drainSlice(): void {
    scheduled = false;
    if (opts.hold?.()) {
      scheduled = true;
      setTimeout(() => {
        scheduled = false;
        wake();
      }, HOLD_RETRY_MS);
      return;
    }
    const deadline = performance.now() + SLICE_MS;
    let pending = false;
    do {
      pending = false;
      for (const ctl of ctls) {
        noteDrops(ctl);
        for (let i = 0; i < 512; i++) {
          const line = ctl.queue.shift();
          if (line === undefined) break;
          if (line === EVENT_END) credit(ctl, () => ctl.parser.flushHeld());
          else if (typeof line === 'number') ctl.parser.skip(line);
          else credit(ctl, () => ctl.parser.push(line));
        }
        if (ctl.queue.length) pending = true;
      }
    } while (pending && performance.now() < deadline);
    if (pending) wake();
  }

  function drainAll(): void {
    for (const ctl of ctls) {
      noteDrops(ctl);
      for (let line = ctl.queue.shift(); line !== undefined; line = ctl.queue.shift()) {
        const l = line;
        if (l === EVENT_END) credit(ctl, () => ctl.parser.flushHeld());
        else if (typeof l === 'number') ctl.parser.skip(l);
        else credit(ctl, () => ctl.parser.push(l));
      }
    }
  }

  // --- sources ---
  for (const plan of plans) {
    const ctl = makeCtl(plan.name);
    if (plan.note) ctl.health.note = plan.note;
    if (!plan.available) {
      ctl.setState('unavailable', plan.reason, plan.fix);
      continue;
    }
    if (plan.name === 'journal' || plan.name === 'audit') {
      const base = { transports: [plan.name === 'journal' ? 'kernel' : 'audit'] as ('kernel' | 'audit')[], window, boot: opts.boot };
      readers.push(new Supervisor(ctl, journalSpec(ctl, facts.journalctl!, env, base, follow), tuning));
    } else if (plan.name === 'dmesg') {
      readers.push(new Supervisor(ctl, dmesgSpec(ctl, facts.dmesg!, env, follow), tuning));
    } else {
      readers.push(new FileFollower(facts.auditLog.path, ctl, { follow, pollMs: tuning.pollMs, line: (l) => ctl.enqueue(l), skip: (n) => ctl.skip(n), endEvent: () => ctl.eventEnd(), busy, rotatedSince: auditWindow.since }));
    }
  }
  const copied: [string, Partial<JournalQuery>][] = [...journalDirs.map((d): [string, Partial<JournalQuery>] => [`journal-dir:${d}`, { directory: d }]), ...journalFiles.map((f): [string, Partial<JournalQuery>] => [`journal-file:${f}`, { file: f }])];
  for (const [name, where] of copied) {
    const ctl = makeCtl(name);
    if (!facts.journalctl) {
      ctl.setState('unavailable', 'journalctl is not installed: a copied journal can only be read with it', 'install systemd (journalctl), or export the journal on a host that has it: journalctl --directory DIR -o json > FILE, then --input FILE');
      continue;
    }
    const base = { transports: ['kernel', 'audit'] as ('kernel' | 'audit')[], window, boot: opts.boot, ...where };
    readers.push(new Supervisor(ctl, journalSpec(ctl, facts.journalctl, env, base, follow), tuning));
  }
  for (const p of inputs) {
    const ctl = makeCtl(`input:${p === '-' ? 'stdin' : p}`, p === '-' ? 'stdin' : p);
    readers.push(inputReader(ctl, p, busy));
  }

  // --- housekeeping: idle flushes, backfill -> live, time order, health, end ---
  let resolveDone!: () => void;
  const donePromise = new Promise<void>((r) => (resolveDone = r));
  let finished = false;

  function finishAll(): void {
    if (finished) return;
    finished = true;
    drainAll();
    for (const ctl of ctls) credit(ctl, () => ctl.parser.end());
    order.release(Infinity);
    clearInterval(ticker);
    notify();
    resolveDone();
  }

  /** Releases due records in slices, yielding between them, until none is due. */
  let releasing = false;
  function releaseDue(cutoff: number): void {
    if (releasing) return;
    if (order.release(cutoff, SLICE_MS) > 0) {
      releasing = true;
      setImmediate(() => {
        releasing = false;
        if (!finished) releaseDue(cutoff);
      });
    }
  }

  function notify(): void {
    dirty = false;
    for (const cb of listeners) {
      try {
        cb();
      } catch {
        // a listener's error is its own
      }
    }
  }

  function tick(): void {
    const now = Date.now();
    for (const ctl of ctls) {
      if (ctl.queue.length === 0 && now - ctl.lastLineAt >= tuning.idleMs) {
        // quiet: release an audit.log event held for its SYSCALL line, and a USER_AVC held for a
        // continuation line (end() does both; the parser carries on with the next line)
        credit(ctl, () => ctl.parser.end());
        // dmesg --follow gives no sign that the ring buffer is done: quiet means caught up
        if (ctl.health.name === 'dmesg' && ctl.health.state === 'backfill' && follow && (ctl.lastLineAt > 0 || now - (ctl.health.since ?? now) >= tuning.idleMs * 4)) ctl.setState('live');
      }
    }
    // still catching up: a source in its backfill, or one that ended with lines not yet parsed
    const backfilling = ctls.some((c) => c.health.state === 'starting' || c.health.state === 'backfill' || (c.finished && c.queue.length > 0));
    const holdBackfill = backfilling && now - startedAt < tuning.backfillHoldMs && order.size < tuning.backfillHoldMax;
    // the end first: parsers may still hold records, which must be ordered with the rest
    if (ctls.every((c) => c.finished && c.queue.length === 0)) {
      finishAll();
      return;
    }
    if (!holdBackfill) releaseDue(now - tuning.reorderMs);
    if (dirty) notify();
  }
  const ticker = setInterval(tick, Math.max(20, Math.min(100, tuning.idleMs)));
  for (const r of readers) r.start();

  const notes = hostNotes(facts);
  return {
    notes: () => [...notes],
    health: (): SourceHealth[] => ctls.map((c) => ({ ...c.health, stderrTail: [...c.health.stderrTail] })),
    onHealth(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    stop() {
      stopping ??= (async () => {
        await Promise.all(readers.map((r) => r.stop().catch(() => undefined)));
        stopped = true;
        for (const c of ctls) {
          if (c.health.state !== 'unavailable' && c.health.state !== 'failed') c.setState('ended');
          c.finish();
        }
        finishAll();
      })();
      return stopping;
    },
    done: () => donePromise,
    counts(): LiveCounts {
      const c = pipeline.collect();
      return { ...c, records, duplicates: merger.duplicates, lost: { ...c.lost }, firstUnparsable: [...c.firstUnparsable], outsideWindow: outside, dropped: ctls.reduce((n, x) => n + (x.health.dropped ?? 0), 0) };
    },
  };
}

