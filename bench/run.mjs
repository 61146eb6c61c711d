// `npm run bench`: ingest throughput and memory of aa-triage on generated logs in each carrier,
// against `grep -c apparmor=` (the practical ceiling) and the AppArmor tools a user would reach for,
// plus the TUI under a flood and start-up time. Writes BENCHMARKS.md and bench/results/latest.json.
//
//   npm run bench [-- --lines N] [--share 0.2] [--runs 3] [--carriers dmesg,journal,auditlog] [--mixes mixed,flood,distinct]
//                 [--no-peers] [--no-install] [--no-tui] [--no-write] [--tui-only] [--render]
// Environment: BENCH_LINES, BENCH_RUNS override the defaults (1,000,000 lines, 3 runs).
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { loadavg } from 'node:os';
import { CARRIERS, GENERATOR_VERSION, MIXES, generateFile } from './generate.mjs';
import { GNU_TIME, measureInTurn, runOnce, which } from './lib/measure.mjs';
import { describeMachine } from './lib/machine.mjs';
import { renderMarkdown } from './lib/report.mjs';
import { benchStartup, benchTuiFlood, benchTuiReplay } from './tui.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PY = '/usr/bin/python3'; // the distribution's Python, where python3-apparmor installs
const log = (s) => process.stderr.write(`${s}\n`);
const benchStart = Date.now();

const { values: v } = parseArgs({
  options: {
    lines: { type: 'string', default: process.env.BENCH_LINES ?? '1000000' },
    share: { type: 'string', default: '0.2' },
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '3' },
    carriers: { type: 'string', default: CARRIERS.join(',') },
    /** The generated logs' mixes: one-offs (mixed), an outage flood, every record distinct. */
    mixes: { type: 'string', default: MIXES.join(',') },
    'data-dir': { type: 'string', default: join(root, '.bench-data') },
    'no-peers': { type: 'boolean', default: false },
    'no-install': { type: 'boolean', default: false },
    'no-tui': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    /** Only the start-up and TUI measures; the ingest results are kept from bench/results/latest.json. */
    'tui-only': { type: 'boolean', default: false },
    /** Only rewrite BENCHMARKS.md from bench/results/latest.json (after a change to the report's wording). */
    render: { type: 'boolean', default: false },
  },
});
if (v.render) {
  const saved = JSON.parse(readFileSync(join(root, 'bench', 'results', 'latest.json'), 'utf8'));
  writeFileSync(join(root, 'BENCHMARKS.md'), renderMarkdown(saved));
  log('bench: rewrote BENCHMARKS.md from bench/results/latest.json');
  process.exit(0);
}
const LINES = Number(v.lines);
const SHARE = Number(v.share);
const RUNS = Math.max(1, Number(v.runs));
const carriers = v.carriers
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
for (const c of carriers) if (!CARRIERS.includes(c)) throw new Error(`--carriers: unknown carrier ${c}`);
const mixes = v.mixes
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
for (const m of mixes) if (!MIXES.includes(m)) throw new Error(`--mixes: unknown mix ${m}`);
if (!(LINES > 0) || !(SHARE >= 0 && SHARE <= 1)) throw new Error('--lines must be > 0 and --share within 0..1');
const dataDir = v['data-dir'];
mkdirSync(dataDir, { recursive: true });

