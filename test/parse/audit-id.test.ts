/**
 * The audit id read in place (digits summed, no copies) gives what reading it with Number() over
 * the cut-out digits gives: every length of seconds, fraction and serial, leading zeros, more digits
 * than a double holds exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAuditId, parseAuditIdIn, type AuditId } from '../../src/parse/fields.js';

/** The reading the in-place one stands in for. */
function reference(token: string): AuditId | undefined {
  const m = /audit\((\d+)\.(\d+):(\d+)\)/.exec(token);
  if (!m) return undefined;
  const ms = m[2].length === 3 ? Number(m[2]) : Math.round(Number(`0.${m[2]}`) * 1000);
  return { id: `${m[1]}.${m[2]}:${m[3]}`, time: Number(m[1]) * 1000 + ms, serial: Number(m[3]) };
}

test('audit ids of every shape read in place as Number() reads them', () => {
  let x = 5;
  const next = (n: number): number => ((x = (Math.imul(x, 0x41c64e6d) + 0x3039) | 0) >>> 8) % n;
  const digits = (n: number): string => Array.from({ length: n }, () => String(next(10))).join('');
  const tokens = [
    'audit(1795316400.002:4002)',
    'msg=audit(1795316400.002:4002):',
    'audit(0.000:0)',
    'audit(9999999999999999999.999:99999999999999999999)',
    'audit(1.5:2)',
    'audit(1.0005:2)',
    'audit(1.9995:2)',
    'audit(1.:2)',
    'audit(.5:2)',
    'audit(1.5:)',
  ];
  for (let i = 0; i < 50_000; i++) tokens.push(`${next(2) ? 'msg=' : ''}audit(${digits(1 + next(22))}.${digits(1 + next(9))}:${digits(1 + next(22))})${next(2) ? ':' : ''}`);
  for (const t of tokens) assert.deepEqual(parseAuditId(t), reference(t), t);
  // read where it stands in a line (the one-pass parser's header), as the token cut out reads
  for (const t of [...tokens, 'audit(1.5:2', 'audit(1.5:2x)', 'msg=audit(audit(1.5:2)', 'audit(1.5:2)audit(3.5:4)']) {
    const line = `[ 1.0] audit: ${t} apparmor="DENIED"`;
    const from = line.indexOf(t);
    assert.deepEqual(parseAuditIdIn(line, line.indexOf('audit(', from), from, from + t.length), parseAuditId(t), t);
  }
});
