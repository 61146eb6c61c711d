import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordToJson, recordToNdjson } from '../../src/outputs/json.js';
import { createClassifier, sharedClassification } from '../../src/classify/index.js';
import type { AppArmorRecord, Classification } from '../../src/model/record.js';
import { buildProfileIndex } from '../../src/profiles/index.js';
import { file, kline, parse } from '../classify/helpers.js';

const cls: Classification = { verdict: 'likely-attack', confidence: 0.9, reasons: ['web server ran a shell "sh"'], suggestion: { kind: 'respond', text: 'keep enforcing' } };
const rec = (extra: Partial<AppArmorRecord> = {}): AppArmorRecord => ({
  kind: 'DENIED', fields: { apparmor: 'DENIED', operation: 'exec', name: '/bin/sh\x1b[2J', time: 'field named time' }, carrier: 'dmesg',
  source: { name: 't', line: 3 }, raw: 'raw line', time: 1795317100015, serial: 7, auditId: '1795317100.015:7', ...extra,
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
  assert.ok(recs.slice(1).every((r) => sharedClassification(r.classification!)), 'results filled in from a shared one');
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
