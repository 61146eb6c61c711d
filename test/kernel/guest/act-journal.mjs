// The action journal written by `aa-triage act` in the guest: one intent and one verified result
// per action, argv recorded. Usage: node act-journal.mjs ACTIONS.jsonl EXPECTED-ACTIONS (prints TAP)
import fs from 'node:fs';

const [file, want] = process.argv.slice(2);
const name = `act: the action journal has an intent and a verified result for each of the ${want} actions`;
let lines = [];
try {
  lines = fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((x) => JSON.parse(x));
} catch (err) {
  console.log(`not ok - ${name}\n  # cannot read ${file}: ${err.message}`);
  process.exit(0);
}
const res = lines.filter((e) => e.phase === 'result');
const int = lines.filter((e) => e.phase === 'intent');
const bad = [];
if (res.length !== Number(want) || int.length !== Number(want)) bad.push(`intents ${int.length}, results ${res.length}`);
for (const r of res) {
  if (r.outcome !== 'verified') bad.push(`${r.action}: ${r.outcome} ${r.error || ''}`);
  if (!int.some((i) => i.id === r.id)) bad.push(`${r.action}: no intent with id ${r.id}`);
  if (!Array.isArray(r.argv) || !r.argv.length) bad.push(`${r.action}: no argv`);
}
const seen = res.map((r) => r.action).join(',');
if (bad.length) console.log(`not ok - ${name}\n${bad.map((b) => `  # ${b}`).join('\n')}\n  # actions: ${seen}`);
else console.log(`ok - ${name} (${seen})`);
