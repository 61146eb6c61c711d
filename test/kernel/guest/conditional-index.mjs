// Which branches of a policy's conditional blocks apparmor_parser compiled in the guest (its -N and
// -Q -d output), against what aa-triage's profile index reads from the same file on the host.
// Usage: node conditional-index.mjs PREFIX NAME (PREFIX.rc, .names, .dump, .err; relative to OUT)
// Prints one TAP line. A policy whose first lines say it needs a newer parser may be refused.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [prefix, name] = process.argv.slice(2);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const policy = path.join(repo, 'test', 'fixtures', 'conditional', name);
const read = (ext) => fs.readFileSync(`${prefix}.${ext}`, 'utf8');
const label = `conditional blocks: the profile index reads ${name} as this apparmor_parser compiles it`;

const rc = Number(read('rc').trim());
if (rc !== 0) {
  const said =
    read('err')
      .split('\n')
      .find((l) => /error/i.test(l)) ?? '';
  if (/needs apparmor_parser \d/.test(fs.readFileSync(policy, 'utf8').split('\n').slice(0, 3).join('\n'))) console.log(`ok - ${label} # SKIP this parser refuses it: ${said.trim()}`);
  else console.log(`not ok - ${label}\n  # apparmor_parser refused it: ${said.trim()}`);
  process.exit(0);
}

// the parser's view: full names from -N; each -Q -d block names its profile by its last part
const names = read('names').split('\n').filter(Boolean);
const want = Object.fromEntries(names.map((n) => [n, []]));
let current;
for (const line of read('dump').split('\n')) {
  const p = /^Name:\t+(\S+)/.exec(line);
  if (p) {
    const full = names.filter((n) => n === p[1] || n.endsWith(`//${p[1]}`));
    if (full.length !== 1) {
      console.log(`not ok - ${label}\n  # cannot tell which profile ${p[1]} is among ${names.join(', ')}`);
      process.exit(0);
    }
    current = full[0];
    continue;
  }
  const r = /^(?:Mode|Perms):.*Name:\t\((.*)\)$/.exec(line);
  // the parser adds rules of its own (/proc/*/attr, /sys/module/apparmor): the policies' are under /etc
  if (r && current !== undefined && r[1].startsWith('/etc/') && !want[current].includes(r[1])) want[current].push(r[1]);
}
for (const k of Object.keys(want)) want[k].sort();

const ours = spawnSync(process.execPath, ['--import', 'tsx', path.join('test', 'kernel', 'profile-index.ts'), policy], { cwd: repo, encoding: 'utf8' });
if (ours.status !== 0) {
  console.log(`not ok - ${label}\n  # the profile index could not be read: ${(ours.stderr || '').trim().split('\n').slice(-1)[0]}`);
  process.exit(0);
}
const got = JSON.parse(ours.stdout);
const sorted = (o) => JSON.stringify(Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
if (sorted(got) === sorted(want)) console.log(`ok - ${label} (${names.length} profiles)`);
else console.log(`not ok - ${label}\n  # apparmor_parser: ${sorted(want)}\n  # aa-triage:      ${sorted(got)}`);
