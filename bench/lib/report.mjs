// The results as markdown (BENCHMARKS.md).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pairedRatio } from './measure.mjs';

/** Parse + classify, in-process, by the generated log's mix: a flood, one-offs, every record distinct. */
const TARGET_LINES_PER_S = { flood: 2e6, mixed: 1e6, distinct: 0.5e6 };
/** With NDJSON written out, on a flood. */
const TARGET_JSON_FLOOD = 1e6;
const TARGET_PEAK_MB = 150;
/** The targets are for logs of this many lines: a peak under the bound on a smaller log proves nothing. */
const TARGET_LOG_LINES = 1e6;
const PEERS = ['libapparmor', 'aa-notify', 'logparser'];
const TARGET_KEY_MS = 250;
/** Key latency, median, while 50,000 records a second stream in. */
const TARGET_KEY_MEDIAN_MS = 100;
/** RSS of a live session after 1,000,000 records. */
const TARGET_TUI_RSS_MB = 150;

const fmtRate = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(0)} k`);
const fmtMB = (kb) => (kb === undefined ? '?' : `${(kb / 1024).toFixed(0)}`);
const fmtInt = (n) => (n === undefined ? '' : n.toLocaleString('en-US'));
const fmtMs = (x) => (x === undefined ? '?' : `${x.toFixed(0)} ms`);

function ingestTable(c) {
  const rows = c.rows;
  const grep = rows.find((r) => r.id === 'grep' && !r.error);
  const ours = rows.find((r) => r.id === 'inproc' && !r.error);
  const out = [
    '| Measure | Median time | Lines/s | CPU time | Lines per CPU-second | Share of `grep` speed | aa-triage (in-process) is | Peak memory | Records found |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    if (r.error) {
      out.push(`| ${r.label} | skipped: ${r.error} | | | | | | | |`);
      continue;
    }
    const rate = c.lines / r.seconds;
    const vsGrep = grep ? `${((grep.seconds / r.seconds) * 100).toFixed(grep.seconds / r.seconds < 0.1 ? 1 : 0)} %` : '';
    const ratio = ours ? peerRatio(ours, r) : undefined;
    const vsOurs =
      ratio !== undefined && !['inproc', 'parse', 'floor', 'grep', 'json', 'timeline'].includes(r.id) ? (ratio >= 1 ? `${ratio.toFixed(1)}× faster` : `${(1 / ratio).toFixed(1)}× slower`) : '';
    const cpu = r.cpuSeconds !== undefined ? `${r.cpuSeconds.toFixed(3)} s | ${fmtRate(c.lines / Math.max(r.cpuSeconds, 1e-3))}` : ' | ';
    out.push(
      `| ${r.label}${r.runs < c.runs ? ` (${r.runs} run${r.runs > 1 ? 's' : ''}: time budget)` : ''} | ${r.seconds.toFixed(3)} s | ${fmtRate(rate)} | ${cpu} | ${vsGrep} | ${vsOurs} | ${fmtMB(r.maxRssKB)} MB | ${fmtInt(r.records)}${r.note ? ` (${r.note})` : ''} |`,
    );
  }
  return out.join('\n');
}

/**
 * A peer's time over aa-triage's: the median of the rounds' ratios when both were measured in turn
 * (each round's pair taken minutes apart at most), else the ratio of the medians (results saved
 * before measures were interleaved).
 */
function peerRatio(ours, peer) {
  return pairedRatio(ours, peer) ?? peer.seconds / ours.seconds;
}

/**
 * For peers that read far fewer of the file's records than aa-triage (audit.log's `node=` lines,
 * which libapparmor rejects), how many they read and how the two compare per record read: the time
 * on the same file stays the verdict, this says what it was spent on.
 */
function partialReads(ours, peers) {
  const partial = peers.filter((p) => p.records !== undefined && ours.records && p.records < ours.records * 0.9);
  if (!partial.length) return '';
  const each = partial.map((p) => {
    const perRecord = peerRatio(ours, p) * (ours.records / p.records);
    return `${p.id} read ${fmtInt(p.records)} of ${fmtInt(ours.records)} records, ${perRecord >= 1 ? `${perRecord.toFixed(1)}× slower` : `${(1 / perRecord).toFixed(1)}× faster`} than aa-triage per record read`;
  });
  return ` (${each.join('; ')})`;
}

const mixName = (c) => (c.mix && c.mix !== 'mixed' ? ` ${c.mix}` : '');

function targets(res) {
  const out = [];
  for (const c of res.carriers) {
    const ours = c.rows.find((r) => r.id === 'inproc' && !r.error);
    if (!ours) continue;
    const json = c.rows.find((r) => r.id === 'json' && !r.error);
    const mix = c.mix ?? 'mixed';
    // more runnable work than cores: a time measured then says little, a target met then is to be confirmed
    const loaded = Number(String(c.load ?? '0').split(' ')[0]) > 2;
    const met = (ok) => (ok ? (loaded ? 'met in this run, on a loaded machine (to confirm idle)' : 'met') : 'not met');
    const want = TARGET_LINES_PER_S[mix];
    const rate = c.lines / ours.seconds;
    const cpuRate = ours.cpuSeconds ? c.lines / ours.cpuSeconds : undefined;
    const jsonPart = mix === 'flood' && json ? `; --json ${fmtRate(c.lines / json.seconds)} (≥ ${TARGET_JSON_FLOOD / 1e6} M: ${met(c.lines / json.seconds >= TARGET_JSON_FLOOD)})` : '';
    const peakKB = Math.max(...c.rows.filter((r) => !r.error && ['inproc', 'json', 'timeline'].includes(r.id)).map((r) => r.maxRssKB ?? 0));
    const peers = PEERS.map((id) => c.rows.find((r) => r.id === id && !r.error)).filter(Boolean);
    const slower = peers.filter((p) => peerRatio(ours, p) <= 1).map((p) => p.id);
    const vsPeers = peers.length
      ? slower.length
        ? `not met: ${slower.join(', ')} faster${partialReads(
            ours,
            peers.filter((p) => slower.includes(p.id)),
          )}`
        : `${met(true)} (${peers.map((p) => `${p.id} ${peerRatio(ours, p).toFixed(1)}×`).join(', ')})`
      : 'no peer measured';
    out.push(
      `| ${c.carrier}${mixName(c)} | ${fmtRate(rate)} lines/s${cpuRate ? ` (${fmtRate(cpuRate)} per CPU-second)` : ''}; ≥ ${want / 1e6} M: ${met(rate >= want)}${jsonPart} | ${(peakKB / 1024).toFixed(0)} MB: ${peakKB / 1024 > TARGET_PEAK_MB ? 'not met' : c.lines >= TARGET_LOG_LINES ? 'met' : `not judged (${fmtInt(c.lines)} lines; the target is for ${fmtInt(TARGET_LOG_LINES)})`} | ${vsPeers} | ${c.load ?? '?'} |`,
    );
  }
  if (!out.length) return '';
  const split = [];
  for (const c of res.carriers) {
    const all = c.rows.find((r) => r.id === 'inproc' && !r.error);
    const parse = c.rows.find((r) => r.id === 'parse' && !r.error);
    if (!all || !parse) continue;
    const a = all.cpuSeconds ?? all.seconds;
    const p = parse.cpuSeconds ?? parse.seconds;
    const floor = c.rows.find((r) => r.id === 'floor' && !r.error);
    if (floor) split.push(`${c.carrier}: the runtime's floor (finding the lines and splitting each into an object, nothing else) reads ${fmtRate(c.lines / floor.seconds)} lines/s`);
    split.push(
      `${c.carrier}: classification ${Math.max(0, ((a - p) / a) * 100).toFixed(0)} % of the in-process CPU time (${fmtInt(Math.round(((a - p) / c.records) * 1e6))} µs a record); parse + merge alone ${fmtRate(c.lines / p)} lines per CPU-second`,
    );
  }
  const where = split.length ? ['', 'Where the time goes (one-offs):', '', ...split.map((x) => `- ${x}`)] : [];
  return [
    "In-process parse + classify + merge against the target for the mix (flood ≥ 2 M lines/s, one-offs ≥ 1 M, all distinct ≥ 0.5 M); the peak of the in-process, `--json` and `timeline` runs; and whether aa-triage in-process was faster than each of AppArmor's own parsers in the same run (their time over ours). The load average is the one-minute, five-minute and fifteen-minute figure when the input's measures began: on a loaded machine the wall-clock rates are low by about the load over the two cores, and no target is called met from such a figure alone.",
    '',
    `| Input | parse + classify | peak ≤ ${TARGET_PEAK_MB} MB (every mode) | faster than every peer | load average |`,
    '|---|---|---|---|---|',
    ...out,
    ...where,
  ].join('\n');
}

