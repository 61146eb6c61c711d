// Running one measured command: wall time from our own clock (start to exit), peak memory from
// GNU time's maximum resident set size. Argument arrays only, never a shell.
import { accessSync, closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export const GNU_TIME = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p));

/** An executable on PATH (plus the sbin directories sudo-less shells leave out), or undefined. */
export function which(name) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  return dirs
    .filter(Boolean)
    .map((d) => join(d, name))
    .find(isExecutable);
}
function isExecutable(p) {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * Runs cmd once. stdout goes to /dev/null unless `capture`; stdin is /dev/null.
 * Returns { seconds (wall), cpuSeconds (user + system), maxRssKB, status, stdout, stderr }.
 */
export function runOnce(cmd, args, { capture = false, env, cwd, timeoutMs = 600_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'aa-bench-'));
  const rssFile = join(dir, 'rss');
  const devnull = capture ? undefined : openSync('/dev/null', 'w');
  try {
    const argv = GNU_TIME ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, cmd, ...args]] : [cmd, args];
    const t0 = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv[1], {
      cwd,
      env: env ?? process.env,
      encoding: 'utf8',
      maxBuffer: 256 << 20,
      timeout: timeoutMs,
      stdio: ['ignore', capture ? 'pipe' : devnull, 'pipe'],
    });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.error) throw r.error;
    let maxRssKB;
    let cpuSeconds;
    if (GNU_TIME && existsSync(rssFile)) {
      // the last line (GNU time may put "Command exited with non-zero status N" before it)
      const m = /(\d+) ([\d.]+) ([\d.]+)\s*$/.exec(readFileSync(rssFile, 'utf8').trim());
      if (m) {
        maxRssKB = Number(m[1]);
        cpuSeconds = Number(m[2]) + Number(m[3]);
      }
    }
    return { seconds, cpuSeconds, maxRssKB, status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  } finally {
    if (devnull !== undefined) closeSync(devnull);
    rmSync(dir, { recursive: true, force: true });
  }
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs a measurement `runs` times (fewer when the next run would overrun `budgetSeconds`). `read` turns one run into { seconds, maxRssKB, ...extra } (for
 * programs that time themselves); by default the wall time and GNU time's peak are used.
 * Returns the median seconds (wall and CPU), the highest peak, the extras of the median run, or { error }.
 */
export function measure(runs, once, budgetSeconds = 60) {
  return measureInTurn([once], runs, budgetSeconds)[0];
}

/**
 * Runs several measurements of one input in turn, run by run: round 1 runs each once, then round 2,
 * each round starting one measure further on. A slow phase of a shared machine (another job starting,
 * a neighbour's burst) then falls on every measure of the input alike, where taking one measure's
 * runs back to back let it land on one row only (the same timeline took 4.41 s in one run and
 * 3.10-3.20 s in pairs). Each result also keeps its time by round (`byRound`, undefined where it did
 * not run), so two measures can be compared round by round (pairedRatio). A measure that fails is
 * not run again; one whose next run would overrun `budgetSeconds` stops.
 */
export function measureInTurn(onces, runs, budgetSeconds = 60) {
  const state = onces.map(() => ({ results: [], byRound: [], spent: 0, error: undefined, stopped: false }));
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < onces.length; k++) {
      const i = (k + round) % onces.length;
      const st = state[i];
      if (st.error || st.stopped) continue;
      const t0 = process.hrtime.bigint();
      const r = onces[i]();
      st.spent += Number(process.hrtime.bigint() - t0) / 1e9;
      if (r.error) {
        st.error = r;
        continue;
      }
      st.results.push(r);
      st.byRound[round] = r.seconds;
      // keep `npm run bench` within minutes: a slow measure stops once its budget is spent
      if (st.spent + st.spent / st.results.length > budgetSeconds) st.stopped = true;
    }
  }
  return state.map((st) => (st.error ? st.error : { ...summarize(st.results), byRound: Array.from({ length: runs }, (_, r) => st.byRound[r]) }));
}

/** b's time over a's, the median over the rounds both ran in (undefined when none). */
export function pairedRatio(a, b) {
  const ratios = [];
  for (let r = 0; r < Math.min(a.byRound?.length ?? 0, b.byRound?.length ?? 0); r++) {
    if (a.byRound[r] !== undefined && b.byRound[r] !== undefined) ratios.push(b.byRound[r] / a.byRound[r]);
  }
  return ratios.length ? median(ratios) : undefined;
}

function summarize(results) {
  results = [...results];
  results.sort((a, b) => a.seconds - b.seconds);
  const mid = results[results.length >> 1];
  const peaks = results.map((r) => r.maxRssKB).filter((x) => x !== undefined);
  const cpus = results.map((r) => r.cpuSeconds).filter((x) => x !== undefined);
  return {
    ...mid,
    seconds: median(results.map((r) => r.seconds)),
    cpuSeconds: cpus.length ? median(cpus) : undefined,
    maxRssKB: peaks.length ? Math.max(...peaks) : undefined,
    runs: results.length,
    all: results.map((r) => r.seconds),
  };
}
