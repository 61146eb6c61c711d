import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProfileIndex } from '../../src/profiles/index.js';
import { BranchChain, conditionValue, type ConditionEnv } from '../../src/profiles/condition.js';
import { findBlock } from '../../src/actions/rule-edit.js';
import { parseSyntax } from '../../src/profiles/syntax.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'conditional');

/** Each profile's name with the paths of its file rules, as apparmor_parser -N and -Q -d list them. */
function compiled(text: string, support: { path: string; text: string }[] = []): Record<string, string[]> {
  const index = buildProfileIndex([{ path: '/etc/apparmor.d/t', text }, ...support], { roots: ['/etc/apparmor.d'] });
  const out: Record<string, string[]> = {};
  for (const p of index.profiles()) out[p.name] = p.fileRules.map((r) => r.glob.source).sort();
  return out;
}

test('the profile index keeps only the branches apparmor_parser compiles (if, else if, else, not, defined, nested, in hats)', () => {
  // what apparmor_parser 3.0.8 lists for this file: -N for the profiles, -Q -d for each one's file
  // rules (its own abstraction rules for /proc/*/attr left out)
  assert.deepEqual(compiled(readFileSync(join(FIX, 'branches'), 'utf8')), {
    branches: ['/etc/branches/always', '/etc/branches/defined_bare', '/etc/branches/defined_set', '/etc/branches/nested_live', '/etc/branches/not_mixed', '/etc/branches/on'],
    'branches//on_hat': ['/etc/branches/on_hat'],
    'branches//outer': ['/etc/branches/outer_on'],
    'branches//shared': ['/etc/branches/shared_taken'],
  });
  const index = buildProfileIndex([{ path: '/etc/apparmor.d/t', text: readFileSync(join(FIX, 'branches'), 'utf8') }], { roots: ['/etc/apparmor.d'] });
  // the hat declared in two branches of one chain is one hat, no duplicate
  assert.deepEqual(index.problems, []);
});

test('the expressions of AppArmor 5 and later (and, or, parentheses, true, false) pick the branches apparmor_parser 6.0 compiles', () => {
  // what apparmor_parser 6.0.0~alpha1 lists for this file (-N, -Q -d); older parsers refuse it
  assert.deepEqual(compiled(readFileSync(join(FIX, 'expressions'), 'utf8')), {
    expressions: ['/etc/expr/a_and_not_b', '/etc/expr/else_if_defined_set', '/etc/expr/literals', '/etc/expr/parens'],
    'expressions//hat_in_else_if': ['/etc/expr/hat'],
  });
});

test('a branch whose condition cannot be known here is read, as apparmor_parser might take it', () => {
  // an unset boolean: apparmor_parser refuses the file; the index reads the branch as before
  assert.deepEqual(compiled('profile u {\n  if $UNSET {\n    /u r,\n  }\n}\n'), { u: ['/u'] });
  // a boolean or a variable an include that was not found may define
  const text = '#include <tunables/missing>\nprofile m {\n  if defined $FROM_INCLUDE {\n    /m1 r,\n  }\n  if defined @{FROM_INCLUDE} {\n    /m2 r,\n  }\n}\n';
  assert.deepEqual(compiled(text), { m: ['/m1', '/m2'] });
  // the same include found: what it defines decides
  const tunable = { path: '/etc/apparmor.d/tunables/missing', text: '$FROM_INCLUDE = false\n' };
  assert.deepEqual(compiled(text.replace('if defined @{FROM_INCLUDE}', 'if $FROM_INCLUDE').replace('/m1', '/m0'), [tunable]), { m: ['/m0'] });
  // a set variable the tunables define, which this file does not include: the host may define it
  assert.deepEqual(compiled('profile h {\n  if defined @{HOME} {\n    /h r,\n  }\n  if defined @{NOT_A_TUNABLE} {\n    /n r,\n  }\n}\n'), { h: ['/h'] });
  // a comparison of newer parsers: unknown
  assert.deepEqual(compiled('@{V} = a\nprofile c {\n  if @{V} == a {\n    /c r,\n  }\n}\n'), { c: ['/c'] });
});

const env = (bools: Record<string, boolean>, vars: string[] = [], unsure: string[] = []): ConditionEnv => ({
  bool: (n) => bools[n],
  hasBool: (n) => (unsure.includes(n) ? undefined : n in bools),
  hasVar: (n) => (unsure.includes(n) ? undefined : vars.includes(n)),
});

