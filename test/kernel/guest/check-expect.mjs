// Check that a carrier holds the records the scenarios expect.
// Usage: node check-expect.mjs EXPECT.tsv PHASE KIND FILE LABEL [--min N]
//   KIND: text (dmesg, journal short, audit.log) | journal-json
// Prints TAP lines ("ok - ..." / "not ok - ..."), one per scenario (the burst is one line).
import { readExpect, readText, readJournalJson, matches } from './records.mjs';

const [expectFile, phase, kind, file, label] = process.argv.slice(2);
const recs = (kind === 'journal-json' ? readJournalJson(file) : readText(file)).map((r) => r.fields);
const groups = new Map();
for (const e of readExpect(expectFile)) {
  if (e.phase !== phase) continue;
  const g = `${e.mode} ${e.scenario.replace(/^burst-\d+$/, 'burst')}`;
  if (!groups.has(g)) groups.set(g, []);
  groups.get(g).push(e);
}
for (const [g, list] of groups) {
  const missing = list.filter((e) => !recs.some((r) => matches(r, e.want)));
  const name = `${label}: ${phase} ${g}${list.length > 1 ? ` (${list.length} records)` : ''}`;
  if (missing.length === 0) console.log(`ok - ${name}`);
  else {
    console.log(`not ok - ${name}`);
    for (const e of missing.slice(0, 3)) console.log(`  # missing: ${JSON.stringify(e.want)}`);
    const sameOp = recs.filter((r) => r.operation === missing[0].want.operation && r.profile === missing[0].want.profile);
    for (const r of sameOp.slice(0, 3)) console.log(`  # seen: ${JSON.stringify(r)}`);
  }
}
