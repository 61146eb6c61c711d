// Start-up and TUI measures for bench/run.mjs.
//  - start-up: `--version`, `--demo --json`, and the time until the TUI's first frame on the demo in
//    a real terminal (tmux, on its own server socket);
//  - the TUI under a flood of one-off records and under an outage's flood (bench/tui-flood.tsx,
//    bundled like the program, in its own process);
//  - the TUI replaying a saved log (bench/tui-replay.tsx, the same way).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { measure, runOnce, which } from './lib/measure.mjs';
import { inkCaches } from '../scripts/ink-caches.mjs';

const FIRST_FRAME_MARK = '? help'; // the TUI's hint bar: not printed by the plain or NDJSON views

/** The environment without CI markers: Ink prints only the last frame when it thinks it runs in CI. */
export function interactiveEnv(env = process.env) {
  return Object.fromEntries(Object.entries(env).filter(([k]) => k !== 'CI' && k !== 'CONTINUOUS_INTEGRATION' && !k.startsWith('CI_')));
}

function sleepMs(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Seconds from starting `node BUNDLE --demo` in a 120x40 tmux pane to the first frame on screen. */
function tmuxFirstFrame(tmux, bundle) {
  // a tmux server that fails to start (it happens on a busy machine) gets one more try
  const r = tmuxFirstFrameOnce(tmux, bundle, 1);
  return r.error?.startsWith('tmux:') ? tmuxFirstFrameOnce(tmux, bundle, 2) : r;
}

function tmuxFirstFrameOnce(tmux, bundle, attempt) {
  const sock = `aa-bench-${process.pid}-${attempt}`;
  const env = { ...interactiveEnv(), TERM: 'xterm-256color' };
  const t = (...args) => spawnSync(tmux, ['-L', sock, '-f', '/dev/null', ...args], { encoding: 'utf8', env });
  try {
    const t0 = process.hrtime.bigint();
    const s = t('new-session', '-d', '-x', '120', '-y', '40', '-s', 'bench', process.execPath, bundle, '--demo', '--no-bell');
    if (s.status !== 0) return { error: `tmux: ${s.stderr.trim()}` };
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const pane = t('capture-pane', '-p', '-t', 'bench');
      if (pane.stdout.includes(FIRST_FRAME_MARK)) return { seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
      sleepMs(5);
    }
    const last = t('capture-pane', '-p', '-t', 'bench').stdout.trim().split('\n').slice(0, 3).join(' / ');
    return { error: `no TUI frame within 15 s (screen: ${last.slice(0, 120) || 'empty'})` };
  } finally {
    t('kill-server');
  }
}

export function benchStartup({ bundle, runs, log }) {
  const rows = [];
  const add = (label, res) => {
    rows.push({ label, ...res });
    log(`bench:   ${label}: ${res.error ? `skipped: ${res.error}` : `${(res.seconds * 1000).toFixed(0)} ms`}`);
  };
  const ok = (args) => () => {
    const r = runOnce(process.execPath, [bundle, ...args]);
    return r.status === 0 ? r : { error: `exit ${r.status}: ${r.stderr.trim().split('\n').pop()}` };
  };
  add('`aa-triage --version` (Node start-up + loading the bundle)', measure(runs * 2 + 1, ok(['--version'])));
  add('`aa-triage --demo --json > /dev/null`', measure(runs * 2 + 1, ok(['--demo', '--json'])));
  const tmux = which('tmux');
  add('first TUI frame on the demo, in a 120×40 terminal (tmux)', tmux ? measure(runs * 2 + 1, () => tmuxFirstFrame(tmux, bundle)) : { error: 'tmux is not installed' });
  return { rows };
}

/** Bundles a TUI measure (bench/NAME.tsx) as the program is built (scripts/build.mjs); its path, or an error. */
async function bundleTuiMeasure(root, dataDir, name) {
  const out = join(dataDir, `${name}.mjs`);
  const stub = join(root, 'dist', '.stub', 'devtools.js'); // written by scripts/build.mjs
  if (!existsSync(stub)) return { error: 'dist/.stub/devtools.js is missing: run the build first' };
  await build({
    entryPoints: [join(root, 'bench', `${name}.tsx`)],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    alias: { 'react-devtools-core': stub },
    plugins: [inkCaches()], // as the program is built (scripts/build.mjs)
    banner: { js: "import { createRequire as __aaCreateRequire } from 'node:module'; const require = __aaCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return { out };
}

/** Runs a bundled TUI measure as the launcher (bin/aa-triage) starts the view on a terminal; its JSON result, or an error. */
function runTuiMeasure(out, args, what) {
  const r = spawnSync(process.execPath, [out, ...args], { encoding: 'utf8', timeout: 600_000, env: { MALLOC_ARENA_MAX: '2', ...interactiveEnv() } });
  if (r.status !== 0) return { error: `the ${what} failed (exit ${r.status}): ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}` };
  // Ink restores the cursor on the real stdout at exit: the result is the line holding the JSON object
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (!line) return { error: `the ${what} printed no result` };
  return JSON.parse(line);
}

export async function benchTuiFlood({ root, dataDir, log, profilesDir, rate = 10_000, seconds = 15, total = 1_000_000, mix = 'mixed' }) {
  const { out, error } = await bundleTuiMeasure(root, dataDir, 'tui-flood');
  if (error) return { error };
  log(`bench:   TUI flood (${mix}): ${rate} records/s for ${seconds} s with keys, then on to ${total} records`);
  const res = runTuiMeasure(out, ['--rate', String(rate), '--mix', mix, '--seconds', String(seconds), '--total', String(total), ...(profilesDir ? ['--profiles-dir', profilesDir] : [])], 'flood run');
  if (res.error) return res;
  const ic = res.idleCompaction;
  const idle = ic
    ? `, ${res.rssSettledMB.toFixed(0)} MB once idle (its compaction: ${ic.steps} steps, ${ic.ms.toFixed(0)} ms in all, the longest ${ic.stepMaxMs.toFixed(0)} ms; a key pressed as it started drawn after ${ic.keyLatencyMs?.toFixed(0) ?? '?'} ms)`
    : `, ${res.rssSettledMB.toFixed(0)} MB once idle (no compaction came)`;
  log(
    `bench:   first frame ${res.firstFrameMs.toFixed(0)} ms, key latency median ${res.keyMedianMs.toFixed(0)} ms, worst ${res.keyMaxMs.toFixed(0)} ms, RSS after ${res.total} records ${res.rssAfterMB.toFixed(0)} MB${idle}`,
  );
  return res;
}

/**
 * The view replaying saved logs (bench/tui-replay.tsx): for each input, the time from the runner's
 * start until every record is in the view, the median of `runs`, with keys pressed while it reads.
 */
export async function benchTuiReplay({ root, dataDir, log, profilesDir, inputs, runs }) {
  const { out, error } = await bundleTuiMeasure(root, dataDir, 'tui-replay');
  if (error) return { error };
  const rows = [];
  for (const { label, file, id } of inputs) {
    const all = [];
    for (let i = 0; i < runs; i++) {
      const res = runTuiMeasure(out, ['--input', file, ...(profilesDir ? ['--profiles-dir', profilesDir] : [])], 'replay');
      if (res.error) {
        all.length = 0;
        rows.push({ id, label, error: res.error });
        break;
      }
      all.push(res);
    }
    if (!all.length) continue;
    const median = [...all].sort((a, b) => a.replaySeconds - b.replaySeconds)[all.length >> 1];
    const keyMedians = all.map((r) => r.keyMedianMs).sort((a, b) => a - b);
    rows.push({
      id,
      label,
      ...median,
      runs: all.length,
      keyMedianMs: keyMedians[keyMedians.length >> 1],
      keyMaxMs: Math.max(...all.map((r) => r.keyMaxMs)),
      peakRssMB: Math.max(...all.map((r) => r.peakRssMB)),
      rssIdleMB: Math.max(...all.map((r) => r.rssIdleMB)),
    });
    log(
      `bench:   TUI replay of ${label}: ${median.replaySeconds.toFixed(2)} s (collector ${median.gcSeconds.toFixed(2)} s), keys median ${median.keyMedianMs.toFixed(0)} ms, ${Math.max(...all.map((r) => r.rssIdleMB)).toFixed(0)} MB once idle`,
    );
  }
  return { rows };
}
