import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonInert, recordToJson, recordToNdjson, writeNdjson } from '../../src/outputs/json.js';
import { fixtureFiles } from '../support/fixture-files.js';
import { createClassifier, sharedClassification } from '../../src/classify/index.js';
import type { AppArmorRecord, Classification } from '../../src/model/record.js';
import { buildProfileIndex } from '../../src/profiles/index.js';
import { file, kline, parse } from '../classify/helpers.js';

const cls: Classification = { verdict: 'likely-attack', confidence: 0.9, reasons: ['web server ran a shell "sh"'], suggestion: { kind: 'respond', text: 'keep enforcing' } };
const rec = (extra: Partial<AppArmorRecord> = {}): AppArmorRecord => ({
  kind: 'DENIED',
  fields: { apparmor: 'DENIED', operation: 'exec', name: '/bin/sh\x1b[2J', time: 'field named time' },
  carrier: 'dmesg',
  source: { name: 't', line: 3 },
  raw: 'raw line',
  time: 1795317100015,
  serial: 7,
  auditId: '1795317100.015:7',
  ...extra,
});

test('an NDJSON line is exactly recordToJson, with or without a shared classification and raw', () => {
  for (const r of [rec(), rec({ classification: cls }), rec({ classification: cls, host: 'h' })]) {
    for (const raw of [false, true]) {
      const line = recordToNdjson(r, { raw });
      assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'));
      assert.deepEqual(JSON.parse(line), JSON.parse(JSON.stringify(recordToJson(r, { raw }))));
    }
  }
});

test('a fields object written as it is (no meta name, an apparmor field) gives the text recordToJson gives', () => {
  const odd: Record<string, string>[] = [
    { apparmor: 'DENIED', operation: 'open', '7': 'index-like key', name: '/x\u2028' },
    { operation: 'open', name: '/x' },
    { apparmor: 'DENIED', serial: 'a meta name', '0': 'z' },
    { apparmor: 'ALLOWED', field_time: 'f', time: 't' },
  ];
  for (const fields of odd) {
    const r = rec({ fields, classification: cls });
    assert.equal(recordToNdjson(r), `${jsonInert(JSON.stringify(recordToJson(r)))}\n`, JSON.stringify(fields));
  }
});

test('kernel keys at the top level, meta keys never overwritten by a field, control characters escaped', () => {
  const o = JSON.parse(recordToNdjson(rec({ classification: cls })));
  assert.equal(o.operation, 'exec');
  assert.equal(o.field_time, 'field named time');
  assert.equal(o.time, '2026-11-22T03:11:40.015Z');
  assert.equal(o.verdict, 'likely-attack');
  assert.ok(!recordToNdjson(rec()).includes('\x1b'));
});

test('NDJSON lines are exactly JSON.stringify(recordToJson(r)), with shared verdicts rendered once and pids filled in', async () => {
  const { ingestInputs } = await import('../../src/pipeline/saved-inputs.js');
  const { loadEnrichment } = await import('../../src/classify/enrich.js');
  const { enrich } = await loadEnrichment(['demo/apparmor.d']);
  const records: AppArmorRecord[] = [];
  await ingestInputs([{ path: 'demo/incident.log', name: 'demo' }], (r) => records.push(r), { enrich });
  // the same denial from two processes: one shared verdict, two pids
  const hostile = records.filter((r) => r.classification && sharedClassification(r.classification));
  assert.ok(hostile.length >= 2, 'the demo has verdicts with the pid filled in');
  // a forged line's pid with a quote and an escape character, classified like any other
  const forged: AppArmorRecord = { ...hostile[0], fields: { ...hostile[0].fields, pid: '12"\u001b' }, classification: undefined, digest: undefined };
  enrich(forged);
  assert.ok(forged.classification && sharedClassification(forged.classification));
  for (const r of [...records, ...records, forged]) {
    for (const raw of [false, true]) assert.equal(recordToNdjson(r, { raw }), `${JSON.stringify(recordToJson(r, { raw }))}\n`);
  }
});