function startupTable(s) {
  if (!s) return '';
  const out = ['| Measure | Median | Peak memory |', '|---|---:|---:|'];
  for (const r of s.rows) {
    if (r.error) out.push(`| ${r.label} | skipped: ${r.error} | |`);
    else out.push(`| ${r.label} | ${fmtMs(r.seconds * 1000)} | ${r.maxRssKB === undefined ? 'not measured (tmux)' : `${fmtMB(r.maxRssKB)} MB`} |`);
  }
  return out.join('\n');
}

function tuiSection(t) {
  if (!t) return '';
  if (t.error) return `Skipped: ${t.error}`;
  const lines = [
    t.mix === 'flood'
      ? `As above, with the records of an outage (the generated flood: 300 distinct denials repeated, each service's records from four pids) at up to ${fmtInt(t.rate)} a second, then on to ${fmtInt(t.totalWanted ?? t.total)}.`
      : `The real runner, App and denial store in live mode on an in-memory ${t.columns}×${t.rows} terminal (bench/tui-flood.tsx, started with two malloc arenas as the launcher starts the view), fed by a fake live source that parses generated kernel log lines (every one an AppArmor record, each from a pid of its own: the one-offs) and delivers up to ${fmtInt(t.rate)} records per second: every ${t.tickMs} ms it parses what is due, for at most ${t.sliceMs ?? t.tickMs} ms, then yields (as the live sources do), so a pipeline slower than the flood shows as a lower achieved rate. For ${t.seconds} s the help overlay is opened and closed with \`?\` at an operator's pace; a key's latency runs from the key to the first frame that shows its effect. Then the flood goes on, unpaced (50 ms slices), towards ${fmtInt(t.totalWanted ?? t.total)} records.`,
    '',
    '| Measure | Result | Target |',
    '|---|---:|---|',
    `| time to first frame | ${fmtMs(t.firstFrameMs)} | |`,
    `| key latency under the flood (median) | ${fmtMs(t.keyMedianMs)} | < ${TARGET_KEY_MEDIAN_MS} ms: ${t.keyMedianMs < TARGET_KEY_MEDIAN_MS ? 'met' : 'not met'} |`,
    `| key latency under the flood (worst of ${t.keys}) | ${fmtMs(t.keyMaxMs)} | < ${TARGET_KEY_MS} ms: ${t.keyMaxMs < TARGET_KEY_MS ? 'met' : 'not met'} |`,
    `| records ingested per second achieved | ${fmtInt(Math.round(t.achievedRate))} | ${fmtInt(t.rate)} |`,
    ...(t.idleCompaction || t.heapTotalSettledMB !== undefined
      ? [
          `| memory (RSS) at once after ${fmtInt(t.total)} records | ${t.rssAfterMB.toFixed(0)} MB | ≤ ${TARGET_TUI_RSS_MB} MB after 1,000,000: ${t.total < 1_000_000 ? 'not judged' : t.rssAfterMB <= TARGET_TUI_RSS_MB ? 'met' : 'not met'} |`,
          `| memory (RSS) once the view went idle: ${t.idleCompaction ? `its compaction ${(t.idleCompaction.afterMs / 1000).toFixed(1)} s after the last record, read 2 s later` : 'no compaction came'} | ${t.rssSettledMB.toFixed(0)} MB | ≤ ${TARGET_TUI_RSS_MB} MB after 1,000,000: ${t.total < 1_000_000 ? 'not judged' : t.rssSettledMB <= TARGET_TUI_RSS_MB ? 'met' : 'not met'} |`,
          ...(t.idleCompaction
            ? [
                `| the view's idle compaction: how long the program waited for it${t.idleCompaction.steps ? `, in all (${t.idleCompaction.steps} steps)` : ''} | ${fmtMs(t.idleCompaction.ms)} | |`,
                ...(t.idleCompaction.stepMaxMs !== undefined ? [`| the compaction's longest step (a key waits for one step at most) | ${fmtMs(t.idleCompaction.stepMaxMs)} | |`] : []),
                ...(t.idleCompaction.keyLatencyMs !== undefined
                  ? [
                      `| latency of a key pressed as that compaction started (not among the keys above) | ${fmtMs(t.idleCompaction.keyLatencyMs)} | < ${TARGET_KEY_MS} ms: ${t.idleCompaction.keyLatencyMs < TARGET_KEY_MS ? 'met' : 'not met'} |`,
                    ]
                  : []),
              ]
            : []),
          `| compactions while keys were pressed | ${t.compactionsWhileKeys ?? 0} of ${(t.compactions ?? []).length} | |`,
        ]
      : [
          `| memory (RSS) after ${fmtInt(t.total)} records | ${t.rssAfterMB.toFixed(0)} MB | ≤ ${TARGET_TUI_RSS_MB} MB after 1,000,000: ${t.total < 1_000_000 ? 'not judged' : t.rssAfterMB <= TARGET_TUI_RSS_MB ? 'met' : 'not met'} |`,
        ]),
    `| JS heap used after ${fmtInt(t.total)} records | ${t.heapAfterMB.toFixed(0)} MB | |`,
  ];
  if (t.heapTotalAfterMB !== undefined) {
    lines.push(
      `| JS heap held from the system (used or not) | ${t.heapTotalAfterMB.toFixed(0)} MB${t.heapTotalSettledMB !== undefined ? `; ${t.heapTotalSettledMB.toFixed(0)} MB once idle (${t.heapSettledMB.toFixed(0)} MB used)` : ''} | |`,
      `| memory outside the JS heap (buffers, the layout engine's WebAssembly memory) | ${t.externalAfterMB.toFixed(0)} MB | |`,
      `| peak RSS of the whole run | ${t.peakRssMB.toFixed(0)} MB | |`,
    );
  }
  if (t.total < t.totalWanted) lines.push('', `The unpaced phase stopped at its time budget after ${fmtInt(t.total)} of ${fmtInt(t.totalWanted)} records (${t.bulkSeconds.toFixed(0)} s).`);
  if (t.note) lines.push('', t.note);
  return lines.join('\n');
}

