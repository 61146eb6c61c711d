import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordToJson, recordToNdjson } from '../../src/views/json.js';
import type { AppArmorRecord, Classification } from '../../src/model/record.js';

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
