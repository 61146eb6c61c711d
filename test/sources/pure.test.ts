// The pure parts of the live sources: detection, time specs, command lines, dmesg resumption,
// line splitting, the bounded queue, time ordering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import type { AppArmorRecord } from '../../src/model/record.js';
import { dmesgArgs, journalctlArgs, journalCursor } from '../../src/sources/commands.js';
import { detectSources, forBoot, hostNotes, type HostFacts } from '../../src/sources/detect.js';
import { DmesgResume, dmesgStamp } from '../../src/sources/dmesg-resume.js';
import { EVENT_END, LineQueue } from '../../src/sources/line-queue.js';
import { LineScanner } from '../../src/ingest/line-scanner.js';
import { RecordMerger } from '../../src/pipeline/merge.js';
import { TimeOrder } from '../../src/sources/time-order.js';
import { parseTimeSpec, parseWindow, TimeSpecError } from '../../src/sources/time-spec.js';

const ROOT: HostFacts = {
  uid: 0,
  groups: ['root'],
  dmesgRestrict: true,
  journalctl: '/usr/bin/journalctl',
  dmesg: '/usr/bin/dmesg',
  journalFiles: true,
  auditLog: { path: '/var/log/audit/audit.log', exists: true, readable: true },
  auditdRunning: true,
  apparmorEnabled: true,
};

function plan(f: Partial<HostFacts>, requested?: Parameters<typeof detectSources>[1]) {
  return Object.fromEntries(detectSources({ ...ROOT, ...f }, requested).map((p) => [p.name, p]));
}

test('detect: root with auditd has every source; notes say where the records go', () => {
  const p = plan({});
  assert.deepEqual(Object.keys(p), ['journal', 'audit', 'dmesg', 'auditlog']);
  assert.ok(Object.values(p).every((x) => x.available && !x.explicit));
  assert.match(p.dmesg.note!, /auditd runs/);
});

test('detect: not root, no groups, dmesg_restrict, audit.log root-only', () => {
  const p = plan({ uid: 1000, groups: ['alice'], auditLog: { path: '/var/log/audit/audit.log', exists: true, readable: false } });
  assert.equal(p.journal.available, false);
  assert.match(p.journal.reason!, /not root and not in the systemd-journal or adm group/);
  assert.match(p.journal.fix!, /usermod -aG systemd-journal/);
  assert.match(p.dmesg.reason!, /kernel\.dmesg_restrict=1 and not root/);
  assert.match(p.dmesg.fix!, /sudo sysctl kernel\.dmesg_restrict=0/);
  assert.match(p.auditlog.reason!, /not root: \/var\/log\/audit\/audit\.log is readable by root only/);
});

test('detect: adm group reads the journal; dmesg_restrict=0 lets anyone read dmesg', () => {
  const p = plan({ uid: 1000, groups: ['alice', 'adm'], dmesgRestrict: false });
  assert.equal(p.journal.available, true);
  assert.equal(p.audit.available, true);
  assert.equal(p.dmesg.available, true);
});

test('detect: no auditd, no journalctl, no journal files, no dmesg', () => {
  const p = plan({ auditdRunning: false, auditLog: { path: '/var/log/audit/audit.log', exists: false, readable: false }, journalctl: undefined, dmesg: undefined });
  assert.match(p.auditlog.reason!, /^no auditd: \/var\/log\/audit\/audit\.log does not exist/);
  assert.match(p.journal.reason!, /journalctl is not installed/);
  assert.match(p.dmesg.reason!, /dmesg is not installed/);
  assert.match(plan({ journalFiles: false }).journal.reason!, /no journal files/);
  assert.match(plan({ auditdRunning: false }).auditlog.note!, /auditd is not running/);
});