test('NDJSON of results filled in with the seconds since a load is exactly recordToJson', () => {
  const index = buildProfileIndex([{ path: '/p/svc', text: 'profile svc /usr/bin/svc {\n  /var/lib/svc/** rw,\n}\n' }], { roots: ['/p'] });
  const c = createClassifier(index);
  const recs = parse([
    kline(0, 'STATUS', 'operation="profile_replace" profile="unconfined" name="svc" pid=1 comm="apparmor_parser"'),
    ...[3, 4, 9, 25].map((t) => file(t, 'svc', 'open', '/var/lib/svc-data/x', 'r', { comm: 'svc' })),
  ]);
  for (const r of recs) r.classification = c.classify(r);
  assert.ok(
    recs.slice(1).every((r) => sharedClassification(r.classification!)),
    'results filled in from a shared one',
  );
  for (const r of recs) assert.equal(recordToNdjson(r), `${JSON.stringify(recordToJson(r))}\n`);
});

test('NDJSON fills the pid only where the placeholder is, not where a name spells the same escape', () => {
  const c = createClassifier(undefined);
  const hex = (s: string) => Buffer.from(s).toString('hex').toUpperCase();
  // a shell exec (an attack, whose reasons name the pid) from a directory spelled with backslash-u0001
  const lines = [4242, 4343].map((pid, i) =>
    kline(i, 'DENIED', `operation="exec" class="file" profile="svc" name=${hex('/tmp/\\u0001\\\\u0002/sh')} pid=${pid} comm="sh" requested_mask="x" denied_mask="x" fsuid=0 ouid=0`),
  );
  for (const r of parse(lines)) {
    r.classification = c.classify(r);
    assert.equal(recordToNdjson(r), `${JSON.stringify(recordToJson(r))}\n`);
  }
});

/** The line writeNdjson writes, and how many of its pieces were copied from kept bytes (in `copies`). */
const copies = { n: 0 };
function bytesLine(r: AppArmorRecord): string {
  const parts: Buffer[] = [];
  writeNdjson(r, {
    text: (s) => parts.push(Buffer.from(s)),
    bytes: (b) => {
      copies.n++;
      parts.push(Buffer.from(b));
    },
  });
  return Buffer.concat(parts).toString();
}

