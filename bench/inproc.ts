/**
 * In-process ingest measure: the whole file through the same pipeline the CLI uses (line split,
 * carrier decoding, record parsing, merging of duplicates, enrichment), with no output. Bundled by
 * bench/run.mjs like the program itself, run once per measurement in a fresh process; prints one
 * JSON object: seconds (wall and CPU, ingest only, start-up excluded), lines, records, peak RSS.
 *
 *   node .bench-data/inproc.mjs FILE [PROFILES_DIR | --no-classify] [--passes N]
 *
 * --no-classify leaves the enrichment out, to show how the time splits between parsing and
 * classification. --passes N reads the file N times in the one process and adds each pass's CPU
 * seconds (passCpuSeconds): the first pass pays for starting the code (compiling it, touching
 * fresh memory), the later ones show the cost per record.
 */
import { ingestInputs } from '../src/pipeline/saved-inputs.js';
import { loadEnrichment } from '../src/classify/enrich.js';
import { preferSmallHeap } from '../src/commands/heap.js';
import { preferSmallerCompiles } from '../src/commands/compile-budget.js';

// the heap settings the CLI's streaming modes (--json, --plain, timeline) run with
preferSmallHeap();
preferSmallerCompiles();

const args = process.argv.slice(2);
const passesAt = args.indexOf('--passes');
const passes = passesAt >= 0 ? Math.max(1, Number(args.splice(passesAt, 2)[1]) || 1) : 1;
const [path, profilesDir] = args;
if (!path) {
  process.stderr.write('usage: inproc FILE [PROFILES_DIR | --no-classify] [--passes N]\n');
  process.exit(2);
}
// the classifier with its profile index, loaded before the clock starts (the CLI loads it at start-up too)
const noClassify = profilesDir === '--no-classify';
const classify = noClassify ? undefined : await loadEnrichment(profilesDir ? [profilesDir] : []);
let seen = 0;
let classified = 0;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const counts = await ingestInputs(
  [{ path, name: path }],
  (r) => {
    seen++;
    if (r.classification) classified++;
  },
  { enrich: classify?.enrich },
);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const passCpuSeconds = [cpuSeconds];
for (let pass = 1; pass < passes; pass++) {
  const c0 = process.cpuUsage();
  await ingestInputs([{ path, name: path }], () => undefined, { enrich: classify?.enrich });
  const c = process.cpuUsage(c0);
  passCpuSeconds.push((c.user + c.system) / 1e6);
}
process.stdout.write(
  `${JSON.stringify({ seconds, cpuSeconds, lines: counts.lines, records: counts.records, delivered: seen, classified, unparsable: counts.unparsable, maxRssKB: process.resourceUsage().maxRSS, ...(passes > 1 ? { passCpuSeconds } : {}) })}\n`,
);
