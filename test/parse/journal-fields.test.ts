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
