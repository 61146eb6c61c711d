/**
 * The interactive view replaying a saved log: the real runner and App (Ink, the denial store, the
 * timeline builder, the flush timer) in replay mode on an in-memory terminal, reading FILE as
 * `aa-triage --input FILE` does on a terminal. While it reads, the help overlay is opened and closed
 * with `?` at an operator's pace and each key's latency is measured from the key to the first frame
 * that shows its effect. Reports the time until every record is in the view, the CPU time, the
 * collector's share, and the memory: at its peak, and once the view went idle and gave its heap
 * back. Bundled by bench/tui.mjs; prints one JSON object.
 *
 *   node .bench-data/tui-replay.mjs --input FILE [--profiles-dir DIR] [--columns 120] [--rows 40]
 */
import { parseArgs } from 'node:util';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseCli } from '../src/commands/args.js';
import { hostIdentity, resolveSettings } from '../src/commands/settings.js';
import { tuiSettings } from '../src/commands/tui.js';
import { runTui } from '../src/tui/runner.js';
import { loadEnrichment } from '../src/classify/enrich.js';
import { compactStep, heldHeap, preferSmallHeap } from '../src/commands/heap.js';
import { FakeStdin, FakeStdout, FRAME_MARK, nextFrame as nextFrameOf, quitView, toggleHelp } from './lib/fake-terminal.js';

// the heap setting the program's interactive view runs with (src/commands/main.ts)
preferSmallHeap();

const { values: v } = parseArgs({
  options: {
    input: { type: 'string' },
    columns: { type: 'string', default: '120' },
    rows: { type: 'string', default: '40' },
    'profiles-dir': { type: 'string' },
    /** `off`: no keys pressed while the log is read. */
    keys: { type: 'string', default: 'on' },
    /** Seconds the replay may take. */
    budget: { type: 'string', default: '300' },
    /** Seconds to wait, once the log is read, for the view's idle compaction to end. */
    'idle-wait': { type: 'string', default: '30' },
  },
});
if (!v.input) throw new Error('--input FILE is required');

const stdout = new FakeStdout(Number(v.columns), Number(v.rows));
const stdin = new FakeStdin();
const now = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the time of the first frame for which `test` holds (or rejects after `ms`). */
function nextFrame(test: (frame: string) => boolean, ms = 10000): Promise<number> {
  return nextFrameOf(stdout, test, ms);
}

// the collector's time, every kind of collection, from the runtime's own events
let gcMs = 0;
let gcCount = 0;
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcMs += e.duration;
    gcCount++;
  }
});
gcObserver.observe({ entryTypes: ['gc'] });

const enrichment = await loadEnrichment(v['profiles-dir'] ? [v['profiles-dir']] : []);
const cli = parseCli(['--no-bell', '--read-only', '--input', v.input], { TERM: 'xterm-256color' });
let replayedAt = 0;
/** When each step of the view's idle compaction ended. */
const steps: number[] = [];
const t0 = now();
const cpu0 = process.cpuUsage();
const gc0 = { ms: gcMs, n: gcCount };
const firstFrame = nextFrame((f) => f.includes(FRAME_MARK));
// the source line shows ✓ once the input is read and its last records flushed into the view
const replayed = nextFrame((f) => f.includes('✓'), Number(v.budget) * 1000).then((t) => (replayedAt = t));
const running = runTui({
  settings: tuiSettings(cli, resolveSettings(cli, hostIdentity()), 'replay'),
  mode: 'replay',
  inputs: [{ path: v.input, name: v.input }],
  stdin: stdin as unknown as NodeJS.ReadStream,
  stdout: stdout as unknown as NodeJS.WriteStream,
  env: { COLUMNS: v.columns, LINES: v.rows },
  enrich: enrichment.enrich,
  // the heap given back once the view is idle, as the program lets it (commands/tui.ts)
  heap: { held: heldHeap, compact: (step) => (compactStep(step), steps.push(now())) },
});
const firstFrameMs = (await firstFrame) - t0;

// keys while the log is read: the help overlay opened and closed at an operator's pace
const latencies: number[] = [];
if (v.keys === 'on') await toggleHelp(stdin, stdout, () => replayedAt !== 0, latencies);
await replayed;
const cpu = process.cpuUsage(cpu0);
const mem = process.memoryUsage();
const seconds = (replayedAt - t0) / 1000;
const gc = { ms: gcMs - gc0.ms, n: gcCount - gc0.n };
// then the view is left alone: it compacts its heap once nobody types and the records stopped
// (tui/idle-compaction.ts); the memory is read once no step came for 3 s, or after --idle-wait s
const idleUntil = now() + Number(v['idle-wait']) * 1000;
while (now() < idleUntil && !(steps.length && now() - steps[steps.length - 1] > 3000)) await sleep(100);
const rssIdleMB = process.memoryUsage().rss / 2 ** 20;
const idleSteps = steps.filter((t) => t >= replayedAt).length;

const code = await quitView(stdin, stdout, running);
const sorted = [...latencies].sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({
    input: v.input,
    columns: stdout.columns,
    rows: stdout.rows,
    firstFrameMs,
    /** From the runner's start to the frame that shows the input read to its end. */
    replaySeconds: seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    gcSeconds: gc.ms / 1000,
    collections: gc.n,
    keys: latencies.length,
    keyMedianMs: sorted[sorted.length >> 1],
    keyMaxMs: sorted[sorted.length - 1],
    rssMB: mem.rss / 2 ** 20,
    heapMB: mem.heapUsed / 2 ** 20,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    /** RSS once the view went idle and gave its heap back (idleSteps: the steps it took). */
    rssIdleMB,
    idleSteps,
    frames: stdout.frames,
    exit: code,
  })}\n`,
);
process.exit(0);
