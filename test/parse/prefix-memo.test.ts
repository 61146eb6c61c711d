import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headerStart } from '../../src/parse/record.js';
import { decimalIn, decodePrefix, decodePrefixOf, isRawDmesg, RAW_DMESG_RE } from '../../src/parse/prefix.js';

test('the remembered prefix is per clock: the same dmesg prefix under another boot time is decoded again', () => {
  const a = decodePrefix('[   10.500000] audit: ', { bootTime: 1_000_000 });
  const b = decodePrefix('[   10.500000] audit: ', { bootTime: 2_000_000 });
  assert.deepEqual([a.carrier, a.uptime, a.time], ['dmesg', 10.5, 1_010_500]);
  assert.equal(b.time, 2_010_500);
});

test('audit.log lines are not remembered by prefix: their record type is in the header', () => {
  const clock = {};
  assert.equal(decodePrefix('', clock, 'type=AVC msg=audit(1.5:2): ').auditType, 'AVC');
  assert.equal(decodePrefix('', clock, 'type=USER_AVC msg=audit(1.5:3): ').auditType, 'USER_AVC');
  assert.equal(decodePrefix('node=h1 ', clock, 'type=AVC msg=audit(1.5:2): ').host, 'h1');
  assert.equal(decodePrefix('node=h1 ', clock, 'type=APPARMOR_DENIED msg=audit(1.5:4): ').auditType, 'APPARMOR_DENIED');
});

test('a prefix decoded in place in its line is what decoding it cut out gives, remembered or not', () => {
  const clock = { bootTime: 1_795_305_600_000, year: 2026, now: 1_795_400_000_000 };
  const lines = [
    '[10800.002000] audit: type=1400 audit(1795316400.002:4002): apparmor="DENIED"',
    '[10800.002000] audit: type=1400 audit(1795316400.003:4003): apparmor="DENIED"',
    '[10800.003000] audit: type=1400 audit(1795316400.003:4003): apparmor="DENIED"',
    'Nov 22 03:00:00 web-01 kernel: audit: type=1400 audit(1795316400.003:4001): apparmor="DENIED"',
    'Nov 22 03:00:00 web-01 kernel: audit: type=1400 audit(1795316400.004:4002): apparmor="DENIED"',
    'node=web-01 type=AVC msg=audit(1795316400.004:4005): apparmor="DENIED"',
    'node=web-02 type=USER_AVC msg=audit(1795316400.004:4005): apparmor="DENIED"',
    'type=AVC msg=audit(1795316400.001:4001): apparmor="DENIED"',
    '[\t10800.002000] audit: type=1400 audit(1795316400.002:4002): apparmor="DENIED"',
    '2026-11-22T03:00:00.123456+00:00 web-01 kernel: audit: type=1400 audit(1.2:3): apparmor="DENIED"',
    'type=Xtype=AVC msg=audit(1.2:3): apparmor="DENIED"',
    'type=Xtype=AVC msg=audit(1.2:4): apparmor="DENIED"',
    'type=Xtype=AVC msg=audit(1.2:3): type=1400 audit(1.2:5): apparmor="DENIED"',
    'node=a type=AVC msg=audit(1.2:3): type=1400 audit(1.2:5): apparmor="DENIED"',
    'node=a type=AVC msg=audit(1.2:3): apparmor="DENIED"',
    'node=ab type=AVC msg=audit(1.2:3): apparmor="DENIED"',
    'node=a type=AVC msg=audit(1.2:3)',
    'AVC apparmor="DENIED"',
  ];
  for (const round of [0, 1]) {
    for (const line of [...lines, ...lines.slice().reverse()]) {
      const body = line.indexOf('apparmor=');
      const start = body < 0 ? 8 : headerStart(line, body);
      const want = decodePrefix(line.slice(0, start), { ...clock }, line.slice(start, start + 40));
      assert.deepEqual(decodePrefixOf(line, start, clock), want, `${line} (round ${round})`);
      // and right after the cut-out form was remembered under the same clock
      decodePrefix(line.slice(0, start), clock, line.slice(start, start + 40));
      assert.deepEqual(decodePrefixOf(line, start, clock), want, `${line} remembered (round ${round})`);
    }
  }
});

test('raw dmesg prefixes recognised by hand exactly where the pattern recognises them', () => {
  const parts = ['[', ']', ' ', '\t', '\u00a0', '0', '12', '.', '5', 'x', ' audit: ', 'audit: ', ' audit:', '] audit: '];
  let x = 11;
  const next = (n: number): number => ((x = (Math.imul(x, 0x41c64e6d) + 0x3039) | 0) >>> 8) % n;
  const cases = ['[  10800.002000] audit: ', '[10800.002000] audit: ', '[ 0.0] audit: ', '[.5] audit: ', '[5.] audit: ', '[ \t5.5] audit: ', '[5.5]  audit: ', '[5.5] audit:  ', ''];
  for (let i = 0; i < 20_000; i++) {
    let p = '';
    const n = 1 + next(8);
    for (let k = 0; k < n; k++) p += parts[next(parts.length)];
    cases.push(p, `[${p}`, `[ ${next(100000)}.${next(1000)}${p}`, `${p}] audit: `);
  }
  for (const p of cases) assert.equal(isRawDmesg(p), RAW_DMESG_RE.test(p), JSON.stringify(p));
  // and read in place in a line (raw dmesg's own hand check, its uptime remembered): what
  // decoding the prefix cut out gives, under either clock, the same prefix twice in a row
  const clocks = [{ bootTime: 1_795_305_600_000, year: 2026, now: 1_795_400_000_000 }, {}];
  const header = 'type=1400 audit(1795316400.002:4002): apparmor="DENIED"';
  for (const p of cases) {
    for (const clock of clocks) {
      const want = decodePrefix(p, { ...clock }, header.slice(0, 40));
      assert.deepEqual(decodePrefixOf(p + header, p.length, clock), want, JSON.stringify(p));
      assert.deepEqual(decodePrefixOf(p + header, p.length, clock), want, `${JSON.stringify(p)} again`);
    }
  }
});

test('an uptime read in place, digit by digit, is the number Number() reads from its text', () => {
  let x = 7;
  const next = (n: number): number => ((x = (Math.imul(x, 0x41c64e6d) + 0x3039) | 0) >>> 8) % n;
  const digits = (n: number): string => Array.from({ length: n }, () => String(next(10))).join('');
  const texts = ['0.0', '0.000000', '10800.002000', '00012.5', '99999999.999999', '4503599627.370497', '1234567890123456.7', '0.1', '0.3', '2.675'];
  for (let i = 0; i < 100_000; i++) texts.push(`${digits(1 + next(12))}.${digits(1 + next(9))}`);
  for (const t of texts) {
    const line = `[ ${t}] audit: `;
    assert.equal(decimalIn(line, 2, 2 + t.indexOf('.'), 2 + t.length), Number(t), t);
  }
});
