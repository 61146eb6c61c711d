// Compare aa-triage's --json output with the ground truth read from the kernel's carriers by the
// suite's own small reader (records.mjs). Prints TAP lines.
//
// node app-compare.mjs LABEL OUTPUT.ndjson TRUTH-SPEC... [--expect EXPECT.tsv] [--lost-from A:B]
//   TRUTH-SPEC: kind:file with kind text | journal-json
//   --expect FILE     also check that every scenario expectation is matched by exactly one record
//   --must-include kind:file   records of this carrier that must be there (e.g. the audit channel,
//                     to show the records the kernel log dropped are present)
import fs from 'node:fs';
import { readText, readJournalJson, identity, matches } from './records.mjs';

const args = process.argv.slice(2);
const label = args.shift();
const outFile = args.shift();
const truthSpecs = [];
let expectFile;
const mustInclude = [];
while (args.length) {
  const a = args.shift();
  if (a === '--expect') expectFile = args.shift();
  else if (a === '--must-include') mustInclude.push(args.shift());
  else truthSpecs.push(a);
}

const load = (spec) => {
  const i = spec.indexOf(':');
  const kind = spec.slice(0, i);
  const file = spec.slice(i + 1);
  return kind === 'journal-json' ? readJournalJson(file) : readText(file);
};
const ENRICH = new Set(['FSUID', 'OUID']);
const truth = new Map();
for (const spec of truthSpecs) {
  for (const r of load(spec)) {
    for (const k of ENRICH) delete r.fields[k];
    truth.set(identity(r.serial, r.fields), r);
  }
}

const tap = (ok, name, details = []) => {
  console.log(`${ok ? 'ok' : 'not ok'} - ${label}: ${name}`);
  if (!ok) for (const d of details.slice(0, 6)) console.log(`  # ${d}`);
};

let out = [];
let badLines = 0;
for (const line of fs.readFileSync(outFile, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  try {
    out.push(JSON.parse(line));
  } catch {
    badLines += 1;
  }
}
tap(badLines === 0, 'stdout is NDJSON', [`${badLines} lines are not JSON`]);
out = out.filter((o) => o && typeof o === 'object' && typeof o.apparmor === 'string');

// does aa-triage record o carry truth record g? same serial, and every kernel field of g equal
const carries = (o, g) => {
  if (g.serial !== null && String(o.serial) !== String(g.serial)) return false;
  for (const [k, v] of Object.entries(g.fields)) {
    if (o[k] === undefined || String(o[k]) !== v) return false;
  }
  return true;
};
// index aa-triage output by serial for speed
const bySerial = new Map();
for (const o of out) {
  const s = String(o.serial);
  if (!bySerial.has(s)) bySerial.set(s, []);
  bySerial.get(s).push(o);
}
const candidates = (g) => (g.serial !== null ? bySerial.get(String(g.serial)) || [] : out);

const missing = [];
const dup = [];
const used = new Set();
for (const g of truth.values()) {
  const hits = candidates(g).filter((o) => carries(o, g));
  hits.forEach((h) => used.add(h));
  if (hits.length === 0) missing.push(g);
  else if (hits.length > 1) dup.push([g, hits.length]);
}
const extra = out.filter((o) => !used.has(o));
tap(
  missing.length === 0 && dup.length === 0 && extra.length === 0 && out.length === truth.size,
  `every AppArmor record of the carriers exactly once (${truth.size} in the carriers, ${out.length} in the output)`,
  [
    ...missing.slice(0, 3).map((g) => `missing: serial ${g.serial} ${JSON.stringify(g.fields)}`),
    ...dup.slice(0, 3).map(([g, n]) => `${n} times: serial ${g.serial} ${JSON.stringify(g.fields)}`),
    ...extra.slice(0, 3).map((o) => `not in any carrier (or a duplicate): ${JSON.stringify({ ...o, reasons: undefined, suggestion: undefined })}`),
    `missing ${missing.length}, duplicated ${dup.length}, extra ${extra.length}`,
  ],
);

for (const spec of mustInclude) {
  const recs = load(spec);
  const lost = recs.filter((g) => !candidates(g).some((o) => carries(o, g)));
  tap(
    lost.length === 0,
    `all ${recs.length} records of ${spec.split('/').pop()} are in the output`,
    lost.slice(0, 3).map((g) => `missing: serial ${g.serial} ${JSON.stringify(g.fields)}`),
  );
}

// the contract's fields
// (info records, e.g. STATUS, carry no suggestion: there is nothing to do about them)
const contractOf = (o) => ['time', 'serial', 'host', 'source', 'verdict', 'reasons', ...(o.verdict === 'info' ? [] : ['suggestion'])];
const VERDICTS = new Set(['likely-attack', 'missing-rule', 'unclear', 'info']);
const broken = out.filter((o) => contractOf(o).some((k) => !(k in o)) || !VERDICTS.has(o.verdict) || typeof o.source !== 'object' || typeof o.source?.name !== 'string' || !Array.isArray(o.reasons));
tap(
  out.length > 0 && broken.length === 0,
  'every record has time, serial, host, source {name,line}, verdict, reasons (and a suggestion unless info)',
  broken.slice(0, 3).map(
    (o) =>
      `lacks ${
        contractOf(o)
          .filter((k) => !(k in o))
          .join(', ') || 'a valid verdict/source/reasons'
      }: ${JSON.stringify(o).slice(0, 200)}`,
  ),
);

if (expectFile) {
  const exp = fs
    .readFileSync(expectFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [phase, mode, scenario, ...kv] = l.split('\t');
      const want = {};
      for (const p of kv) {
        const j = p.indexOf('=');
        if (j > 0) want[p.slice(0, j)] = p.slice(j + 1);
      }
      return { phase, mode, scenario, want };
    });
  const groups = new Map();
  for (const e of exp) {
    const g = `${e.phase} ${e.mode} ${e.scenario.replace(/^burst-\d+$/, 'burst')}`;
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(e);
  }
  for (const [g, list] of groups) {
    const bad = [];
    for (const e of list) {
      const n = out.filter((o) => matches(Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'object' ? v : String(v)])), e.want)).length;
      // how many times the kernel logged it (a scenario may legitimately cause it twice)
      const t = [...truth.values()].filter((r) => matches(r.fields, e.want)).length;
      if (n === 0 || n !== t) bad.push(`${JSON.stringify(e.want)}: ${n} in the output, ${t} in the carriers`);
    }
    tap(bad.length === 0, `scenario ${g}${list.length > 1 ? ` (${list.length} records)` : ''}: in the output, once per kernel record`, bad);
  }
}

// verdicts seen, for the log
const tally = {};
for (const o of out) tally[o.verdict] = (tally[o.verdict] || 0) + 1;
console.error(`${label}: verdicts ${JSON.stringify(tally)}`);
