// The rules aa-triage suggests for AppArmor's own log events (IN/apparmor-utils, the events of the
// utilities tests), compiled by this suite's apparmor_parser (-QK, inside a profile pinned to the
// 4.0 ABI where the parser has it). Usage: node utils-rules.mjs AA_TRIAGE EVENTS_JSONL WORKDIR ABI4
// Prints TAP lines: one per rule kind, and one that some rules were suggested at all.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const [aat, events, work, abi4] = process.argv.slice(2);
fs.mkdirSync(work, { recursive: true });
const lines = fs
  .readFileSync(events, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l).in);
const input = path.join(work, 'events.log');
fs.writeFileSync(input, `${lines.join('\n')}\n`);
const run = spawnSync(process.execPath, [aat, '--input', input, '--json', '--no-follow', '--profiles-dir', work], { encoding: 'utf8', timeout: 120000 });
const rules = new Set();
for (const l of run.stdout.split('\n')) {
  if (!l.trim()) continue;
  for (const r of JSON.parse(l).suggestion?.rules ?? []) rules.add(r);
}
if (rules.size === 0) {
  console.log(`not ok - utilities events: aa-triage suggested rules\n  # exit ${run.status}: ${(run.stderr || '').trim().split('\n').slice(-3).join(' | ')}`);
  process.exit(0);
}
console.log(`ok - utilities events: aa-triage suggested ${rules.size} rules`);
const needs4 = /^(?:userns|io_uring|mqueue)\b/;
const byKind = new Map();
for (const rule of rules) {
  const kind = /^(?:owner\s+)?([^\s,]+)/.exec(rule)[1].replace(/^["/].*/, 'file');
  if (!byKind.has(kind)) byKind.set(kind, []);
  byKind.get(kind).push(rule);
}
let i = 0;
for (const [kind, list] of [...byKind].sort()) {
  const label = `utilities events: this apparmor_parser compiles the ${kind} rules aa-triage suggests (${list.join(' ')})`;
  if (needs4.test(kind) && abi4 !== '1') {
    console.log(`ok - ${label} # SKIP ${kind} rules need AppArmor 4`);
    continue;
  }
  const bad = [];
  for (const rule of list) {
    const file = path.join(work, `profile-${i++}`);
    fs.writeFileSync(file, `${abi4 === '1' ? 'abi <abi/4.0>,\n' : ''}include <tunables/global>\nprofile aa-triage-utils-${i} {\n  ${rule}\n}\n`);
    const r = spawnSync('apparmor_parser', ['-QK', file], { encoding: 'utf8', timeout: 60000 });
    if (r.status !== 0) bad.push(`${rule}: ${(r.stderr || '').trim().split('\n')[0]}`);
  }
  console.log(bad.length ? `not ok - ${label}\n${bad.map((b) => `  # ${b}`).join('\n')}` : `ok - ${label}`);
}
