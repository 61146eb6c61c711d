/**
 * Classification cost per record on a large generated log (bench/generate.mjs, the same flood the
 * other benchmarks read), against the demo profiles. Parsing happens before the clock starts:
 * only classifier.classify() is timed, in CPU time (user + system) so a busy machine does not
 * inflate it. A warm-up pass runs first so the numbers are the steady state, not the JIT's.
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

const { values } = parseArgs({ options: { lines: { type: 'string', default: '200000' }, json: { type: 'boolean' } } });
const lines = Number(values.lines);
// bench/classify-run.mjs bundles this file elsewhere and defines import.meta.dirname as bench/
const root = join(import.meta.dirname, '..');

const records: AppArmorRecord[] = [];
const parser = new LineParser('bench', { record: (r) => records.push(r), unparsable: () => {}, loss: () => {} }, { year: 2026 });
for (const l of logLines({ carrier: 'journal', lines, share: 0.5, seed: 7 })) parser.push(l);
parser.end();

const { index, problems } = await loadProfileIndex([join(root, 'demo', 'apparmor.d')]);
if (problems.length) throw new Error(`demo profiles: ${problems.join('; ')}`);

function run(recs: AppArmorRecord[]): { ns: number; verdicts: Record<string, number> } {
  const classifier = createClassifier(index);
  const verdicts: Record<string, number> = {};
  // CPU time, not wall time: the number stays meaningful on a busy shared machine
  const c0 = process.cpuUsage();
  for (const r of recs) {
    const c = classifier.classify(r);
    verdicts[c.verdict] = (verdicts[c.verdict] ?? 0) + 1;
  }
  const used = process.cpuUsage(c0);
  const ns = ((used.user + used.system) * 1000) / recs.length;
  return { ns, verdicts };
}

// distinct records: the pid aside, every field counts (more than the classifier's own key does)
const seen = new Set<string>();
const distinct = records.filter((r) => {
  const k = `${r.kind} ${Object.entries(r.fields)
    .filter(([key]) => key !== 'pid')
    .map(([key, v]) => `${key}=${v}`)
    .join(' ')}`;
  if (seen.has(k)) return false;
  seen.add(k);
  return true;
});
const few = distinct.slice(0, 2000);
const again = Array.from({ length: 10 }, () => few).flat();

run(records.slice(0, 20000)); // warm-up
const flood = run(records);
const first = run(distinct);
const classifier = createClassifier(index);
for (const r of few) classifier.classify(r);
const c0 = process.cpuUsage();
for (const r of again) classifier.classify(r);
const used = process.cpuUsage(c0);
const result = {
  lines,
  records: records.length,
  distinct: distinct.length,
  flood_ns_per_record: Math.round(flood.ns),
  first_sighting_ns_per_record: Math.round(first.ns),
  repeat_ns_per_record: Math.round(((used.user + used.system) * 1000) / again.length),
  verdicts: flood.verdicts,
};
if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  process.stdout.write(
    `classify: ${result.records} records from ${lines} generated journal lines\n` +
      `  flood as generated (mostly repeats): ${result.flood_ns_per_record} ns/record\n` +
      `  first sightings (${result.distinct} distinct):  ${result.first_sighting_ns_per_record} ns/record\n` +
      `  repeats only:                        ${result.repeat_ns_per_record} ns/record\n` +
      `  verdicts: ${Object.entries(flood.verdicts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}\n`,
  );
}
