import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseFastRecord } from '../../src/parse/fast-record.js';
import { parseAuditText } from '../../src/parse/record.js';
import { digestOf } from '../../src/model/digest.js';
import type { AppArmorRecord } from '../../src/model/record.js';
import { findBody } from '../../src/parse/line-parser.js';
import { logLines } from '../../bench/generate.mjs';

function files(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) files(p, out);
    else if (/\.(txt|log|dmesg)$/.test(n)) out.push(p);
  }
  return out;
}

const lines: string[] = [
  ...[...files('test/fixtures/kernel'), ...files('test/fixtures/kernel-6.12'), ...files('test/fixtures/sources'), ...files('test/fixtures/timeline'), 'demo/incident.log'].flatMap((p) =>
    readFileSync(p, 'utf8').split('\n'),
  ),
  ...readFileSync('test/fixtures/libapparmor/cases.jsonl', 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { in: string }).in),
  ...(['dmesg', 'journal', 'auditlog'] as const).flatMap((carrier) => [...logLines({ carrier, lines: 5000, share: 0.5, seed: 3 })] as string[]),
  // shapes the fast path must leave to the full parser
  'type=AVC msg=audit(1.5:2): apparmor="DENIED" operation="open" name="a\\"b" profile="p"',
  '[ 1.0] audit: type=1400 audit(1.5:2): apparmor="DENIED" operation="open" name="/x" apparmor="ALLOWED" operation="exec"',
  'type=USER_AVC msg=audit(1.5:2): pid=1 uid=0 msg=\'apparmor="DENIED" operation="dbus_method_call" bus="system"\'',
  '[ 1.0] audit: type=1400 audit(1.5:2): apparmor="DENIED" operation="open" name="/x unterminated',
  '[ 1.0] type=1503 audit(1.5:2): operation="open" name="/x" profile="p"',
  '[ 1.0] audit: type=1400 audit(1.5:2): apparmor="WEIRD" operation="open" stray-word name=2F746D70',
  '[ 1.0] audit: type=1400 audit(1.5:2): apparmor="DENIED" name=2F746D702F78 comm=6E67 pid=1 info=41',
  // headers the kernel never writes, which the general tokenizer reads otherwise: the id's token
  // run into the record or holding a key, a quoted type
  '[ 1.0] audit: type=1400 audit(1.5:2):apparmor="DENIED" operation="open" name="/x" pid=1',
  '[ 1.0] audit: ty1pe=1400 audit(1.5:2)apparmor="DENIED" operation="open" name="/x" pid=1',
  '[ 1.0] audit: type=1400 audit(1.5:2):type=SYSCALL apparmor="DENIED" operation="open" name="/x" pid=1',
  '[ 1.0] audit: type=1400 audit(1.5:2)=: apparmor="DENIED" operation="open" name="/x" pid=1',
  '[ 1.0] audit: type="MESSAGE":1400 audit(1.5:2): apparmor="DENIED" operation="open" name="/x" pid=1',
];

/** The record as the full parser makes it: the digest is made later (digestOf), on first use. */
function withoutDigest(r: AppArmorRecord): AppArmorRecord {
  const { digest: _digest, ...rest } = r;
  return rest;
}

test('the fast path and the full parser give the same record, on every fixture line the fast path takes', () => {
  let taken = 0;
  let left = 0;
  let digested = 0;
  for (const [i, line] of lines.entries()) {
    const body = findBody(line);
    if (body < 0) continue;
    const src = { name: 'x', line: i + 1 };
    const clock = { bootTime: 1_700_000_000_000, year: 2026, now: 1_800_000_000_000 };
    const fast = parseFastRecord(line, body, src, clock, {});
    const full = parseAuditText(line, body, src, clock, {});
    if (!fast) {
      left++;
      continue;
    }
    taken++;
    assert.equal(full.failure, undefined, line);
    assert.equal(full.records.length, 1, line);
    assert.deepEqual(withoutDigest(fast), full.records[0], line);
    if (fast.digest) {
      digested++;
      assert.deepEqual(fast.digest, digestOf(full.records[0]), `the digest made while reading: ${line}`);
    }
  }
  assert.ok(digested > 7000, `the fast path makes the digest as it reads (${digested})`);
  assert.ok(taken > 7000, `the fast path takes the common lines (${taken})`);
  assert.ok(left >= 11, `and leaves the unusual ones (${left})`);
});

test('a type= that names an Object property (constructor, toString) is not a legacy record type', async () => {
  const { LineParser } = await import('../../src/parse/line-parser.js');
  const { isLegacyType } = await import('../../src/parse/record.js');
  assert.equal(isLegacyType('constructor'), false);
  assert.equal(isLegacyType('__proto__'), false);
  const kinds: unknown[] = [];
  const p = new LineParser('x', { record: (r) => kinds.push(r.kind) });
  p.push('type=constructor msg=audit(1.500:3): operation="open" name="/x"');
  p.push('[ 1.0] audit: type=toString audit(1.500:4): apparmor="DENIED" operation="open"');
  p.end();
  assert.deepEqual(kinds, ['DENIED']);
});

test('a record kind the kernel writes is taken as it is: what the case change and the pattern give it', async () => {
  const { kindOf } = await import('../../src/parse/record.js');
  const reference = (v: string): string | undefined => {
    const k = v.toUpperCase();
    return /^[A-Z][A-Z_]*$/.test(k) ? (k === 'KILL' ? 'KILLED' : k) : undefined;
  };
  for (const v of ['DENIED', 'ALLOWED', 'AUDIT', 'STATUS', 'HINT', 'ERROR', 'KILLED', 'KILL', 'kill', 'denied', 'Denied', 'DENIED ', 'UNKNOWN', '1', '', 'DENIED_X', 'ß', 'ǅ'])
    assert.equal(kindOf(v), reference(v), v);
});

test('the digest made while reading is digestOf the fields: a key read twice, __proto__, hex, keys that share a slot', () => {
  const clock = { bootTime: 1_700_000_000_000, year: 2026, now: 1_800_000_000_000 };
  const head = '[ 1.0] audit: type=1400 audit(1.5:2): apparmor="DENIED" ';
  const bodies = [
    'operation="open" name="/a" name="/b" pid=1',
    'operation="open" pid=1 pid=2 comm="x"',
    'operation="open" __proto__=x name="/a"',
    'operation="open" constructor=x toString="y" name="/a"',
    'operation="open" name=2F746D702F78 comm=6E67 pid=1 info=41 exe=FF00',
    'operation="open" 0=a 1=b name="/a"',
    // made-up names, some of one record sharing a slot (length and end characters alike)
    ...Array.from({ length: 40 }, (_, k) => `operation="open" ab${k % 7}x=1 ${k % 4 === 0 ? 'ac' : 'cd'}${k % 5}${k % 4 === 0 ? 'x' : 'y'}=2 ${'k'.repeat((k % 3) + 1)}=3 pid=${k}`),
  ];
  let digested = 0;
  for (const [i, body] of bodies.entries()) {
    const line = head + body;
    const r = parseFastRecord(line, findBody(line), { name: 'x', line: i + 1 }, clock, {});
    assert.ok(r, line);
    if (!r.digest) continue;
    digested++;
    const again = digestOf({ ...r, digest: undefined });
    assert.deepEqual([r.digest.id1, r.digest.id2, r.digest.cls1, r.digest.cls2], [again.id1, again.id2, again.cls1, again.cls2], line);
    assert.equal(r.digest.of, r.fields);
  }
  assert.ok(digested >= 30, `most of them get it (${digested})`);
});
