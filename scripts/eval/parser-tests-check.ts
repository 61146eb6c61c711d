/**
 * The profile index and the flags edit on AppArmor's own parser tests: every valid file of a
 * checkout's parser/tst/simple_tests that the installed apparmor_parser accepts. For each, the
 * profiles the index finds against those `apparmor_parser -N` lists, and a persistent complain of
 * every top-level profile (src/actions/mode-flags.ts) compiled by the parser again, with the same
 * profiles listed and the index reading the profile back in complain mode. Nothing is written but
 * temporary copies.
 *
 *   node --import tsx scripts/eval/parser-tests-check.ts SIMPLE_TESTS_DIR
 *
 * $APPARMOR_PARSER names the parser (default: apparmor_parser on PATH). The includes resolve
 * against SIMPLE_TESTS_DIR, as AppArmor's own test runner has them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { setModeFlag } from '../../src/actions/mode-flags.js';
import { buildProfileIndex } from '../../src/profiles/index.js';

const root = process.argv[2];
if (!root) {
  process.stderr.write('usage: parser-tests-check.ts SIMPLE_TESTS_DIR\n');
  process.exit(2);
}
const parser = process.env.APPARMOR_PARSER ?? 'apparmor_parser';
const files: string[] = [];
const walk = (d: string): void => {
  for (const n of readdirSync(d)) {
    const p = join(d, n);
    if (statSync(p).isDirectory()) walk(p);
    else if (n.endsWith('.sd')) files.push(p);
  }
};
walk(root);
const names = (file: string): string[] | undefined => {
  const r = spawnSync(parser, ['-N', '-I', root, '--base', root, file], { encoding: 'utf8', timeout: 60000 });
  return r.status === 0 ? r.stdout.split('\n').filter(Boolean).sort() : undefined;
};
/** apparmor_parser -N writes a namespaced profile `:ns://name`; records and the index `:ns:name`. */
const recordSpelling = (n: string) => n.replace(/^(:[^:]+:)\/\//, '$1');

const tmp = mkdtempSync(join(tmpdir(), 'aa-triage-parser-tests-'));
const figures = { files: files.length, valid: 0, accepted: 0, sameProfiles: 0, edits: 0, editsCompiled: 0, refused: 0 };
const problems: string[] = [];
try {
  for (const f of files.sort()) {
    const text = readFileSync(f, 'utf8');
    if (!/#=EXRESULT PASS/.test(text) || /#=TODO/.test(text)) continue;
    figures.valid++;
    const theirs = names(f);
    if (!theirs) continue; // this parser build refuses it (a feature it lacks)
    figures.accepted++;
    const index = buildProfileIndex([{ path: f, text }], { roots: [dirname(f)] });
    const ours = index
      .profiles()
      .map((p) => p.name)
      .sort();
    if (JSON.stringify(ours) === JSON.stringify(theirs.map(recordSpelling).sort())) figures.sameProfiles++;
    else problems.push(`${relative(root, f)}: index ${JSON.stringify(ours)}, apparmor_parser ${JSON.stringify(theirs)}`);
    for (const p of index.profiles().filter((x) => !x.parent)) {
      const r = setModeFlag(text, p.name, 'complain');
      if (!r.ok) {
        figures.refused++;
        problems.push(`${relative(root, f)}: ${p.name}: refused: ${r.reason}`);
        continue;
      }
      if (!r.replaced.length) continue;
      figures.edits++;
      const copy = join(tmp, 'edited.sd');
      writeFileSync(copy, r.after);
      const after = names(copy);
      const back = buildProfileIndex([{ path: f, text: r.after }], { roots: [dirname(f)] }).lookup(p.name)?.mode;
      if (after && JSON.stringify(after) === JSON.stringify(theirs) && back === 'complain') figures.editsCompiled++;
      else problems.push(`${relative(root, f)}: ${p.name}: edited file ${after ? `lists ${JSON.stringify(after)}` : 'refused by the parser'}, read back as ${back}`);
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify(figures, null, 2)}\n${problems.join('\n')}\n`);
