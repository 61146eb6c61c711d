// The journal sources (kernel and audit transports) through a fake journalctl on PATH that replays
// a real-format `journalctl -o json` fixture, dies, restarts, prints garbage and exits non-zero.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLiveSources } from '../../src/sources/index.js';
import { assertTimeOrder, Collect, FAST, fakeHost, healthOf, journalEntries, liveOpts, state, waitFor } from './helpers.js';

const NEW_ENTRY = JSON.stringify({
  __CURSOR: 's=8f2c1b7e4d6a4f0e9c3b2a1d0e9f8c7b;i=2000;b=5c1a7e3b9f0d4e2a8b6c1d0e9f8a7b6c;m=1;t=1;x=1',
  __REALTIME_TIMESTAMP: '1795317200000000',
  _HOSTNAME: 'web-01',
  _TRANSPORT: 'audit',
  _AUDIT_ID: '4000',
  _AUDIT_TYPE_NAME: 'AVC',
  _SOURCE_REALTIME_TIMESTAMP: '1795317200123000',
  MESSAGE: 'AVC apparmor="DENIED" operation="open" class="file" profile="/usr/sbin/nginx" name="/etc/passwd-" pid=2300 comm="nginx" requested_mask="r" denied_mask="r" fsuid=33 ouid=0',
});

test("a backfill read last is released with the others at the hold's end, not a tick after them", async () => {
  // the kernel transport's backfill starts late: its records are parsed just before the hold ends,
  // the audit transport's long before. Released by arrival, the audit channel's went out at once
  // and the kernel transport's (the earliest record among them) a tick later, out of time order
  const host = fakeHost({ dmesg: false });
  const c = new Collect();
  const env = { ...host.env, FAKE_DELAY_KERNEL_MS: '1500' };
  const s = await startLiveSources(liveOpts(host, { env, sources: ['journal', 'audit'], tuning: { ...FAST, reorderMs: 5_000, backfillHoldMs: 60_000 } }), c.sink);
  try {
    await waitFor('all records', () => c.records.length === 11, 30_000);
    assertTimeOrder(c.records);
  } finally {
    await s.stop();
    host.cleanup();
  }
});

test('journal + audit channel: backfill, merge, then follow after the last cursor', async () => {
  const host = fakeHost({ dmesg: false });
  const c = new Collect();
  // a backfill hold longer than the product's 5 s: time order is asserted, and on a loaded machine
  // (the whole suite in parallel beside a virtual machine) one fake journalctl, a Node script, took
  // longer than 5 s to start, so the other's records were released first. The hold ends as soon as
  // both backfills are read, so a long one costs nothing here
  const s = await startLiveSources(liveOpts(host, { sources: ['journal', 'audit'], tuning: { ...FAST, backfillHoldMs: 60_000 } }), c.sink);
  try {
    await waitFor('both live', () => state(s, 'journal') === 'live' && state(s, 'audit') === 'live');
    await waitFor('all records', () => c.records.length === 11);
    // 10 denials (the audit channel has all) + the STATUS record only the kernel transport has
    assert.equal(new Set(c.keys()).size, 11);
    assert.ok(c.records.every((r) => r.host === 'web-01'));
    assert.deepEqual(
      c.loss.map((n) => [n.kind, n.count]),
      [['printk-suppressed', 5]],
    );
    assert.equal(s.counts().duplicates, 5, 'the five records the kernel transport kept are copies');
    assertTimeOrder(c.records);

    host.append('journal.jsonl', [NEW_ENTRY]);
    await waitFor('the new record', () => c.records.some((r) => r.auditId === '1795317200.123:4000'));
    const audit = host.calls('journalctl').filter((a) => a.includes('_TRANSPORT=audit'));
    const lastAudit = journalEntries(host)
      .filter((e) => e.transport === 'audit')
      .at(-2)!.cursor;
    assert.equal(audit.length, 2, 'backfill, then follow');
    assert.ok(!audit[0].includes('--follow') && audit[0].includes('--boot'));
    assert.ok(audit[1].includes('--follow') && audit[1].includes(`--after-cursor=${lastAudit}`));
  } finally {
    await s.stop();
    host.cleanup();
  }
  assert.equal(state(s, 'journal'), 'ended');
});

test('journalctl dies mid-backfill: restarted after its last cursor, nothing lost or repeated', async () => {
  const host = fakeHost({ dmesg: false });
  host.plan('journalctl', [
    { emit: 4, exit: 1, stderr: 'Failed to iterate through journal: Bad message' },
    { emit: 3, signal: 'SIGKILL' },
  ]);
  const c = new Collect();
  // backoff long enough for every restarting state to be seen by the (throttled) health listener
  const s = await startLiveSources(liveOpts(host, { sources: ['audit'], tuning: { ...FAST, backoffMs: 250, backoffMaxMs: 1000 } }), c.sink);
  const reasons: string[] = [];
  s.onHealth(() => {
    const r = healthOf(s, 'audit').reason;
    if (r && !reasons.includes(r)) reasons.push(r);
  });
  try {
    await waitFor('all ten', () => c.records.length === 10);
    await waitFor('live', () => state(s, 'audit') === 'live');
    const h = healthOf(s, 'audit');
    assert.equal(h.restarts, 2);
    assert.equal(h.records, 10);
    assert.deepEqual(
      reasons,
      ['journalctl exited with status 1: Failed to iterate through journal: Bad message (restart 1 in 250 ms)', 'journalctl was killed by SIGKILL (restart 2 in 500 ms)'],
      'each exit explained by its own stderr',
    );
    assert.equal(s.counts().duplicates, 0, 'the restart did not repeat entries');
    assert.ok(h.stderrTail.some((l) => l.includes('Bad message')));
    const audits = journalEntries(host).filter((e) => e.transport === 'audit');
    const calls = host.calls('journalctl');
    assert.ok(calls[1].includes(`--after-cursor=${audits[3].cursor}`), 'second run resumes after the 4th entry');
    assert.ok(calls[2].includes(`--after-cursor=${audits[6].cursor}`), 'third run after the 7th');
  } finally {
    await s.stop();
    host.cleanup();
  }
});

