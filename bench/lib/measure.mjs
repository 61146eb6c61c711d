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
  return dirs.filter(Boolean).map((d) => join(d, name)).find(isExecutable);
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
  const results = [];
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) {
    const r = once();
    if (r.error) return r;
    results.push(r);
    // keep `npm run bench` within minutes: a slow measure stops once its budget is spent
    const spent = Number(process.hrtime.bigint() - start) / 1e9;
    if (spent + spent / results.length > budgetSeconds) break;
  }
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
