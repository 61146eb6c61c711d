import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseFastRecord } from '../../src/parse/fast-record.js';
import { parseAuditText } from '../../src/parse/record.js';
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
  ...[...files('test/fixtures/kernel'), ...files('test/fixtures/kernel-6.12'), ...files('test/fixtures/sources'), ...files('test/fixtures/timeline'), 'demo/incident.log'].flatMap((p) => readFileSync(p, 'utf8').split('\n')),
  ...readFileSync('test/fixtures/libapparmor/cases.jsonl', 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { in: string }).in),
  ...(['dmesg', 'journal', 'auditlog'] as const).flatMap((carrier) => [...logLines({ carrier, lines: 5000, share: 0.5, seed: 3 })] as string[]),
  // shapes the fast path must leave to the full parser
  'type=AVC msg=audit(1.5:2): apparmor="DENIED" operation="open" name="a\\"b" profile="p"',
  '[ 1.0] audit: type=1400 audit(1.5:2): apparmor="DENIED" operation="open" name="/x" apparmor="ALLOWED" operation="exec"',
  'type=USER_AVC msg=audit(1.5:2): pid=1 uid=0 msg=\'apparmor="DENIED" operation="dbus_method_call" bus="system"\'',
  '[ 1.0] audit: type=1400 audit(1.5:2): apparmor="DENIED" operation="open" name="/x unterminated',
  '[ 1.0] type=1503 audit(1.5:2): operation="open" name="/x" profile="p"',
  '[ 1.0] audit: type=1400 audit(1.5:2): apparmor="WEIRD" operation="open" stray-word name=2F746D70',
  '[ 1.0] audit: type=1400 audit(1.5:2): apparmor="DENIED" name=2F746D702F78 comm=6E67 pid=1 info=41',
];

test('the fast path and the full parser give the same record, on every fixture line the fast path takes', () => {
  let taken = 0;
  let left = 0;
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
    assert.deepEqual(fast, full.records[0], line);
  }
  assert.ok(taken > 7000, `the fast path takes the common lines (${taken})`);
  assert.ok(left >= 6, `and leaves the unusual ones (${left})`);
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
  for (const v of ['DENIED', 'ALLOWED', 'AUDIT', 'STATUS', 'HINT', 'ERROR', 'KILLED', 'KILL', 'kill', 'denied', 'Denied', 'DENIED ', 'UNKNOWN', '1', '', 'DENIED_X', 'ß', 'ǅ']) assert.equal(kindOf(v), reference(v), v);
});
