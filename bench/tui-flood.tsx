/**
 * The TUI under a flood: the real runner and App (Ink, the denial store, the flush timer) in
 * live mode on an in-memory terminal, fed by a fake live source that parses generated kernel log
 * lines and delivers RATE records per second. While the flood runs, the help overlay is opened and
 * closed with `?` and each key's latency is measured from the key to the first frame that shows
 * its effect. Afterwards the flood is pushed on, unpaced, to TOTAL records and the memory is read.
 * Bundled by bench/tui.mjs; prints one JSON object.
 *
 *   node .bench-data/tui-flood.mjs [--rate 10000] [--mix mixed|flood|distinct] [--seconds 15] [--total 1000000] [--profiles-dir DIR] [--heap-snapshot FILE] [--smaps FILE]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseCli } from '../src/commands/args.js';
import { hostIdentity, resolveSettings } from '../src/commands/settings.js';
import { tuiSettings } from '../src/commands/tui.js';
import { Pipeline, type PipelineSink } from '../src/pipeline/pipeline.js';
import { runTui } from '../src/tui/runner.js';
import { loadEnrichment } from '../src/classify/enrich.js';
import { compactStep, heldHeap, preferSmallHeap } from '../src/commands/heap.js';
import { logLines, MIXES } from './generate.mjs';
import { FakeStdin, FakeStdout, FRAME_MARK, HELP_MARK, nextFrame as nextFrameOf, quitView, toggleHelp } from './lib/fake-terminal.js';

// the heap setting the program's interactive view runs with (src/commands/main.ts)
preferSmallHeap();

const { values: v } = parseArgs({
  options: {
    rate: { type: 'string', default: '10000' },
    /** The generated records (bench/generate.mjs): one-offs (`mixed`), an outage's `flood`, or all `distinct`. */
    mix: { type: 'string', default: 'mixed' },
    seconds: { type: 'string', default: '15' },
    total: { type: 'string', default: '1000000' },
    columns: { type: 'string', default: '120' },
    rows: { type: 'string', default: '40' },
    'profiles-dir': { type: 'string' },
    /** Seconds the unpaced phase may take; it stops there and reports how far it got. */
    'bulk-budget': { type: 'string', default: '120' },
    /** `off`: the view is not given the heap to compact (how the memory settles without it). */
    'idle-compaction': { type: 'string', default: 'on' },
    /** Seconds to wait, once the records are in, for the view's idle compaction to end. */
    'idle-wait': { type: 'string', default: '30' },
    /** Where to write a heap snapshot once the flood is in (what the memory is made of). */
    'heap-snapshot': { type: 'string' },
    /** Where to copy /proc/self/smaps once the flood is in (which mappings the RSS is in). */
    smaps: { type: 'string' },
  },
});
const RATE = Number(v.rate);
const SECONDS = Number(v.seconds);
const TOTAL = Number(v.total);
const TICK_MS = 10;
const SLICE_MS = 8;

const stdout = new FakeStdout(Number(v.columns), Number(v.rows));
const stdin = new FakeStdin();
const now = () => performance.now();

/** Resolves with the time of the first frame for which `test` holds (or rejects after `ms`). */
function nextFrame(test: (frame: string) => boolean, ms = 5000): Promise<number> {
  return nextFrameOf(stdout, test, ms);
}

// ---- the fake live source ----
const genStats = { lines: 0, records: 0 };
const MIX = MIXES.find((m) => m === v.mix);
if (MIX === undefined) throw new Error(`--mix: one of ${MIXES.join(', ')}`);
const lines = logLines({ carrier: 'dmesg', share: 1, seed: 7, mix: MIX }, genStats);
let delivered = 0;
let paced = true;
let floodStart = 0;
let pacedDelivered = 0;
let pacedSeconds = 0;
let pacedCpu0: NodeJS.CpuUsage | undefined;
let pacedCpuSeconds = 0;
let sinkRef: PipelineSink | undefined;
let parser: ReturnType<Pipeline['parserFor']> | undefined;

/** Parses lines until `n` more records are delivered or `budgetMs` is spent (checked every 32 lines). */
function deliver(n: number, budgetMs = Infinity): void {
  const target = delivered + n;
  const until = now() + budgetMs;
  let i = 0;
  while (delivered < target) {
    const next = lines.next();
    if (next.done) break;
    parser!.push(next.value);
    if ((++i & 31) === 0 && now() > until) break;
  }
}

