import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLines } from '../support/parse-lines.js';
import { ingestInputs } from '../../src/pipeline/saved-inputs.js';
import type { AppArmorRecord } from '../../src/model/record.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'journal-fields');
const lines = (name: string) => readFileSync(join(FIX, name), 'utf8').split('\n').slice(0, -1);

/** What a record says of where it came from. */
const origin = (r: AppArmorRecord) => [r.fields.pid, r.carrier, r.channel, r.writer, r.host, r.time, r.serial, r.source.line];

for (const [form, file, at] of [
  ['verbose', 'verbose.txt', [7, 20, 29, 53]],
  ['export', 'export.txt', [10, 26, 38, 74]],
] as const) {
  test(`journalctl -o ${form}: each entry read by the fields journald recorded, the record at its MESSAGE line`, async () => {
    const { records, loss, unparsable, stats } = parseLines(lines(file), { year: 2026 });
    assert.equal(unparsable.length, 0);
    assert.deepEqual(records.map(origin), [
      ['2211', 'journal-fields', 'kernel', undefined, 'web-01', 1795317102480, 3131, at[0]],
      // the audit transport: the audit id rebuilt from _AUDIT_ID and _SOURCE_REALTIME_TIMESTAMP
      ['2212', 'journal-fields', 'audit', undefined, 'web-01', 1795317102481, 3132, at[1]],
      // logger's line (transport syslog): a program's, whatever its text says
      ['4242', 'journal-fields', undefined, 'mallory[4242]', 'web-01', 1795317120000, 3133, at[2]],
      // the bus daemon's own denial, by its executable (_EXE)
      ['4242', 'journal-fields', undefined, undefined, 'web-01', 1795317123000, undefined, at[3]],
    ]);
    assert.equal(records[1].auditType, 'AVC');
    assert.match(records[0].raw, /^MESSAGE=audit: type=1400 audit\(1795317102\.480:3131\)/);
    // the kernel's loss notice counts; mallory's words do not
    assert.deepEqual(
      loss.map((n) => [n.kind, n.count]),
      [['printk-suppressed', 17]],
    );
    assert.equal(stats.lines, lines(file).length);
    assert.equal(stats.records + stats.other, stats.lines, 'every line counted once');
    // read as a saved input, through the line scanner that passes over lines without a marker
    const saved: AppArmorRecord[] = [];
    const counts = await ingestInputs([{ path: join(FIX, file), name: 't.log' }], (r) => saved.push(r), { clock: { year: 2026 } });
    assert.deepEqual(saved.map(origin), records.map(origin));
    assert.equal(counts.lost['printk-suppressed'], 17);
  });
}

test('an entry read field by field ends at the next entry, at a line of another form, or at the end of the input', () => {
  const msg = 'MESSAGE=audit: type=1400 audit(1795317102.480:3131): apparmor="DENIED" operation="open" profile="p" name="/x" pid=1 comm="c" requested_mask="r" denied_mask="r"';
  const head = (t: string) => `Sun 2026-11-22 03:11:42.480123 UTC [s=1;i=1;b=1;m=1;t=${t};x=1]`;
  const { records } = parseLines(
    [
      head('6606dc6e6cb5b'),
      '    _TRANSPORT=syslog',
      '    SYSLOG_IDENTIFIER=mallory',
      `    ${msg}`,
      // a kernel line of another form: the entry ends before it, and its record is the kernel's
      'Nov 22 03:11:43 web-01 kernel: audit: type=1400 audit(1795317103.000:3132): apparmor="DENIED" operation="open" profile="p" name="/y" pid=2 comm="c" requested_mask="r" denied_mask="r"',
      head('6606dc6e6cb5c'),
      `    ${msg.replace(':3131', ':3133').replace('/x', '/z')}`,
      '    _TRANSPORT=kernel',
    ],
    { year: 2026 },
  );
  assert.deepEqual(
    records.map((r) => [r.fields.name, r.carrier, r.channel, r.writer, r.source.line]),
    [
      ['/x', 'journal-fields', undefined, 'mallory', 4],
      ['/y', 'journal-short', 'kernel', undefined, 5],
      ['/z', 'journal-fields', 'kernel', undefined, 7],
    ],
  );
});

test('journalctl -o export: a field written as bytes (a newline in it) is read by its length, blank lines and all', () => {
  // KEY, then the value's length in 8 bytes (little-endian), its bytes and a newline
  const binary = (key: string, value: string) => [key, ...`${String.fromCharCode(...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => Math.floor(Buffer.byteLength(value) / 256 ** i) % 256))}${value}`.split('\n')];
  const body = 'apparmor="DENIED" operation="exec" profile="forged" name="/bin/sh" pid=1 comm="forged" requested_mask="x" denied_mask="x"';
  const { records, stats } = parseLines(
    [
      '__CURSOR=s=1;i=1;b=1;m=1;t=1;x=1',
      '__REALTIME_TIMESTAMP=1795317102480123',
      '_TRANSPORT=syslog',
      // logger's datagram as journald got it, its newline kept: a blank line inside the field
      ...binary('SYSLOG_RAW', `<13>Dec  6 04:49:31 mallory: audit: type=1400 audit(1795317102.480:424242): ${body}\n`),
      'SYSLOG_IDENTIFIER=mallory',
      // a short one: its length read exactly (10: a newline among its bytes), a line of it that
      // looks like a field and all
      ...binary('_CMDLINE', 'x\nFOO=bar\n'),
      `MESSAGE=audit: type=1400 audit(1795317102.480:424242): ${body}`,
      '_PID=1030',
      '',
      '__CURSOR=s=1;i=2;b=1;m=1;t=1;x=1',
      '__REALTIME_TIMESTAMP=1795317103000000',
      '_TRANSPORT=kernel',
      // a message with a newline in it is written as bytes too
      ...binary('MESSAGE', `audit: type=1400 audit(1795317103.000:424243): ${body.replace('forged"', 'kernel"')}\nsecond line`),
      '_HOSTNAME=web-01',
      '',
    ],
    { year: 2026 },
  );
  assert.deepEqual(
    records.map((r) => [r.serial, r.carrier, r.channel, r.writer, r.host, r.source.line]),
    [
      [424242, 'journal-fields', undefined, 'mallory[1030]', undefined, 13],
      [424243, 'journal-fields', 'kernel', undefined, 'web-01', 19],
    ],
  );
  assert.equal(stats.records + stats.other, stats.lines);
});

test('an entry read field by field holds only what its reading reads, bounded, whatever its fields and lengths say', () => {
  const big = 'x'.repeat(100_000);
  const { records, stats } = parseLines(
    [
      '__CURSOR=s=1;i=1;b=1;m=1;t=1;x=1',
      ...Array.from({ length: 1000 }, (_, i) => `FIELD_${i}=${big}`),
      `_HOSTNAME=${big}`,
      '_TRANSPORT=kernel',
      'MESSAGE=audit: type=1400 audit(1795317102.480:7): apparmor="DENIED" operation="open" profile="p" name="/x" pid=1 comm="c" requested_mask="r" denied_mask="r"',
      // a length of about 2^48 bytes: the rest of the input is this field's, its text kept bounded
      'SYSLOG_RAW',
      `\u0001\u0001\u0001\u0001\u0001\u0001\u0000\u0000${big}`,
      ...Array.from({ length: 50 }, () => big),
    ],
    { year: 2026 },
  );
  assert.deepEqual(
    records.map((r) => [r.fields.name, r.channel, r.host]),
    [['/x', 'kernel', undefined]],
  );
  assert.equal(stats.records + stats.other, stats.lines);
});
