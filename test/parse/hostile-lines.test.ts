// Lines written to be hard on the parser: many record markers on one line, kernel hex that is not
// UTF-8.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineParser } from '../../src/parse/line-parser.js';
import type { AppArmorRecord } from '../../src/model/record.js';
import { recordToJson } from '../../src/outputs/json.js';

function parseLines(lines: string[]) {
  const records: AppArmorRecord[] = [];
  const bad: string[] = [];
  const p = new LineParser('t', { record: (r) => records.push(r), unparsable: (u) => bad.push(u.reason), loss: () => {} }, { year: 2026 });
  for (const l of lines) p.push(l);
  p.end();
  return { records, bad, stats: p.stats };
}

test('one line repeating apparmor= gives a bounded number of records, and the rest is counted as unparsable', () => {
  const line = `audit: type=1400 audit(1795316400.002:4002): ${'apparmor="DENIED" '.repeat(50_000)}`;
  const { records, bad, stats } = parseLines([line]);
  assert.ok(records.length <= 16, `${records.length} records from one line`);
  assert.equal(stats.unparsable, 1);
  assert.match(bad[0], /records on one line/);
  // an ordinary line is untouched
  const ok = parseLines(['audit: type=1400 audit(1795316400.002:4003): apparmor="DENIED" operation="open" profile="p" name="/x" pid=1 comm="c" requested_mask="r" denied_mask="r"']);
  assert.equal(ok.records.length, 1);
  assert.equal(ok.stats.unparsable, 0);
});

test('a hex name that is not UTF-8 keeps its hex beside the decoded text, so it differs from a file really named \\xff', () => {
  const hexName = Buffer.from([0x2f, 0x74, 0x6d, 0x70, 0x2f, 0xff, 0x20]).toString('hex').toUpperCase();
  const body = (name: string, serial: number) =>
    `audit: type=1400 audit(1795316400.002:${serial}): apparmor="DENIED" operation="open" profile="p" name=${name} pid=1 comm="c" requested_mask="r" denied_mask="r"`;
  for (const l of [body(hexName, 1), `Nov 22 03:00:00 h kernel: ${body(hexName, 2)} extra="x y"`]) {
    const { records } = parseLines([l]);
    assert.equal(records[0].fields.name, '/tmp/\\xff ');
    assert.deepEqual(records[0].undecoded, { name: hexName });
    const json = recordToJson(records[0]);
    assert.deepEqual(json.undecoded_hex, { name: hexName });
  }
  const real = parseLines([body('"/tmp/\\xff"', 3)]).records[0];
  assert.equal(real.undecoded, undefined);
  assert.equal(recordToJson(real).undecoded_hex, undefined);
  const clean = parseLines([body(Buffer.from('/tmp/a b').toString('hex').toUpperCase(), 4)]).records[0];
  assert.equal(clean.fields.name, '/tmp/a b');
  assert.equal(clean.undecoded, undefined);
});

test('a pretty-printed dmesg JSON "msg" that is not text (a list, an object, a number): no crash, and the lines after it are read', () => {
  const good = '[ 1.0] audit: type=1400 audit(1795316400.002:4003): apparmor="DENIED" operation="open" profile="p" name="/x" pid=1 comm="c" requested_mask="r" denied_mask="r"';
  for (const msg of ['["apparmor="]', '{"apparmor=": 1}', '{"x": "apparmor="}', '5']) {
    const { records, stats } = parseLines([`  "msg": ${msg},`, good]);
    assert.equal(records.length, 1, msg);
    assert.equal(records[0].fields.name, '/x');
    assert.equal(stats.lines, 2);
  }
});

test('a line the parser fails on costs that line, counted as unparsable with the error, never the lines after it', () => {
  const good = (serial: number) =>
    `[ 1.0] audit: type=1400 audit(1795316400.002:${serial}): apparmor="DENIED" operation="open" profile="p" name="/x" pid=1 comm="c" requested_mask="r" denied_mask="r"`;
  const bad: string[] = [];
  const records: AppArmorRecord[] = [];
  // a reader that fails on the second record, as a defect met only on a hostile line would
  let n = 0;
  const p = new LineParser('t', {
    record: (r) => {
      if (++n === 2) throw new TypeError('x.charCodeAt is not a function');
      records.push(r);
    },
    unparsable: (u) => bad.push(`${u.source.line}: ${u.reason}`),
  });
  for (const l of [good(1), good(2), good(3)]) p.push(l);
  p.end();
  assert.deepEqual(
    records.map((r) => r.serial),
    [1, 3],
  );
  assert.equal(p.stats.unparsable, 1);
  assert.deepEqual(bad, ['2: not read: aa-triage failed on this line (x.charCodeAt is not a function)']);
});
