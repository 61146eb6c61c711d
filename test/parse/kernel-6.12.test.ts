/**
 * What Linux 6.12 (Debian 13) writes differently from 6.1 (Debian 12), from the kernel suite's real
 * captures (test/fixtures/kernel-6.12 and test/fixtures/kernel): every mediation record carries a
 * `class=` field, which is kept as the kernel wrote it and changes no verdict; a change_profile
 * denial says class="file".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClassifier } from '../../src/classify/index.js';
import type { AppArmorRecord } from '../../src/model/record.js';
import { LineParser } from '../../src/parse/line-parser.js';
import { loadProfileIndex } from '../../src/profiles/load.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const lines = (dir: string, file: string) => readFileSync(join(FIXTURES, dir, file), 'utf8').split('\n');

function parse(input: Iterable<string>, name = 'k'): AppArmorRecord[] {
  const out: AppArmorRecord[] = [];
  const p = new LineParser(name, { record: (r) => out.push(r), unparsable: (u) => assert.fail(`unparsable: ${u.reason}`), loss: () => {} });
  for (const l of input) p.push(l);
  p.end();
  return out;
}

const MEDIATION = new Set(['DENIED', 'ALLOWED']);
const CARRIERS = ['dmesg.txt', 'journal-audit-json.ndjson', 'audit.log'];

test('6.12: every DENIED/ALLOWED record in every carrier has a class; 6.1: none has', () => {
  for (const file of CARRIERS) {
    const newer = parse(lines('kernel-6.12', file)).filter((r) => MEDIATION.has(r.kind));
    assert.ok(newer.length > 20, file);
    assert.deepEqual(newer.filter((r) => !r.fields.class).map((r) => r.raw), [], `kernel-6.12/${file}`);
    const older = parse(lines('kernel', file)).filter((r) => MEDIATION.has(r.kind));
    assert.ok(older.length > 20, file);
    assert.deepEqual(older.filter((r) => r.fields.class !== undefined).map((r) => r.raw), [], `kernel/${file}`);
  }
  const classes = new Set(parse(lines('kernel-6.12', 'audit.log')).map((r) => r.fields.class).filter(Boolean));
  for (const c of ['file', 'net', 'cap', 'signal', 'ptrace', 'mount']) assert.ok(classes.has(c), `class ${c} seen`);
});

// REAL_LINES
const CASES: { line: string; fields: Record<string, string> }[] = [];

test('6.12: real lines of each class parse to exactly these fields', () => {
  assert.ok(CASES.length >= 6);
  const captured = new Set(CARRIERS.flatMap((f) => lines('kernel-6.12', f)));
  for (const c of CASES) {
    assert.ok(captured.has(c.line) || [...captured].some((l) => l.endsWith(c.line)), `captured verbatim: ${c.line}`);
    const [r] = parse([c.line]);
    assert.deepEqual(r.fields, c.fields, c.line);
  }
});

test('6.12: the class field changes no verdict, reason or suggestion (the same records without it)', async () => {
  const { index } = await loadProfileIndex([join(import.meta.dirname, '..', 'kernel', 'guest', 'profiles')]);
  const text = lines('kernel-6.12', 'dmesg.txt');
  const withClass = parse(text).filter((r) => MEDIATION.has(r.kind));
  const without = parse(text.map((l) => l.replace(/ class="[a-z_]+"/, ''))).filter((r) => MEDIATION.has(r.kind));
  assert.equal(withClass.length, without.length);
  const a = createClassifier(index, { uncached: true });
  const b = createClassifier(index, { uncached: true });
  withClass.forEach((r, i) => {
    assert.ok(r.fields.class && !without[i].fields.class);
    assert.deepEqual(a.classify(r), b.classify(without[i]), r.raw);
  });
});
