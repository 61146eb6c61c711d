// Gathering host facts from injectable paths: /proc (auditd, dmesg_restrict, boot time), group
// names, journal files, audit.log, AppArmor's enabled flag, executables on PATH.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { auditChannelRead, bootTime, findExecutable, probeHost } from '../../src/sources/probe.js';
import { startLiveSources } from '../../src/sources/index.js';
import { Collect, FIXTURES, fakeHost, liveOpts } from './helpers.js';

function fakeRoot() {
  const d = mkdtempSync(join(tmpdir(), 'aa-probe-'));
  const proc = join(d, 'proc');
  mkdirSync(join(proc, 'sys/kernel'), { recursive: true });
  writeFileSync(join(proc, 'sys/kernel/dmesg_restrict'), '1\n');
  writeFileSync(join(proc, 'stat'), 'cpu  1 2 3\nbtime 1795315312\nprocesses 9\n');
  for (const [pid, comm] of [
    ['1', 'systemd'],
    ['812', 'auditd'],
    ['900', 'nginx'],
  ]) {
    mkdirSync(join(proc, pid));
    writeFileSync(join(proc, pid, 'comm'), `${comm}\n`);
  }
  mkdirSync(join(d, 'journal/0123abcd'), { recursive: true });
  writeFileSync(join(d, 'journal/0123abcd/system.journal'), '');
  mkdirSync(join(d, 'audit'));
  writeFileSync(join(d, 'audit/audit.log'), 'type=DAEMON_START msg=audit(1.000:1): op=start\n');
  writeFileSync(join(d, 'enabled'), 'Y\n');
  writeFileSync(join(d, 'group'), `root:x:0:\nadm:x:4:alice\nsystemd-journal:x:${process.getgroups?.()[0] ?? 0}:\n`);
  const bin = join(d, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'dmesg'), '#!/bin/sh\n');
  chmodSync(join(bin, 'dmesg'), 0o755);
  writeFileSync(join(bin, 'journalctl'), 'not executable');
  return { d, proc, bin };
}

test("probe: a reader of the audit multicast group (journald's audit socket) from /proc/net/netlink", () => {
  const d = mkdtempSync(join(tmpdir(), 'aa-netlink-'));
  const head = 'sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n';
  // the Debian 13 guest's NETLINK_AUDIT sockets (port id, groups) before and after
  // systemd-journald-audit.socket was started: systemd's own (no group), then journald's (group 1)
  const systemdOwn = '0000000031b1b5b2 9   1          00000000 0        0        0     2        0        17620   \n';
  const journald = '00000000b5f3c23a 9   3185657056 00000001 0        0        0     2        0        105     \n';
  const other = '000000005dd6b11e 6   0          00000001 0        0        0     2        0        149     \n';
  try {
    mkdirSync(join(d, 'net'));
    writeFileSync(join(d, 'net/netlink'), head + systemdOwn + other);
    assert.equal(auditChannelRead(d), false);
    writeFileSync(join(d, 'net/netlink'), head + systemdOwn + journald);
    assert.equal(auditChannelRead(d), true);
    assert.equal(auditChannelRead(join(d, 'nope')), undefined);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('probe: facts from the injected paths', () => {
  const { d, proc, bin } = fakeRoot();
  try {
    const f = probeHost(
      { auditLog: join(d, 'audit/audit.log'), proc, journalDirs: [join(d, 'journal'), join(d, 'nope')], apparmorEnabled: join(d, 'enabled'), groupFile: join(d, 'group') },
      { PATH: `relative/bin:${bin}` },
    );
    assert.equal(f.dmesgRestrict, true);
    assert.equal(f.auditdRunning, true);
    assert.equal(f.journalFiles, true);
    assert.deepEqual(f.auditLog, { path: join(d, 'audit/audit.log'), exists: true, readable: true });
    assert.equal(f.apparmorEnabled, true);
    assert.equal(f.dmesg, join(bin, 'dmesg'));
    assert.equal(f.journalctl, undefined, 'a file that is not executable is not journalctl');
    assert.ok(f.groups.includes('systemd-journal'));
    assert.equal(bootTime(proc), 1795315312000);
    const none = probeHost({ auditLog: join(d, 'missing.log'), proc: join(d, 'x'), journalDirs: [], apparmorEnabled: join(d, 'x'), groupFile: join(d, 'x') }, {});
    assert.equal(none.auditdRunning, false);
    assert.equal(none.apparmorEnabled, false, 'no module parameter: no AppArmor in this kernel');
    assert.equal(none.dmesgRestrict, undefined);
    assert.deepEqual(none.auditLog.exists, false);
    assert.equal(findExecutable('dmesg', 'relative/bin'), undefined, 'relative PATH entries are not trusted');
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('saved inputs (plain and .gz) in a session with a copied journal: merged, named input:PATH, ended', async () => {
  const host = fakeHost({ dmesg: false });
  const gz = join(host.dir, 'audit.log.1.gz');
  writeFileSync(gz, gzipSync(readFileSync(join(FIXTURES, 'audit.log'))));
  const c = new Collect();
  const s = await startLiveSources(liveOpts(host, { journalFiles: [join(host.dir, 'web-01.journal')], inputs: [gz, join(FIXTURES, 'dmesg.txt')], follow: false }), c.sink);
  await s.done();
  assert.deepEqual(
    s.health().map((h) => [h.name, h.state]),
    [
      [`journal-file:${join(host.dir, 'web-01.journal')}`, 'ended'],
      [`input:${gz}`, 'ended'],
      [`input:${join(FIXTURES, 'dmesg.txt')}`, 'ended'],
    ],
  );
  assert.equal(c.records.length, 11);
  assert.equal(s.counts().duplicates, 5 + 10 + 6);
  await s.stop();
  host.cleanup();
});