/** The view replaying saved logs, beside the in-process ingest of the same files (when measured in this run or kept). */
function replaySection(t, carriers) {
  if (!t) return '';
  if (t.error) return `Skipped: ${t.error}`;
  const lines = [
    "The real runner, App, denial store and timeline builder in replay mode on an in-memory terminal (bench/tui-replay.tsx, started with two malloc arenas as the launcher starts the view), reading a generated log as `aa-triage --input FILE` does on a terminal; meanwhile the help overlay is opened and closed with `?` at an operator's pace. The time runs from the runner's start to the first frame that shows the input read to its end, its profiles already loaded; the median of the runs. The collector's time is the runtime's own count of its pauses on the main thread. Memory once idle: the RSS once the view, left alone, gave its heap back (its idle compaction, as after a flood).",
    '',
    '| Input | Until every record is in the view | CPU time | Collector | In-process ingest of the same file | The view over in-process | Keys while it reads (median, worst) | Peak memory | Memory once idle |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of t.rows) {
    if (r.error) {
      lines.push(`| ${r.label} | skipped: ${r.error} | | | | | | | |`);
      continue;
    }
    const c = carriers.find((x) => `${x.carrier}-${x.mix ?? 'mixed'}` === r.id);
    const ours = c?.rows.find((x) => x.id === 'inproc' && !x.error);
    lines.push(
      `| ${r.label} | ${r.replaySeconds.toFixed(2)} s | ${r.cpuSeconds.toFixed(2)} s | ${r.gcSeconds.toFixed(2)} s (${((r.gcSeconds / r.replaySeconds) * 100).toFixed(0)} %) | ${ours ? `${ours.seconds.toFixed(2)} s` : ''} | ${ours ? `${(r.replaySeconds / ours.seconds).toFixed(1)}×` : ''} | ${r.keyMedianMs === undefined ? '' : `${fmtMs(r.keyMedianMs)}, ${fmtMs(r.keyMaxMs)}`} | ${r.peakRssMB.toFixed(0)} MB | ${r.rssIdleMB === undefined ? '' : `${r.rssIdleMB.toFixed(0)} MB`} |`,
    );
  }
  return lines.join('\n');
}

