import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePrefix } from '../../src/parse/prefix.js';

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
