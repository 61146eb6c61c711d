/**
 * The rule matcher answers exactly what running every rule's regular expression answers, in the
 * same order: over every profile of the demo and the fixtures, with paths made from the rules
 * themselves (literal paths, their prefixes, one level deeper, mangled) and unrelated ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadProfileIndex } from '../../src/profiles/load.js';
import { compileGlob } from '../../src/profiles/glob.js';
import { RuleMatcher } from '../../src/profiles/matcher.js';
import type { FileRule } from '../../src/profiles/types.js';

const DIRS = [
  join(import.meta.dirname, '..', '..', 'demo', 'apparmor.d'),
  join(import.meta.dirname, '..', 'fixtures', 'classify', 'apparmor.d'),
  join(import.meta.dirname, '..', 'fixtures', 'profiles', 'etc', 'apparmor.d'),
];

function pathsFor(rules: readonly FileRule[]): string[] {
  const out = new Set([
    '/',
    '/etc/passwd',
    '/proc/1234/environ',
    '/tmp/.x/kworker',
    '/home/alice/.ssh/id_rsa',
    'relative',
    '',
    '/usr/lib/x86_64-linux-gnu/libc.so.6',
    '/etc/ssl/certs/',
    '/etc/ssl/certs',
  ]);
  for (const r of rules) {
    for (const e of r.glob.expanded) {
      const lit = e.replace(/[*?[{\\].*$/, '');
      for (const p of [
        e,
        lit,
        `${lit}x`,
        `${lit}a/b.c`,
        `${lit}.hidden`,
        e.replace(/\*+/g, 'zz'),
        e.replace(/\{([^,}]*)[^}]*\}/g, '$1'),
        e.replace(/\[[^\]]*\]/g, '7'),
        `${e}/`,
        e.slice(0, -1),
        e.toUpperCase(),
      ])
        out.add(p);
    }
  }
  return [...out];
}

test('the rule matcher gives the same rules, in the same order, as testing every rule', async () => {
  let profiles = 0;
  let hits = 0;
  for (const dir of DIRS) {
    const { index } = await loadProfileIndex([dir]);
    for (const info of index.profiles()) {
      profiles++;
      const m = new RuleMatcher(info.fileRules);
      for (const p of pathsFor(info.fileRules)) {
        const want = info.fileRules.filter((r) => r.glob.re.test(p));
        hits += want.length;
        assert.deepEqual(m.matching(p), want, `${info.name}: ${JSON.stringify(p)}`);
      }
    }
  }
  assert.ok(profiles >= 10 && hits > 100, `profiles ${profiles}, matches ${hits}`);
});

test('the rule matcher: exact paths, globs before the first slash, unparsable patterns', () => {
  const vars = new Map<string, string[]>([['HOME', ['/home/*/', '/root/']]]);
  const rule = (p: string, perms = 'r'): FileRule =>
    ({ kind: 'file', glob: compileGlob(p, vars), perms, text: `${p} ${perms}`, deny: false, audit: false, owner: false, origin: { file: 'f', line: 1 } }) as FileRule;
  const rules = [rule('/etc/hosts'), rule('**'), rule('@{HOME}/.ssh/**'), rule('/etc/[a'), rule('/etc/hosts', 'w'), rule('{/usr,}/lib/**')];
  const m = new RuleMatcher(rules);
  const check = (p: string) =>
    assert.deepEqual(
      m.matching(p),
      rules.filter((r) => r.glob.re.test(p)),
      p,
    );
  for (const p of ['/etc/hosts', '/root/.ssh/id', '/home/bob/.ssh/k', '/etc/[a', '/lib/x', '/usr/lib/y', '/nope', '']) check(p);
  assert.deepEqual(
    m.matching('/etc/hosts').map((r) => r.perms),
    ['r', 'r', 'w'],
  );
});

test('the rule matcher: a path of thousands of components, then ordinary ones again, answers as testing every rule', () => {
  const rule = (p: string): FileRule =>
    ({ kind: 'file', glob: compileGlob(p, new Map()), perms: 'r', text: `${p} r`, deny: false, audit: false, owner: false, origin: { file: 'f', line: 1 } }) as FileRule;
  const rules = [rule('/a/**'), rule('/a/a/a/*'), rule('/etc/hosts'), rule('/srv/*/x')];
  const m = new RuleMatcher(rules);
  const long = `/${'a/'.repeat(20_000)}x`;
  for (const p of [long, '/a/a/a/b', long, '/srv/q/x', '/etc/hosts', long.slice(0, 101)])
    assert.deepEqual(
      m.matching(p),
      rules.filter((r) => r.glob.re.test(p)),
      p.slice(0, 40),
    );
});