test("a flood written from kept bytes is the plain way's text: after one-off records, with results in turn and one per record", async () => {
  const { ingestInputs } = await import('../../src/pipeline/saved-inputs.js');
  const { loadEnrichment } = await import('../../src/classify/enrich.js');
  const { logLines } = await import('../../bench/generate.mjs');
  const { enrich } = await loadEnrichment(['demo/apparmor.d']);
  const dir = mkdtempSync(join(tmpdir(), 'aa-ndjson-bytes-'));
  try {
    // a flood (its lines come from kept bytes), one-off records (the kept bytes step aside for
    // a while), a longer flood (they come back); then results filled in with the seconds since a
    // load (a result of its own per record)
    const oneOffs = join(dir, 'one-offs.log');
    const flood = join(dir, 'flood.log');
    const longFlood = join(dir, 'long-flood.log');
    writeFileSync(oneOffs, `${[...logLines({ carrier: 'dmesg', mix: 'mixed', lines: 8000, share: 1, seed: 5 })].join('\n')}\n`);
    writeFileSync(flood, `${[...logLines({ carrier: 'dmesg', mix: 'flood', lines: 40000, share: 1, seed: 6 })].join('\n')}\n`);
    writeFileSync(longFlood, `${[...logLines({ carrier: 'journal', mix: 'flood', lines: 100000, share: 1, seed: 7 })].join('\n')}\n`);
    const copied: number[] = [];
    for (const path of [flood, oneOffs, longFlood]) {
      const before = copies.n;
      await ingestInputs([{ path, name: path }], (r) => assert.equal(bytesLine(r), plainLine(r, false), `${path}:${r.source.line}`), { enrich });
      copied.push(copies.n - before);
    }
    assert.ok(copied[0] > 60000, `the flood's lines are copied from kept bytes (${copied[0]} pieces)`);
    assert.ok(copied[1] < 4000, `one-off records are written the plain way (${copied[1]} pieces copied)`);
    assert.ok(copied[2] > 20000, `after them, a flood's lines are copied again (${copied[2]} pieces)`);
    const index = buildProfileIndex([{ path: '/p/svc', text: 'profile svc /usr/bin/svc {\n  /var/lib/svc/** rw,\n}\n' }], { roots: ['/p'] });
    const c = createClassifier(index);
    const recs = parse([
      kline(0, 'STATUS', 'operation="profile_replace" profile="unconfined" name="svc" pid=1 comm="apparmor_parser"'),
      ...Array.from({ length: 3000 }, (_, i) => file(1 + Math.floor(i / 10), 'svc', 'open', '/var/lib/svc-data/x', 'r', { comm: 'svc', pid: 4000 + (i % 3) })),
    ]);
    // one fields object per pid, as the parser's templates hand them out
    const byPid = new Map<string, AppArmorRecord>();
    for (const r of recs) {
      const first = byPid.get(r.fields.pid);
      if (first) {
        r.fields = first.fields;
        r.digest = first.digest;
      } else byPid.set(r.fields.pid, r);
      r.classification = c.classify(r);
    }
    for (const r of recs) assert.equal(bytesLine(r), plainLine(r, false));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The plain way an NDJSON line is made: the whole object stringified, then made inert. */
const plainLine = (r: AppArmorRecord, raw: boolean): string => `${jsonInert(JSON.stringify(recordToJson(r, { raw })))}\n`;

test('the NDJSON writer (fields cached per object, pieces made inert one by one) writes what the plain way writes: every fixture and generated log', async () => {
  const { ingestInputs } = await import('../../src/pipeline/saved-inputs.js');
  const { loadEnrichment } = await import('../../src/classify/enrich.js');
  const { logLines, CARRIERS, MIXES } = await import('../../bench/generate.mjs');
  const { enrich } = await loadEnrichment(['demo/apparmor.d']);
  const dir = mkdtempSync(join(tmpdir(), 'aa-ndjson-'));
  try {
    const paths = ['demo/incident.log', ...fixtureFiles('test/fixtures/kernel'), ...fixtureFiles('test/fixtures/sources'), ...fixtureFiles('test/fixtures/timeline')];
    for (const carrier of CARRIERS) {
      for (const mix of MIXES) {
        const p = join(dir, `${carrier}-${mix}.log`);
        writeFileSync(p, `${[...logLines({ carrier, mix, lines: 3000, share: 0.5, seed: 11 })].join('\n')}\n`);
        paths.push(p);
      }
    }
    let n = 0;
    for (const path of paths) {
      // each input twice: the second time every fields object and verdict is one met before
      for (const classified of [true, false]) {
        await ingestInputs(
          [
            { path, name: path },
            { path, name: `${path} again` },
          ],
          (r) => {
            for (const raw of [false, true]) assert.equal(recordToNdjson(r, { raw }), plainLine(r, raw), `${path}:${r.source.line}`);
            assert.equal(bytesLine(r), plainLine(r, false), `${path}:${r.source.line}`);
            n++;
          },
          { enrich: classified ? enrich : undefined, clock: { year: 2026, bootTime: 1_795_305_600_000 } },
        );
      }
    }
    assert.ok(n > 20000, `${n} records compared`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the NDJSON writer on hostile values: invisible characters in any field, host, input name, audit type or context; times of every shape', () => {
  const odd = ['a\u200bb', '\u202eevil', 'x\u2028y', 'tab\there', 'quote"back\\slash', '\u0001mark', 'é ü 雪'];
  const times = [1795317100015, 1795317100000, 1795317100999, 0, 999, -1, -1000, -1500, 253402300800000, 8.64e15, 1795317100015.5, undefined];
  let i = 0;
  for (const v of odd) {
    for (const time of times) {
      const fields: Record<string, string> = i % 2 ? { apparmor: 'DENIED', operation: v, name: `/x/${v}`, pid: '12' } : { operation: 'open', [v]: v, time: v };
      const r = rec({
        fields,
        time,
        host: i % 3 ? v : undefined,
        source: { name: v, line: i },
        auditType: v,
        context: { exe: v },
        undecoded: { name: v },
        uptime: i % 4 ? 12.5 + i : undefined,
        serial: i % 5 ? i : undefined,
      });
      for (const classification of [undefined, cls, { ...cls, reasons: [v] }]) {
        const x = { ...r, classification };
        for (const raw of [false, true]) assert.equal(recordToNdjson(x, { raw }), plainLine(x, raw), `${JSON.stringify(v)} at ${time}`);
      }
      i++;
    }
  }
  // one fields object read again after another: its cached JSON is its own
  const a = rec({ fields: { apparmor: 'DENIED', name: '/a' } });
  const b = rec({ fields: { apparmor: 'DENIED', name: '/b' } });
  for (const x of [a, b, a, b]) assert.equal(recordToNdjson(x), plainLine(x, false));
});

test('fields that differ from ones met before only in the pid are written as the plain way writes them: hostile pids, keys in another order, another value', async () => {
  const { digestOf } = await import('../../src/model/digest.js');
  const pids = ['4242', '1', '0', '007', '12345678901', '-3', 'x"y', 'a\\u0001b', '\u0001', '\u200b9', '\u2028', '雪', ''];
  const shapes: Record<string, string>[] = [
    { apparmor: 'DENIED', operation: 'open', profile: 'p', name: '/srv/a "q" \\ \u202e', pid: '', comm: 'w', requested_mask: 'r' },
    // the same fields in another order: the same digest, another text
    { pid: '', apparmor: 'DENIED', operation: 'open', profile: 'p', name: '/srv/a "q" \\ \u202e', comm: 'w', requested_mask: 'r' },
    { apparmor: 'DENIED', operation: 'open', profile: 'p', name: '/srv/a "q" \\ \u202e', comm: 'w', requested_mask: 'r', pid: '' },
    // one value changed: another digest, or the same slot by chance: never the other's text
    { apparmor: 'DENIED', operation: 'open', profile: 'p', name: '/srv/b', pid: '', comm: 'w', requested_mask: 'r' },
    // a meta name among the fields: written renamed, never from a head cut at the pid
    { apparmor: 'DENIED', operation: 'open', time: 't', pid: '' },
    { apparmor: 'DENIED', pid: '' },
  ];
  let n = 0;
  for (let round = 0; round < 3; round++) {
    for (const pid of pids) {
      for (const shape of shapes) {
        const r = rec({ fields: { ...shape, pid }, classification: cls });
        digestOf(r);
        for (const raw of [false, true]) assert.equal(recordToNdjson(r, { raw }), plainLine(r, raw), `${JSON.stringify(r.fields)}`);
        n++;
      }
    }
  }
  // two shapes whose digests are made to share the classifier's half: one's head is never the other's
  const a = rec({ fields: { apparmor: 'DENIED', name: '/a', pid: '1' } });
  const b = rec({ fields: { apparmor: 'DENIED', name: '/b', pid: '1' } });
  const da = digestOf(a);
  for (const [i, x] of [a, a, b, a, b, b, a].entries()) {
    const fields = { ...x.fields, pid: String(100 + i) };
    const y = rec({ fields, digest: { ...digestOf(x), of: fields, cls1: da.cls1 } });
    assert.equal(recordToNdjson(y), plainLine(y, false), `${i}: ${JSON.stringify(fields)}`);
    n++;
  }
  assert.ok(n > 200);
});

test("a record a program's log line carried says which program in written_by, after channel; the kernel's say nothing", () => {
  const [forged, real] = parse([
    kline(0, 'DENIED', 'operation="open" profile="svc" name="/x" pid=7 comm="svc" requested_mask="r" denied_mask="r"').replace(' kernel: ', ' mallory[4242]: '),
    kline(1, 'DENIED', 'operation="open" profile="svc" name="/x" pid=7 comm="svc" requested_mask="r" denied_mask="r"'),
  ]);
  const f = JSON.parse(recordToNdjson(forged)) as Record<string, unknown>;
  assert.equal(f.written_by, 'mallory[4242]');
  assert.equal(f.channel, undefined);
  assert.deepEqual(Object.keys(f).slice(Object.keys(f).indexOf('carrier'), Object.keys(f).indexOf('carrier') + 2), ['carrier', 'written_by']);
  assert.equal(recordToNdjson(forged), `${JSON.stringify(recordToJson(forged))}\n`);
  const k = JSON.parse(recordToNdjson(real)) as Record<string, unknown>;
  assert.equal(k.written_by, undefined);
  assert.equal(k.channel, 'kernel');
  // a field of the record named like the member is the record's own, renamed
  const [named] = parse([kline(2, 'DENIED', 'operation="open" profile="svc" name="/x" written_by="me" pid=7 comm="svc"').replace(' kernel: ', ' mallory[4242]: ')]);
  const n = JSON.parse(recordToNdjson(named)) as Record<string, unknown>;
  assert.equal(n.field_written_by, 'me');
  assert.equal(n.written_by, 'mallory[4242]');
});
