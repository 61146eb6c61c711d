/**
 * In-process ingest measure: the whole file through the same pipeline the CLI uses (line split,
 * carrier decoding, record parsing, merging of duplicates, enrichment), with no output. Bundled by
 * bench/run.mjs like the program itself, run once per measurement in a fresh process; prints one
 * JSON object: seconds (ingest only, start-up excluded), lines, records, peak RSS.
 *
 *   node .bench-data/inproc.mjs FILE
 */
import { ingestInputs } from '../src/cli/replay.js';

const path = process.argv[2];
if (!path) {
  process.stderr.write('usage: inproc FILE\n');
  process.exit(2);
}
let seen = 0;
const t0 = performance.now();
const counts = await ingestInputs([{ path, name: path }], () => {
  seen++;
});
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(
  `${JSON.stringify({ seconds, lines: counts.lines, records: counts.records, delivered: seen, unparsable: counts.unparsable, maxRssKB: process.resourceUsage().maxRSS })}\n`,
);
