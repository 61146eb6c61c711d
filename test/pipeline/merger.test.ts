// The merger of live copies of one record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppArmorRecord } from '../../src/model/record.js';
import { RecordMerger } from '../../src/pipeline/merge.js';

test('merger: a copy completes the held record (host, context) until the record is shown', () => {
  const m = new RecordMerger();
  const base = {
    kind: 'DENIED',
    fields: { apparmor: 'DENIED', operation: 'open', name: '/etc/shadow', profile: 'p' },
    auditId: '1.000:7',
    time: 1000,
    source: { name: 'dmesg', line: 1 },
    raw: '',
    carrier: 'dmesg',
  } as AppArmorRecord;
  const first = { ...base, fields: { ...base.fields } };
  assert.equal(m.admit(first), true);
  assert.equal(m.admit({ ...base, host: 'web-01', source: { name: 'audit', line: 3 }, carrier: 'journal-json' }), false);
  assert.equal(first.host, 'web-01');
  assert.equal(m.admit({ ...base, context: { exe: '/usr/sbin/x', syscall: '257' }, source: { name: 'auditlog', line: 9 }, carrier: 'auditlog' }), false);
  assert.deepEqual(first.context, { exe: '/usr/sbin/x', syscall: '257' });
  assert.equal(m.duplicates, 2);
  m.shown(first);
  assert.equal(m.admit({ ...base, host: 'other' }), false, 'still a copy');
  assert.equal(first.host, 'web-01', 'but a shown record is not changed any more');
  // one id, other content: a second record, not a copy
  assert.equal(m.admit({ ...base, fields: { ...base.fields, name: '/etc/gshadow' } }), true);
});
