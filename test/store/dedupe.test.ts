import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordDeduper } from '../../src/store/dedupe.js';
import type { AppArmorRecord } from '../../src/model/record.js';

function rec(fields: Record<string, string>, extra: Partial<AppArmorRecord> = {}): AppArmorRecord {
  return { kind: 'DENIED', fields: { apparmor: 'DENIED', ...fields }, carrier: 'dmesg', source: { name: 't', line: 1 }, raw: '', ...extra };
}
const cap = { operation: 'capable', profile: 'p', pid: '5', comm: 'x', capname: 'dac_read_search' };

test('the same record from two carriers is one; enrichment fields do not matter', () => {
  const d = new RecordDeduper();
  assert.equal(d.admit(rec(cap, { auditId: '1.000:7', time: 1000 })), true);
  assert.equal(d.admit(rec({ ...cap, FSUID: 'root' }, { auditId: '1.000:7', time: 1000, carrier: 'auditlog' })), false);
  assert.equal(d.duplicates, 1);
});

test('one audit id carrying two different records keeps both', () => {
  const d = new RecordDeduper();
  assert.equal(d.admit(rec(cap, { auditId: '1.000:7', time: 1000 })), true);
  assert.equal(d.admit(rec({ ...cap, capname: 'dac_override' }, { auditId: '1.000:7', time: 1000 })), true);
});

test('the same denial repeated under two ids is two events', () => {
  const d = new RecordDeduper();
  assert.equal(d.admit(rec(cap, { auditId: '1.000:7', time: 1000 })), true);
  assert.equal(d.admit(rec(cap, { auditId: '1.001:8', time: 1001 })), true);
});

test('a copy without an id (journal short of the audit channel) merges with its copy within 2 s, in either order', () => {
  const d = new RecordDeduper();
  assert.equal(d.admit(rec(cap, { auditId: '1.000:7', time: 1000 })), true);
  assert.equal(d.admit(rec(cap, { time: 1500 })), false);
  assert.equal(d.admit(rec(cap, { time: 1600 })), true, 'a second id-less copy is a new event');
  const e = new RecordDeduper();
  assert.equal(e.admit(rec(cap, { time: 5000 })), true);
  assert.equal(e.admit(rec(cap, { auditId: '5.100:9', time: 5100 })), false);
  assert.equal(e.admit(rec(cap, { time: 60_000 })), true, 'far apart in time: not the same');
});

test('memory is bounded: old keys are forgotten', () => {
  const d = new RecordDeduper(1000);
  for (let i = 0; i < 5000; i++) d.admit(rec({ ...cap, pid: String(i) }, { auditId: `1.000:${i}`, time: i }));
  assert.equal(d.admit(rec({ ...cap, pid: '4999' }, { auditId: '1.000:4999', time: 4999 })), false, 'recent keys are still known');
});