/** How busy the machine was: wall time over CPU time of the single-threaded in-process measures. */
function busyNote(res) {
  const ratios = [];
  for (const c of res.carriers) for (const r of c.rows) if ((r.id === 'inproc' || r.id === 'parse') && !r.error && r.cpuSeconds) ratios.push(r.seconds / r.cpuSeconds);
  if (!ratios.length) return [];
  const m = [...ratios].sort((a, b) => a - b)[ratios.length >> 1];
  if (m < 1.3) return [];
  return [
    `- The machine was busy with other work during this run: single-threaded measures took ${m.toFixed(1)}× their CPU time in wall time. Compare "lines per CPU-second"; wall-clock rates and the TUI figures are lower than on an idle machine by about that factor.`,
  ];
}

export function renderMarkdown(res) {
  const m = res.machine;
  const parts = [
    '# Benchmarks',
    '',
    `Latest \`npm run bench\` run, ${m.date}. Regenerate with \`npm run bench\` (\`-- --lines N --runs N\`, \`--no-peers\`, \`--no-tui\`; see bench/run.mjs).`,
    '',
    '## Machine',
    '',
    `- CPU: ${m.cpu}, ${m.cores} cores (shared with other work; load average at start ${m.loadAtStart})`,
    `- Memory: ${m.memoryGB} GB; ${m.storage}`,
    `- OS: ${m.os}, kernel ${m.kernel}; Node ${m.node}`,
    ...(res.durationSeconds ? [`- The whole run took ${Math.round(res.durationSeconds / 60)} min.`] : []),
    ...busyNote(res),
    ...(res.tuiRun ? [`- Start-up and the TUI were measured again on their own (\`--tui-only\`) at ${res.tuiRun.date}, load average ${res.tuiRun.loadAtStart}.`] : []),
    '',
    '## Inputs',
    '',
    `Generated by \`bench/generate.mjs\` (deterministic, seed 1): ${fmtInt(res.config.lines)} lines per carrier and mix, ${(res.config.share * 100).toFixed(0)} % of them AppArmor records (denials in every class, a few ALLOWED, AUDIT and STATUS, hex-encoded names); the rest is what a busy server logs: firewall drops, SYN-flood warnings, BPF and login audit records, containers, ext4, OOM kills, kauditd rate-limit notices; audit.log adds SYSCALL/PROCTITLE records and PAM, service and netfilter events. Three mixes of AppArmor records: one-offs (every record from a pid of its own, some names varying), an outage flood (300 distinct denials repeated, each service's records from four pids) and all distinct (every record with a name or command of its own: the worst case for any cache). Records are classified against the demo's profiles (demo/apparmor.d), which declare the profiles the generated records are about. Each time is the median of ${res.config.runs} runs${res.config.inTurn ? ", an input's measures taken in turn, round by round (each round starting one measure further on), so a slow phase of the machine falls on aa-triage and its peers alike" : ''}; peak memory is the highest maximum RSS of those runs${res.config.gnuTime ? ' (GNU time)' : ''}. Times of the CLI and of the peers include their start-up; the in-process figure is ingest only.`,
    '',
  ];
  for (const c of res.carriers) {
    parts.push(
      `## Ingest: ${c.carrier}${mixName(c)} (${fmtInt(c.lines)} lines, ${fmtInt(c.records)} AppArmor records, ${(c.bytes / 1e6).toFixed(0)} MB)`,
      '',
      ...(c.load ? [`Load average when these measures began: ${c.load}; when they ended: ${c.loadAfter}.`, ''] : []),
      ingestTable(c),
      '',
    );
  }
  const t = targets(res);
  if (t) parts.push('## Targets', '', t, '');
  if (res.startup) parts.push('## Start-up', '', startupTable(res.startup), '');
  if (res.tui) parts.push('## TUI under a flood of one-off records', '', tuiSection(res.tui), '');
  if (res.tuiOutage) parts.push('## TUI under an outage flood', '', tuiSection(res.tuiOutage), '');
  if (res.tuiReplay) parts.push('## TUI replaying a saved log', '', replaySection(res.tuiReplay, res.carriers), '');
  // what measures outside the tables found (pair-by-pair comparisons, profiles, what was tried and
  // not kept) is kept by hand in bench/findings.md: linked, not copied, so it is written once
  const findings = join(dirname(fileURLToPath(import.meta.url)), '..', 'findings.md');
  if (existsSync(findings)) {
    const sections = readFileSync(findings, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('## '))
      .map((l) => `- ${l.slice(3)}`);
    parts.push(
      '## Findings beyond the tables',
      '',
      'What measures outside these tables found (pair-by-pair comparisons, CPU and heap profiles, designs tried and not kept), newest last, is in [bench/findings.md](bench/findings.md):',
      '',
      ...sections,
      '',
    );
  }
  parts.push(
    '## Workers',
    '',
    'aa-triage reads a file on one thread; worker threads are not built. What two would add at most was measured on this 2-core machine: the two halves of a 1,000,000-line log read at once by two processes (no merging, nothing handed over) against one process reading it whole, start-up included. On the quiet machine (load 0.6-1.4) the halves took 0.83-0.86× the wall time (medians of 3 pairs each; pairs 0.79-0.94) for 1.29-1.40× the CPU time: dmesg one-offs 0.86× and 1.29×, flood 0.83× and 1.40×, all distinct 0.85× and 1.36×, audit.log 0.84× and 1.32×; beside other work (load 3-4) both took longer (the flood 1.36× the wall time). Each reader starts and compiles the code again, and V8 already compiles on the second core: at most a sixth off the wall time, bought with a third more CPU, before any merging. What workers add on 4 or more cores has not been measured: no such machine was available.',
    '',
    'A second design was built and measured: the scan on a thread of its own (finding the lines the parser needs, following audit.log events, counting the rest), the reading thread decoding only the lines delivered and parsing them, with the first megabytes scanned by the reading thread while the other starts. Whole in-process runs paired with one thread (8-12 pairs, load 1-2): dmesg flood 0.99-1.04× the wall time for 1.22-1.26× the CPU, dmesg one-offs 1.06×, journal flood 1.01×, audit.log 0.85-0.96× for 1.16-1.19× the CPU. What leaves the reading thread is less than the scan: it still decodes the lines delivered, twice as slowly from bytes the other core wrote, and waits for and replays each chunk. Not kept: a tenth off the wall time on audit.log alone is not worth a fifth more CPU on a host in an outage (bench/findings.md, "Scanning on another thread").',
    '',
  );
  parts.push(
    '## Reading the tables',
    '',
    '- "Share of `grep` speed": how close a measure comes to just finding the lines (`grep -c` reads and counts, nothing else).',
    "- \"aa-triage is N× faster/slower\": the peer's time against aa-triage's in-process time (parse + classify + merge) on the same file; with measures taken in turn, the median of the two's ratios round by round.",
    '- "CPU time" is user + system time; on a loaded machine it is the steadier figure ("lines per CPU-second").',
    '- A measure whose runs would take longer than its time budget stops after fewer runs, and says so.',
    '- aa-notify and `apparmor.logparser` are AppArmor\'s own tools (Debian packages apparmor-notify, python3-apparmor); both hand each candidate line to libapparmor\'s C parser. "Records found" is what each reports: aa-notify counts denials, logparser the events it accepted, the libapparmor row the records it did not reject as invalid.',
    '',
  );
  return `${parts.join('\n')}\n`;
}
