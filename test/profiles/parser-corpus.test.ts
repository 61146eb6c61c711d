/**
 * AppArmor's own parser tests (test/fixtures/apparmor-parser: the valid profile, exec-transition
 * and hat files of parser/tst/simple_tests, each with the profile names AppArmor 4.1's
 * apparmor_parser -N lists for it): the profile index finds the same profiles in each, and the
 * persistent complain and enforce (the flags edit) either say why they will not edit a header or
 * leave a file the index reads back with the one profile in the mode asked and every other as it was.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProfileIndex } from '../../src/profiles/index.js';
import { setModeFlag } from '../../src/actions/mode-flags.js';

interface ParserCase {
  file: string;
  text: string;
  names: string[];
}

const CASES = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'apparmor-parser', 'profiles.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as ParserCase);

const ROOT = '/etc/apparmor.d';
const indexOf = (c: ParserCase, text = c.text) => buildProfileIndex([{ path: `${ROOT}/${c.file.replace(/\//g, '_')}`, text }], { roots: [ROOT] });

/** apparmor_parser -N writes a namespaced profile `:ns://name`; records and the index write `:ns:name`. */
const recordSpelling = (name: string) => name.replace(/^(:[^:]+:)\/\//, '$1');

test('the corpus: 120 valid files of AppArmor parser tests', () => {
  assert.equal(CASES.length, 120);
});

test('the profile index finds the profiles apparmor_parser lists, in every file', () => {
  const differ: string[] = [];
  for (const c of CASES) {
    const ours = indexOf(c)
      .profiles()
      .map((p) => p.name)
      .sort();
    const theirs = c.names.map(recordSpelling).sort();
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) differ.push(`${c.file}: ours ${JSON.stringify(ours)}, apparmor_parser ${JSON.stringify(theirs)}`);
  }
  assert.deepEqual(differ, []);
});

test('the flags edit of every top-level profile: refused with why, or read back as asked with the others as they were', () => {
  let edited = 0;
  const problems: string[] = [];
  for (const c of CASES) {
    const before = indexOf(c);
    for (const p of before.profiles().filter((x) => !x.parent)) {
      for (const mode of ['complain', 'enforce'] as const) {
        const r = setModeFlag(c.text, p.name, mode);
        if (!r.ok) {
          if (!r.reason) problems.push(`${c.file} ${p.name} ${mode}: refused without a reason`);
          continue;
        }
        if (!r.replaced.length) {
          if (r.after !== c.text) problems.push(`${c.file} ${p.name} ${mode}: nothing replaced, yet the text changed`);
          continue;
        }
        edited++;
        const after = indexOf(c, r.after);
        if (after.lookup(p.name)?.mode !== mode) problems.push(`${c.file} ${p.name} ${mode}: read back as ${after.lookup(p.name)?.mode}`);
        for (const o of before.profiles()) {
          if (o.name === p.name || o.name.startsWith(`${p.name}//`)) continue;
          if (after.lookup(o.name)?.mode !== o.mode) problems.push(`${c.file} ${p.name} ${mode}: ${o.name} went from ${o.mode} to ${after.lookup(o.name)?.mode}`);
        }
        // only the replaced header lines changed
        const a = c.text.split('\n');
        const b = r.after.split('\n');
        const changed = a.filter((line, i) => line !== b[i]).length;
        if (a.length !== b.length || changed !== r.replaced.length) problems.push(`${c.file} ${p.name} ${mode}: ${changed} lines changed, ${r.replaced.length} replaced`);
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(edited > 150, `edits made: ${edited}`);
});