// ---- the program, bundled as users run it; the in-process measure bundled the same way ----
log('bench: building the bundle');
const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root });
if (b.status !== 0) throw new Error('the bundle did not build');
const BUNDLE = join(root, 'dist', 'aa-triage.js');
// the demo's profiles: they declare the profiles the generated records are about, so every record is
// classified against a real profile index, the same in every run and on every machine
const PROFILES = join(root, 'demo', 'apparmor.d');
const INPROC = join(dataDir, 'inproc.mjs');
await build({
  entryPoints: [join(root, 'bench', 'inproc.ts')],
  outfile: INPROC,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  define: { 'process.env.NODE_ENV': '"production"' },
  external: ['react-devtools-core'],
  banner: { js: "import { createRequire as __aaCreateRequire } from 'node:module'; const require = __aaCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

// ---- peers: AppArmor's own tools, installed from the distribution when possible ----
function peerStatus() {
  const py = existsSync(PY);
  const pyHas = (mod) => py && spawnSync(PY, ['-c', `import ${mod}`], { stdio: 'ignore' }).status === 0;
  // aa-notify will not start without apparmor_parser at /sbin (package apparmor), though reading a file needs no kernel support
  const aaNotify = existsSync('/sbin/apparmor_parser') ? which('aa-notify') : undefined;
  return { aaNotify, logparser: pyHas('apparmor.logparser'), libapparmor: pyHas('LibAppArmor') };
}
let peers = peerStatus();
let installNote = '';
if (!v['no-peers'] && !v['no-install'] && (!peers.aaNotify || !peers.logparser || !peers.libapparmor)) {
  if (process.getuid?.() === 0 && which('apt-get')) {
    log('bench: installing the AppArmor tools to compare with (apparmor-notify with apparmor, python3-apparmor, python3-libapparmor)');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const up = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const inst =
      up.status === 0
        ? spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'apparmor', 'apparmor-notify', 'python3-apparmor', 'python3-libapparmor'], { stdio: 'inherit', env })
        : up;
    if (inst.status !== 0) installNote = 'apt-get could not install them';
    peers = peerStatus();
  } else installNote = 'not installed, and installing needs root and apt-get';
}
const DAYS = '36500'; // aa-notify -s: every event in the file counts, whatever its date

// ---- generated inputs, cached by their parameters ----
function input(carrier, mix) {
  const file = join(dataDir, `${carrier}${mix === 'mixed' ? '' : `-${mix}`}-${LINES}-${SHARE}-g${GENERATOR_VERSION}.log`);
  if (!existsSync(file)) {
    log(`bench: generating ${relative(root, file)}`);
    const r = generateFile({ carrier, lines: LINES, share: SHARE, mix }, file);
    writeFileSync(`${file}.json`, JSON.stringify(r));
  }
  return { file, ...JSON.parse(readFileSync(`${file}.json`, 'utf8')), bytes: statSync(file).size };
}

function cli(args) {
  return () => {
    const r = runOnce(process.execPath, [BUNDLE, ...args]);
    if (r.status !== 0) return { error: `exit ${r.status}: ${r.stderr.trim().split('\n').pop()}` };
    const m = /(\d+) AppArmor records/.exec(r.stderr);
    return { ...r, records: m ? Number(m[1]) : undefined };
  };
}

/** A program that times itself and prints JSON: its own seconds, with the peak from GNU time. */
function selfTimed(cmd, args, recordsKey) {
  return () => {
    const r = runOnce(cmd, args, { capture: true });
    if (r.status !== 0) return { error: `exit ${r.status}: ${r.stderr.trim().split('\n').pop()}` };
    const o = JSON.parse(r.stdout.trim().split('\n').pop());
    return { seconds: o.seconds, cpuSeconds: o.cpuSeconds, maxRssKB: o.maxRssKB ?? r.maxRssKB, records: o[recordsKey], wall: r.seconds };
  };
}

const timelineAvailable = (() => {
  const r = spawnSync(process.execPath, [BUNDLE, 'timeline', '--demo'], { encoding: 'utf8' });
  return r.status === 0 ? true : r.stderr.trim().split('\n')[0] || `exit ${r.status}`;
})();

const results = { machine: describeMachine(), config: { lines: LINES, share: SHARE, runs: RUNS, gnuTime: !!GNU_TIME, inTurn: true }, carriers: [], peersNote: installNote, peers: { ...peers } };

const previous = v['tui-only'] ? JSON.parse(readFileSync(join(root, 'bench', 'results', 'latest.json'), 'utf8')) : undefined;
if (previous) Object.assign(results, { machine: previous.machine, config: previous.config, carriers: previous.carriers, peersNote: previous.peersNote, peers: previous.peers });
const inputs = previous ? [] : mixes.flatMap((mix) => carriers.map((carrier) => ({ carrier, mix })));
for (const { carrier, mix } of inputs) {
  const inp = input(carrier, mix);
  readFileSync(inp.file); // warm the page cache once so the first timed run is not the only cold one
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  log(`bench: ${carrier} (${mix}): ${inp.lines} lines, ${inp.records} AppArmor records, ${(inp.bytes / 1e6).toFixed(0)} MB; load ${load}`);
  // the input's measures, then run in turn round by round (measureInTurn): a slow phase of the
  // machine falls on aa-triage and its peers alike
  const planned = [];
  const plan = (id, label, once, note) => planned.push({ id, label, once, note });
  const skipped = (id, label, error, note) => planned.push({ id, label, error, note });
  plan('grep', '`grep -c apparmor=` (ceiling)', () => {
    const r = runOnce('grep', ['-c', 'apparmor=', inp.file], { capture: true });
    return { ...r, records: Number(r.stdout.trim()) };
  });
  plan('inproc', 'aa-triage in-process: parse + classify + merge, no output', selfTimed(process.execPath, [INPROC, inp.file, PROFILES], 'records'));
  // the split between parsing and classification, and the runtime's floor, on the one-offs only
  if (mix === 'mixed') plan('parse', 'aa-triage in-process: parse + merge only (classification left out)', selfTimed(process.execPath, [INPROC, inp.file, '--no-classify'], 'records'));
  if (mix === 'mixed')
    plan(
      'floor',
      'Node floor: `apparmor=` lines split into key/value objects, nothing else (bench/floor.mjs)',
      selfTimed(process.execPath, [join(root, 'bench', 'floor.mjs'), inp.file], 'records'),
      'no carrier, time, hex, merging or classification',
    );
  plan('json', '`aa-triage --input FILE --json > /dev/null`', cli(['--input', inp.file, '--json', '--profiles-dir', PROFILES]));
  if (timelineAvailable === true) plan('timeline', '`aa-triage timeline --input FILE > /dev/null`', cli(['timeline', '--input', inp.file, '--profiles-dir', PROFILES]));
  else skipped('timeline', '`aa-triage timeline --input FILE`', `not available in this build (${timelineAvailable})`);
  if (!v['no-peers']) {
    const missing = (what) => `${what} not installed${installNote ? ` (${installNote})` : ''}`;
    const notify = () => {
      const r = runOnce(peers.aaNotify, ['-s', DAYS, '-f', inp.file], { capture: true });
      if (r.status !== 0) return { error: `exit ${r.status}: ${r.stderr.trim().split('\n').pop()}` };
      const m = /AppArmor denials: (\d+)/.exec(r.stdout);
      return { ...r, records: m ? Number(m[1]) : undefined };
    };
    if (peers.aaNotify) plan('aa-notify', `\`aa-notify -s ${DAYS} -f FILE\``, notify, 'counts denials only');
    else skipped('aa-notify', `\`aa-notify -s ${DAYS} -f FILE\``, missing('aa-notify (apparmor-notify, with apparmor_parser from apparmor)'), 'counts denials only');
    if (peers.logparser) plan('logparser', 'Python `apparmor.logparser` (aa-logprof)', selfTimed(PY, [join(root, 'bench', 'peers', 'logparser.py'), inp.file], 'events'));
    else skipped('logparser', 'Python `apparmor.logparser` (aa-logprof)', missing('python3-apparmor'));
    if (peers.libapparmor)
      plan('libapparmor', 'libapparmor C parser via Python, `apparmor=` lines', selfTimed(PY, [join(root, 'bench', 'peers', 'libapparmor.py'), inp.file], 'records'), 'records it accepts');
    else skipped('libapparmor', 'libapparmor C parser via Python, `apparmor=` lines', missing('python3-libapparmor'), 'records it accepts');
  }
  const runnable = planned.filter((p) => !p.error);
  const measured = measureInTurn(
    runnable.map((p) => p.once),
    RUNS,
  );
  const rows = planned.map((p) => {
    const res = p.error ? { error: p.error } : measured[runnable.indexOf(p)];
    const s = res.error ? `skipped: ${res.error}` : `${res.seconds.toFixed(3)} s, ${res.maxRssKB ? (res.maxRssKB / 1024).toFixed(0) : '?'} MB`;
    log(`bench:   ${p.label}: ${s}`);
    return { id: p.id, label: p.label, ...res, note: p.note };
  });
  results.carriers.push({
    carrier,
    mix,
    lines: inp.lines,
    records: inp.records,
    bytes: inp.bytes,
    runs: RUNS,
    load,
    loadAfter: loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
    rows,
  });
}

if (!v['no-tui']) {
  log('bench: start-up and the TUI under a flood');
  results.startup = benchStartup({ bundle: BUNDLE, runs: RUNS, log });
  // the issue's bar: keys stay quick while 50,000 records a second stream in
  results.tui = await benchTuiFlood({ root, dataDir, log, profilesDir: PROFILES, rate: 50_000 });
  // the same rate of an outage's records: a few hundred denials repeated by a few pids each
  results.tuiOutage = await benchTuiFlood({ root, dataDir, log, profilesDir: PROFILES, rate: 50_000, mix: 'flood' });
  // what an engineer waits for on a terminal: the view reading a saved log to its end, beside the
  // in-process ingest of the same file
  results.tuiReplay = await benchTuiReplay({
    root,
    dataDir,
    log,
    profilesDir: PROFILES,
    runs: RUNS,
    inputs: mixes.map((mix) => ({ id: `dmesg-${mix}`, carrier: 'dmesg', mix, label: `dmesg${mix === 'mixed' ? '' : ` ${mix}`}`, file: input('dmesg', mix).file })),
  });
}

results.durationSeconds = previous ? previous.durationSeconds : Math.round((Date.now() - benchStart) / 1000);
if (previous) {
  const now = describeMachine();
  results.tuiRun = { date: now.date, loadAtStart: now.loadAtStart, seconds: Math.round((Date.now() - benchStart) / 1000) };
}
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
const md = renderMarkdown(results);
if (!v['no-write']) {
  writeFileSync(join(root, 'bench', 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(root, 'BENCHMARKS.md'), md);
  log('bench: wrote BENCHMARKS.md and bench/results/latest.json');
} else process.stdout.write(md);