async function startLive(sink: PipelineSink): Promise<{ stop(): Promise<void>; backlogDone(): boolean }> {
  sinkRef = sink;
  const classify = await loadEnrichment(v['profiles-dir'] ? [v['profiles-dir']] : []);
  // no deduper, as in the live session (sources/session.ts): there copies of a record are merged, not looked up
  const pipeline = new Pipeline({ record: (r) => (delivered++, sink.record(r)), loss: (n) => sink.loss?.(n) }, { enrich: classify.enrich, dedupe: false });
  parser = pipeline.parserFor('flood');
  floodStart = now();
  pacedCpu0 = process.cpuUsage();
  const timer = setInterval(() => {
    if (!paced) return;
    const due = Math.floor(((now() - floodStart) / 1000) * RATE);
    // like the live sources: work in short slices and yield, so keys and frames get their turn; a
    // pipeline slower than RATE shows as a lower achieved rate, not as a frozen view
    if (due > delivered) deliver(due - delivered, SLICE_MS);
  }, TICK_MS);
  return {
    stop: async () => clearInterval(timer),
    backlogDone: () => true,
  };
}

// the view's heap, as the program hands it over (commands/tui.ts), with each step of giving it back
// timed: the program waits for a step, and so would a key pressed meanwhile
const compactions: { at: number; ms: number; step: number; heldBeforeMB: number; heldAfterMB: number; records: number }[] = [];
// once the flood is over, a key is pressed just as the view's compaction starts: the worst a key
// can meet (its latency then runs through the step under way, and it stops the run there)
let probeKey = false;
let probe: Promise<number> | undefined;
const heap = {
  held: heldHeap,
  compact: (step: number) => {
    const c0 = now();
    if (probeKey) {
      probeKey = false;
      probe = nextFrame((f) => f.includes(HELP_MARK), 30_000).then((t) => t - c0);
      stdin.press('?');
    }
    const before = heldHeap();
    compactStep(step);
    compactions.push({ at: c0, ms: now() - c0, step, heldBeforeMB: before / 2 ** 20, heldAfterMB: heldHeap() / 2 ** 20, records: delivered });
  },
};

const t0 = now();
const firstFrame = nextFrame((f) => f.includes(FRAME_MARK), 10_000);
const cli = parseCli(['--no-bell', '--read-only'], { TERM: 'xterm-256color' });
const running = runTui({
  settings: tuiSettings(cli, resolveSettings(cli, hostIdentity()), 'live'),
  mode: 'live',
  inputs: [],
  stdin: stdin as unknown as NodeJS.ReadStream,
  stdout: stdout as unknown as NodeJS.WriteStream,
  env: { COLUMNS: v.columns, LINES: v.rows },
  startLive,
  heap: v['idle-compaction'] === 'off' ? undefined : heap,
});
const firstFrameMs = (await firstFrame) - t0;

// ---- keys while the flood runs ----
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const latencies: number[] = [];
await sleep(1000); // let the flood reach its rate
const keys0 = now();
const keysUntil = keys0 + SECONDS * 1000;
await toggleHelp(stdin, stdout, () => now() >= keysUntil, latencies);
const keysEnd = now();
pacedDelivered = delivered;
pacedSeconds = (now() - floodStart) / 1000;
{
  const c = process.cpuUsage(pacedCpu0);
  pacedCpuSeconds = (c.user + c.system) / 1e6;
}

// ---- then on to TOTAL records, unpaced, in slices so the view keeps drawing ----
paced = false;
const bulk0 = now();
const bulkDeadline = bulk0 + Number(v['bulk-budget']) * 1000;
while (delivered < TOTAL && now() < bulkDeadline) {
  deliver(TOTAL - delivered, 50);
  await new Promise((r) => setImmediate(r));
}
const bulkSeconds = (now() - bulk0) / 1000;
const bulkEnd = now();
probeKey = true;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
await sleep(600); // a few flushes: the view has drawn the final state
// the memory as the session has it once the records are in, before the view compacts anything
// (no collection is forced here: the program has none but its own)
const mem = process.memoryUsage();
const spaces = getHeapSpaceStatistics();
if (v.smaps) writeFileSync(v.smaps, readFileSync('/proc/self/smaps')); // a /proc file has no size to copy by
// then the view goes idle (no key, no record): wait for its compaction, as long as it takes. The
// probe key stops the first run after its first step; the view starts again once nobody has typed
// for a while, so the compaction is over when no step came for longer than that.
const idleUntil = now() + Number(v['idle-wait']) * 1000;
const after = () => compactions.filter((c) => c.at >= bulkEnd);
let probeClosed = false;
while (now() < idleUntil) {
  const steps = after();
  if (probe && !probeClosed) {
    await probe;
    const closed = nextFrame((f) => f.includes(FRAME_MARK) && !f.includes(HELP_MARK));
    stdin.press('?');
    await closed;
    probeClosed = true;
  }
  if (steps.length && now() - steps[steps.length - 1].at > 7000) break;
  await sleep(100);
}
loopDelay.disable();
const idleSteps = after();
const keyDuringCompactionMs = probe ? await probe : undefined;
// V8 gives pages back from a thread of its own after a collection: the RSS read at once can still
// count pages it is giving back, so it is read again once the view has run on for a while
await sleep(2000);
const memSettled = process.memoryUsage();
const rssSettled = memSettled.rss;
if (v['heap-snapshot']) writeHeapSnapshot(v['heap-snapshot']);

