// Source detection: which live sources this host lets us read, and why not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectSources, forBoot, hostNotes, type HostFacts } from '../../src/sources/detect.js';

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
  assert.deepEqual(
    detectSources(ROOT, ['dmesg']).map((p) => [p.name, p.explicit]),
    [['dmesg', true]],
  );
  assert.deepEqual(detectSources(ROOT, undefined, true), []);
  assert.deepEqual(
    detectSources(ROOT, ['auditlog'], true).map((p) => p.name),
    ['auditlog'],
  );
  assert.deepEqual(hostNotes({ ...ROOT, apparmorEnabled: false }), ['AppArmor is not enabled in this kernel: it logs no denials here (older records may still be read)']);
});

test('detect: --boot of an earlier boot leaves dmesg and audit.log out, with the reason', () => {
  const p = Object.fromEntries(forBoot(detectSources(ROOT), '-1').map((x) => [x.name, x]));
  assert.equal(p.journal.available, true);
  assert.match(p.dmesg.reason!, /--boot -1: the kernel ring buffer holds only the running boot/);
  assert.match(p.auditlog.reason!, /audit\.log records carry no boot id/);
  assert.deepEqual(forBoot(detectSources(ROOT), '0'), detectSources(ROOT));
});