test("detect: journald not reading the audit channel (systemd 254+, Debian 13's default) is said, never implied away", () => {
  const off = plan({ auditdRunning: false, journaldAudit: false });
  assert.equal(off.audit.available, true, 'older entries may still be there');
  assert.match(off.audit.note!, /journald does not read the audit channel \(systemd-journald-audit\.socket is not active/);
  assert.match(off.audit.fix!, /systemctl enable --now systemd-journald-audit\.socket, or install auditd/);
  assert.match(off.journal.note!, /records the kernel drops are lost/);
  assert.doesNotMatch(off.journal.note!, /the audit channel keeps every record/);
  assert.doesNotMatch(plan({ auditdRunning: true, journaldAudit: false }).journal.note!, /audit channel/);
  for (const known of [true, undefined]) {
    const on = plan({ auditdRunning: false, journaldAudit: known });
    assert.equal(on.audit.note, undefined);
    assert.match(on.journal.note!, /the audit channel keeps every record/);
  }
});

test('detect: --source picks explicitly; saved evidence uses no host source unless named', () => {
  assert.deepEqual(detectSources(ROOT, ['dmesg']).map((p) => [p.name, p.explicit]), [['dmesg', true]]);
  assert.deepEqual(detectSources(ROOT, undefined, true), []);
  assert.deepEqual(detectSources(ROOT, ['auditlog'], true).map((p) => p.name), ['auditlog']);
  assert.deepEqual(hostNotes({ ...ROOT, apparmorEnabled: false }), ['AppArmor is not enabled in this kernel: it logs no denials here (older records may still be read)']);
});

test('detect: --boot of an earlier boot leaves dmesg and audit.log out, with the reason', () => {
  const p = Object.fromEntries(forBoot(detectSources(ROOT), '-1').map((x) => [x.name, x]));
  assert.equal(p.journal.available, true);
  assert.match(p.dmesg.reason!, /--boot -1: the kernel ring buffer holds only the running boot/);
  assert.match(p.auditlog.reason!, /audit\.log records carry no boot id/);
  assert.deepEqual(forBoot(detectSources(ROOT), '0'), detectSources(ROOT));
});

test('time specs: journalctl syntax and ISO 8601', () => {
  const now = Date.UTC(2026, 10, 22, 4, 0, 0);
  assert.equal(parseTimeSpec('2026-11-22T03:00:00Z', now), Date.UTC(2026, 10, 22, 3));
  assert.equal(parseTimeSpec('2026-11-22 03:00:00 UTC', now), Date.UTC(2026, 10, 22, 3));
  assert.equal(parseTimeSpec('2026-11-22T03:00:00.250+01:00', now), Date.UTC(2026, 10, 22, 2, 0, 0, 250));
  assert.equal(parseTimeSpec('2026-11-22 03:00', now), new Date(2026, 10, 22, 3, 0).getTime(), 'no zone: local time, as journalctl');
  assert.equal(parseTimeSpec('2026-11-22', now), new Date(2026, 10, 22).getTime());
  assert.equal(parseTimeSpec('-1h', now), now - 3_600_000);
  assert.equal(parseTimeSpec('1h 30min ago', now), now - 5_400_000);
  assert.equal(parseTimeSpec('2 hours ago', now), now - 7_200_000);
  assert.equal(parseTimeSpec('+5min', now), now + 300_000);
  assert.equal(parseTimeSpec('@1795317102.5', now), 1795317102500);
  assert.equal(parseTimeSpec('1795317102', now), 1795317102000);
  assert.equal(parseTimeSpec('now', now), now);
  assert.equal(parseTimeSpec('yesterday', now), new Date(new Date(now).setHours(0, 0, 0, 0)).setDate(new Date(now).getDate() - 1));
  for (const bad of ['soon', '2026-13-01', '2026-02-30 10:00', '-1 fortnight', '']) assert.equal(parseTimeSpec(bad, now), undefined, bad);
  assert.throws(() => parseWindow('whenever', undefined), TimeSpecError);
  assert.throws(() => parseWindow('2026-11-22T04:00:00Z', '2026-11-22T03:00:00Z'), /--since is after --until/);
});

test('journalctl command lines: transports ORed, this boot by default, cursor resumption', () => {
  assert.deepEqual(journalctlArgs({ transports: ['kernel', 'audit'], window: {}, follow: false }), ['--no-pager', '--quiet', '--output=json', '--all', '--boot', '_TRANSPORT=kernel', '_TRANSPORT=audit']);
  assert.deepEqual(journalctlArgs({ transports: ['audit'], window: { since: 1795317102500, until: 1795317200100 }, follow: false }), [
    '--no-pager',
    '--quiet',
    '--output=json',
    '--all',
    '--since=@1795317102',
    '--until=@1795317201',
    '_TRANSPORT=audit',
  ]);
  assert.deepEqual(journalctlArgs({ transports: ['kernel'], window: {}, boot: '-1', afterCursor: 's=1;i=2', follow: true }), [
    '--no-pager',
    '--quiet',
    '--output=json',
    '--all',
    '--boot=-1',
    '--after-cursor=s=1;i=2',
    '--follow',
    '--lines=all',
    '_TRANSPORT=kernel',
  ]);
  // a path that looks like an option stays the value of --directory
  assert.ok(journalctlArgs({ transports: ['kernel'], window: {}, follow: false, directory: '--rotate' }).includes('--directory=--rotate'));
  assert.deepEqual(dmesgArgs(true), ['--follow']);
  assert.equal(journalCursor('{"__CURSOR":"s=ab;i=1;b=cd","MESSAGE":"x"}'), 's=ab;i=1;b=cd');
  assert.equal(journalCursor('{"__CURSOR":"s=ab --all","MESSAGE":"x"}'), undefined, 'not a cursor: not passed to journalctl');
  assert.equal(journalCursor('{"MESSAGE":"x"}'), undefined);
});

test('dmesg resumption: skips exactly what the previous run delivered', () => {
  const lines = ['[    1.000000] a', '[    2.000000] b', '[    2.000000] c', ' continuation', '[    3.000000] d'];
  assert.equal(dmesgStamp(lines[0]), 1_000_000);
  assert.equal(dmesgStamp('<6>[ 12.5] x'), 12_500_000);
  const r = new DmesgResume();
  assert.deepEqual(lines.slice(0, 2).filter((l) => r.admit(l)), lines.slice(0, 2));
  r.restart();
  assert.deepEqual(lines.filter((l) => r.admit(l)), ['[    2.000000] c', ' continuation', '[    3.000000] d']);
  assert.equal(r.replayed, 2);
  r.restart();
  assert.deepEqual([...lines, '[    4.000000] e'].filter((l) => r.admit(l)), ['[    4.000000] e']);
  const fresh = new DmesgResume();
  fresh.restart();
  assert.ok(fresh.admit(lines[0]), 'nothing read yet: nothing to skip');
});

test('line scanner (unfiltered): lines across chunks, CR kept for the parser, over-long lines cut and counted', () => {
  const out: string[] = [];
  const s = new LineScanner({ line: (l) => out.push(l) }, { max: 10 });
  s.push(Buffer.from('ab'));
  s.push(Buffer.from('c\nde\r\n0123456789ABCDEF\nok\nlast'));
  s.end();
  assert.deepEqual(out, ['abc', 'de\r', '0123456789', 'ok', 'last']);
  assert.equal(s.cut, 1);
  const utf: string[] = [];
  const u = new LineScanner({ line: (l) => utf.push(l) });
  const bytes = Buffer.from('é\n');
  u.push(bytes.subarray(0, 1));
  u.push(bytes.subarray(1));
  assert.deepEqual(utf, ['é'], 'a character split across chunks');
});

test('line queue: bounded, drops counted, FIFO across compaction', () => {
  const q = new LineQueue(5000);
  for (let i = 0; i < 6000; i++) q.push(String(i));
  assert.equal(q.length, 5000);
  assert.equal(q.dropped, 1000);
  const got: (string | number)[] = [];
  for (let x = q.shift(); x !== undefined; x = q.shift()) got.push(x);
  assert.equal(got.length, 5001);
  assert.equal(got[0], '0');
  assert.equal(got[4999], '4999');
  assert.equal(got[5000], 1000, 'the dropped lines keep their numbers: one count after the last line kept');
  assert.ok(q.push('again'));
  assert.equal(q.shift(), 'again');
});

test('line queue: the end of an audit event stays a mark of its own between counts', () => {
  const q = new LineQueue(10);
  q.pushSkipped(2);
  q.pushEventEnd();
  q.pushSkipped(3);
  q.pushSkipped(1);
  const got: (string | number)[] = [];
  for (let x = q.shift(); x !== undefined; x = q.shift()) got.push(x);
  assert.deepEqual(got, [2, EVENT_END, 4]);
});

test('line queue: counts of lines passed over are summed, never dropped, and do not take capacity', () => {
  const q = new LineQueue(2);
  q.pushSkipped(3);
  q.pushSkipped(4);
  assert.ok(q.push('a'));
  q.pushSkipped(5);
  assert.ok(q.push('b'));
  assert.equal(q.push('c'), false);
  assert.equal(q.length, 2);
  const got: (string | number)[] = [];
  for (let x = q.shift(); x !== undefined; x = q.shift()) got.push(x);
  assert.deepEqual(got, [7, 'a', 5, 'b', 1]);
});

test('time order: releases what arrived before the cutoff, sorted by record time', () => {
  const out: number[] = [];
  const o = new TimeOrder((r) => out.push(r.serial!));
  const rec = (serial: number, time?: number) => ({ serial, time }) as AppArmorRecord;
  o.add(rec(3, 3000), 100);
  o.add(rec(1, 1000), 110);
  o.add(rec(2, 2000), 200);
  assert.equal(o.release(150), 0, 'nothing left due');
  assert.deepEqual(out, [1, 3]);
  o.add(rec(4), 210); // no time: keeps its arrival place (its key is the arrival)
  assert.equal(o.release(Infinity), 0);
  assert.deepEqual(out, [1, 3, 4, 2]);
  assert.equal(o.size, 0);
});

test('time order: a long backlog is released in time-boxed slices, still in order', () => {
  const out: number[] = [];
  let slow = 0;
  const o = new TimeOrder((r) => {
    out.push(r.time!);
    const until = performance.now() + 0.01; // a sink that takes a while per record
    while (performance.now() < until) slow++;
  });
  for (let i = 0; i < 20_000; i++) o.add({ time: 20_000 - i } as AppArmorRecord, 1);
  const left = o.release(Infinity, 5);
  assert.ok(left > 0 && left < 20_000, `a slice, not all at once (left ${left})`);
  while (o.release(Infinity, 5) > 0);
  assert.equal(out.length, 20_000);
  assert.deepEqual(out, [...out].sort((a, b) => a - b));
  assert.ok(slow > 0);
});

test('merger: a copy completes the held record (host, context) until the record is shown', () => {
  const m = new RecordMerger();
  const base = { kind: 'DENIED', fields: { apparmor: 'DENIED', operation: 'open', name: '/etc/shadow', profile: 'p' }, auditId: '1.000:7', time: 1000, source: { name: 'dmesg', line: 1 }, raw: '', carrier: 'dmesg' } as AppArmorRecord;
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