const code = await quitView(stdin, stdout, running);
const sorted = [...latencies].sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({
    columns: stdout.columns,
    rows: stdout.rows,
    rate: RATE,
    mix: MIX,
    tickMs: TICK_MS,
    sliceMs: SLICE_MS,
    seconds: SECONDS,
    firstFrameMs,
    keys: latencies.length,
    keyMedianMs: sorted[sorted.length >> 1],
    keyP90Ms: sorted[Math.floor(sorted.length * 0.9)],
    keyMaxMs: sorted[sorted.length - 1],
    achievedRate: pacedDelivered / pacedSeconds,
    /**
     * The process's CPU time (every thread: the collector's helpers too) while the flood was paced,
     * and the records it took in per CPU second: what the view costs a record, less dependent on
     * what else the machine runs than the achieved rate.
     */
    pacedCpuSeconds,
    recordsPerCpuSecond: pacedDelivered / pacedCpuSeconds,
    total: delivered,
    totalWanted: TOTAL,
    linesRead: genStats.lines,
    bulkSeconds,
    rssAfterMB: mem.rss / 2 ** 20,
    /** RSS two seconds later, the view still drawing. */
    rssSettledMB: rssSettled / 2 ** 20,
    heapAfterMB: mem.heapUsed / 2 ** 20,
    heapTotalAfterMB: mem.heapTotal / 2 ** 20,
    externalAfterMB: mem.external / 2 ** 20,
    /** The same two seconds after the view's idle compaction (or after waiting --idle-wait seconds for one). */
    heapSettledMB: memSettled.heapUsed / 2 ** 20,
    heapTotalSettledMB: memSettled.heapTotal / 2 ** 20,
    /**
     * The view's compaction once the flood was over: when its first step came, its steps (the
     * longest is what a key could wait for), the heap before the first and after the last, and a
     * key pressed as it started.
     */
    idleCompaction: idleSteps.length
      ? {
          afterMs: idleSteps[0].at - bulkEnd,
          steps: idleSteps.length,
          /** How long the program waited for it, all steps together. */
          ms: idleSteps.reduce((n, c) => n + c.ms, 0),
          /** The longest step: the longest a key could wait for it. */
          stepMaxMs: Math.max(...idleSteps.map((c) => c.ms)),
          heldBeforeMB: idleSteps[0].heldBeforeMB,
          heldAfterMB: idleSteps[idleSteps.length - 1].heldAfterMB,
          keyLatencyMs: keyDuringCompactionMs,
        }
      : undefined,
    /** The longest the event loop was held while the view went idle and compacted (ms): a key waits that long to be read. */
    idleLoopDelayMaxMs: loopDelay.max / 1e6,
    /** Every step the view took; those while keys were pressed would have held a key. */
    compactions: compactions.map((c) => ({ atS: +((c.at - t0) / 1000).toFixed(1), step: c.step, ms: +c.ms.toFixed(0), heldMB: +c.heldAfterMB.toFixed(0), records: c.records })),
    compactionsWhileKeys: compactions.filter((c) => c.at >= keys0 && c.at <= keysEnd).length,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    /** Each V8 heap space after the flood: MB in use and MB held from the system. */
    spacesMB: Object.fromEntries(spaces.map((s) => [s.space_name, [+(s.space_used_size / 2 ** 20).toFixed(1), +(s.space_size / 2 ** 20).toFixed(1)]])),
    frames: stdout.frames,
    exit: code,
    sinkSeen: !!sinkRef,
  })}\n`,
);
process.exit(0);