test('conditions: the parser grammar (or of and of not), literals, defined, and unknown values (three-valued)', () => {
  const e = env({ T: true, F: false }, ['SET']);
  const cases: [string, boolean | undefined][] = [
    ['$T', true],
    ['${F}', false],
    ['not $T', false],
    ['not not $F', false],
    ['true', true],
    ['false', false],
    ['$T and $F', false],
    ['$T or $F', true],
    // `and` binds tighter than `or`
    ['$T or $F and $F', true],
    ['($T or $F) and $F', false],
    ['not $F and $T', true],
    ['(($T and $F) or $T)', true],
    // a boolean alone: apparmor_parser 3.0.8 says defined, 6.0 says not (4.1 refuses a boolean
    // that is not set: the kernel suite's Debian 13)
    ['defined $T', undefined],
    ['defined $SET', true],
    ['defined $NOPE', false],
    ['defined @{SET}', true],
    ['defined @SET', true],
    ['not defined @{NOPE}', true],
    // unknown: an unset boolean, and Kleene's rules around it
    ['$U', undefined],
    ['not $U', undefined],
    ['$U and $F', false],
    ['$U and $T', undefined],
    ['$U or $T', true],
    ['$U or $F', undefined],
    // not the grammar: unknown, never a guess
    ['truish', undefined],
    ['@{SET} == /srv', undefined],
    ['$T and', undefined],
    ['($T', undefined],
    ['$T)', undefined],
    ['not @SET', undefined],
    ['', undefined],
  ];
  for (const [expr, want] of cases) assert.equal(conditionValue(expr, e), want, expr);
  // nested past any policy's depth: unknown, not a stack overflow
  assert.equal(conditionValue(`${'not '.repeat(100_000)}$T`, e), undefined);
  assert.equal(conditionValue(`${'('.repeat(100_000)}$T${')'.repeat(100_000)}`, e), undefined);
  assert.equal(conditionValue('defined $X', env({}, [], ['X'])), undefined);
});

test('a chain of branches: the first taken ends it, an unsure one leaves the rest unsure', () => {
  const steps = (env0: ConditionEnv, headers: string[]): boolean[] => {
    const c = new BranchChain(env0);
    return headers.map((h) => c.enter(h));
  };
  const e = env({ T: true, F: false });
  assert.deepEqual(steps(e, ['if $F', 'else if $F', 'else if $T', 'else if $T', 'else']), [false, false, true, false, false]);
  assert.deepEqual(steps(e, ['if $U', 'else if $F', 'else if $T', 'else']), [true, false, true, false]);
  assert.deepEqual(steps(e, ['if $U', 'else if $U', 'else']), [true, true, true]);
  // a new `if` starts a new chain; a block that is no branch ends one
  assert.deepEqual(steps(e, ['if $T', 'if $F', 'else']), [true, false, true]);
  assert.deepEqual(steps(e, ['if $T', 'owner', 'else']), [true, true, true]);
});

test('a variable written @NAME = ... is the variable @{NAME}, and the profile after it keeps its name', () => {
  const { nodes } = parseSyntax('@FOO = /srv/foo\n\nprofile p {\n  @{FOO} r,\n}\n');
  assert.deepEqual(nodes[0], { type: 'var', name: 'FOO', append: false, values: ['/srv/foo'], line: 1 });
  const index = buildProfileIndex([{ path: '/etc/apparmor.d/p', text: '@FOO = /srv/foo\n\nprofile p {\n  @{FOO}/** r,\n}\n' }], { roots: ['/etc/apparmor.d'] });
  assert.deepEqual(
    index.profiles().map((p) => p.name),
    ['p'],
  );
  assert.ok(index.lookup('p')?.fileRules[0].glob.re.test('/srv/foo/data'));
});

test('the allow action finds the block of a hat in the branch apparmor_parser takes, not in one it leaves out', () => {
  const text = readFileSync(join(FIX, 'branches'), 'utf8');
  const lines = text.split('\n');
  const block = findBlock(text, 'branches//shared');
  assert.ok(block);
  assert.equal(lines[block.start + 1].trim(), '/etc/branches/shared_taken r,');
  // and at the line the index gives, for every profile it reads
  const index = buildProfileIndex([{ path: '/etc/apparmor.d/t', text }], { roots: ['/etc/apparmor.d'] });
  for (const p of index.profiles()) assert.equal(findBlock(text, p.name)?.start, p.line - 1, p.name);
});