test('restarting and failed are shown with the reason, and garbage does not stop the source', async () => {
  const host = fakeHost({ dmesg: false });
  const denied = { emit: 0, exit: 1, stderr: 'No journal files were opened due to insufficient permissions.' };
  host.plan('journalctl', [{ garbage: ['{not json', '\u001b]52;c;AAAA\u0007 noise', '{"MESSAGE":"apparmor=\\"DENIED\\" operation=\\"open'], emit: 2, exit: 3 }, denied, denied, denied]);
  const c = new Collect();
  const s = await startLiveSources(liveOpts(host, { sources: ['audit'] }), c.sink);
  try {
    await waitFor('failed', () => state(s, 'audit') === 'failed');
    const h = healthOf(s, 'audit');
    assert.match(h.reason!, /journalctl exited with status 1: No journal files were opened due to insufficient permissions/);
    assert.match(h.fix!, /systemd-journal/);
    assert.equal(c.records.length, 2, 'the records before the garbage and the crash were kept');
    // it keeps retrying at the backoff cap and recovers when journalctl works again
    await waitFor('recovered', () => state(s, 'audit') === 'live' && c.records.length === 10);
    assert.equal(s.counts().duplicates, 0);
  } finally {
    await s.stop();
    host.cleanup();
  }
});

test('a boot the journal does not have: failed, with what to do', async () => {
  const host = fakeHost({ dmesg: false });
  const noBoot = { emit: 0, exit: 1, stderr: 'Data from the specified boot (-3) is not available: No such boot ID in journal' };
  host.plan('journalctl', [noBoot, noBoot, noBoot]);
  const s = await startLiveSources(liveOpts(host, { sources: ['journal'], boot: '-3', follow: false }), new Collect().sink);
  await s.done();
  const h = healthOf(s, 'journal');
  assert.equal(h.state, 'failed');
  assert.match(h.fix!, /journalctl --list-boots/);
  assert.ok(host.calls('journalctl')[0].includes('--boot=-3'));
  await s.stop();
  host.cleanup();
});

test('--no-follow: a journalctl that keeps failing ends as failed, and the session is done', async () => {
  const host = fakeHost({ dmesg: false });
  const bad = { exit: 1, stderr: 'Failed to open journal: Permission denied' };
  host.plan('journalctl', [bad, bad, bad, bad]);
  const c = new Collect();
  const s = await startLiveSources(liveOpts(host, { sources: ['journal'], follow: false }), c.sink);
  await s.done();
  const h = healthOf(s, 'journal');
  assert.equal(h.state, 'failed');
  assert.equal(h.restarts, 2, 'three attempts (failAfter 3)');
  assert.match(h.reason!, /status 1: Failed to open journal: Permission denied/);
  await s.stop();
  host.cleanup();
});

test('copied journal directory: read through journalctl --directory, hosts kept, ends with --no-follow', async () => {
  const host = fakeHost({ dmesg: false });
  const c = new Collect();
  const s = await startLiveSources(liveOpts(host, { journalDirs: ['/srv/collector/remote'], follow: false }), c.sink);
  await s.done();
  assert.deepEqual(
    s.health().map((h) => [h.name, h.state]),
    [['journal-dir:/srv/collector/remote', 'ended']],
  );
  assert.equal(c.records.length, 11);
  const args = host.calls('journalctl')[0];
  assert.ok(args.includes('--directory=/srv/collector/remote') && args.includes('_TRANSPORT=kernel') && args.includes('_TRANSPORT=audit'));
  assert.ok(!args.includes('--boot'), 'a copied journal is not limited to this boot');
  await s.stop();
  host.cleanup();
});

test('a collector journal (systemd-journal-remote) with several hosts: each record keeps its host', async () => {
  const host = fakeHost({ dmesg: false });
  const body = 'apparmor="DENIED" operation="open" class="file" profile="/usr/sbin/nginx" name="/etc/shadow" pid=2211 comm="nginx" requested_mask="r" denied_mask="r" fsuid=33 ouid=0';
  const entry = (i: number, h: string, serial: number) =>
    JSON.stringify({
      __CURSOR: `s=1;i=${i};b=2;m=3;t=4;x=5`,
      __REALTIME_TIMESTAMP: String(1795317102480000 + i * 1000),
      _HOSTNAME: h,
      _TRANSPORT: 'kernel',
      MESSAGE: `audit: type=1400 audit(1795317102.480:${serial}): ${body}`,
    });
  // the same denial on two hosts (same time, same content): two records, told apart by their audit ids
  writeFileSync(join(host.dir, 'journal.jsonl'), `${[entry(1, 'web-01', 3131), entry(2, 'web-02', 977), entry(3, 'db-01', 12)].join('\n')}\n`);
  const c = new Collect();
  const s = await startLiveSources(liveOpts(host, { journalDirs: ['/var/log/journal/remote'], follow: false }), c.sink);
  await s.done();
  assert.deepEqual(
    c.records.map((r) => r.host),
    ['web-01', 'web-02', 'db-01'],
  );
  await s.stop();
  host.cleanup();
});
