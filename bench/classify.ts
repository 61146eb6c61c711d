/**
 * Classification cost per record on a large generated log (bench/generate.mjs, the same flood the
 * other benchmarks read), against the demo profiles, the way a replay classifies: with the CLI's
 * heap and compiler settings, records parsed one at a time and let go once classified (a bench
 * that keeps every record alive makes the collector copy all of them, and charges that to the
 * classifier). Only classifier.classify() is timed, call by call on this thread: the time a
 * record costs the program, collections it triggers included, the compiler's and the collector's
 * helper threads not. The process's CPU time is printed beside it. A warm-up pass runs first so
 * the numbers are the steady state, not the JIT's.
 *
 *   npm run bench:classify [-- --lines 200000] [--json]     (bench/classify-run.mjs bundles and runs this)
 *
 * Three passes: the flood as generated (mostly repeats, which hit the per-record cache); its
 * distinct records (every field but the pid differs somewhere) through a fresh classifier, each a
 * first sighting; and 2,000 of those again, 10 times over (repeats only).
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { logLines } from './generate.mjs';
import { LineParser } from '../src/parse/line-parser.js';
import type { AppArmorRecord } from '../src/model/record.js';
import { loadProfileIndex } from '../src/profiles/load.js';
import { createClassifier } from '../src/classify/index.js';
import { preferSmallHeap } from '../src/commands/heap.js';
import { preferSmallerCompiles } from '../src/commands/compile-budget.js';

preferSmallHeap();
preferSmallerCompiles();

const { values } = parseArgs({ options: { lines: { type: 'string', default: '200000' }, json: { type: 'boolean' } } });
const lines = [...logLines({ carrier: 'journal', lines: Number(values.lines), share: 0.5, seed: 7 })] as string[];
// bench/classify-run.mjs bundles this file elsewhere and defines import.meta.dirname as bench/
const root = join(import.meta.dirname, '..');
const { index, problems } = await loadProfileIndex([join(root, 'demo', 'apparmor.d')]);
if (problems.length) throw new Error(`demo profiles: ${problems.join('; ')}`);

/** Each record of `input`, parsed as it is reached. */
function forEachRecord(input: Iterable<string>, each: (r: AppArmorRecord) => void): void {
  const parser = new LineParser('bench', { record: each, unparsable: () => {}, loss: () => {} }, { year: 2026 });
  for (const l of input) parser.push(l);
  parser.end();
}

interface Pass {
  records: number;
  /** Time spent in classify() on this thread, per record. */
  ns: number;
  /** The process's CPU time over the pass (every thread, parsing included), per record. */
  cpuNs: number;
  verdicts: Record<string, number>;
}

function run(input: Iterable<string>, classifier = createClassifier(index)): Pass {
  const verdicts: Record<string, number> = {};
  let records = 0;
  let spent = 0;
  const c0 = process.cpuUsage();
  forEachRecord(input, (r) => {
    const t0 = performance.now();
    const c = classifier.classify(r);
    spent += performance.now() - t0;
    records++;
    verdicts[c.verdict] = (verdicts[c.verdict] ?? 0) + 1;
  });
  const used = process.cpuUsage(c0);
  return { records, ns: (spent * 1e6) / records, cpuNs: ((used.user + used.system) * 1000) / records, verdicts };
}

// distinct records: the pid aside, every field counts (more than the classifier's own key does);
// their lines are kept, not the records
const seen = new Set<string>();
const distinctLines: string[] = [];
forEachRecord(lines, (r) => {
  const k = `${r.kind} ${Object.entries(r.fields)
    .filter(([key]) => key !== 'pid')
    .map(([key, v]) => `${key}=${v}`)
    .join(' ')}`;
  if (!seen.has(k)) {
    seen.add(k);
    distinctLines.push(lines[r.source.line - 1]);
  }
});
seen.clear();

run(lines.slice(0, 40_000)); // warm-up
const flood = run(lines);
const first = run(distinctLines);
const few = distinctLines.slice(0, 2000);
const classifier = createClassifier(index);
run(few, classifier);
const again = run(Array.from({ length: 10 }, () => few).flat(), classifier);

const result = {
  lines: lines.length,
  records: flood.records,
  distinct: first.records,
  flood_ns_per_record: Math.round(flood.ns),
  first_sighting_ns_per_record: Math.round(first.ns),
  repeat_ns_per_record: Math.round(again.ns),
  cpu_ns_per_record: { flood: Math.round(flood.cpuNs), first_sighting: Math.round(first.cpuNs), repeat: Math.round(again.cpuNs) },
  verdicts: flood.verdicts,
};
if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  const row = (label: string, p: Pass) => `  ${label.padEnd(36)} ${String(Math.round(p.ns)).padStart(6)} ns/record  (process CPU, parsing and helper threads included: ${Math.round(p.cpuNs)})\n`;
  process.stdout.write(
    `classify: ${result.records} records from ${result.lines} generated journal lines; time in classify() on the main thread\n` +
      row('flood as generated (mostly repeats):', flood) +
      row(`first sightings (${result.distinct} distinct):`, first) +
      row('repeats only:', again) +
      `  verdicts: ${Object.entries(flood.verdicts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}\n`,
  );
}
