// audit.log followed by name: backfill, appended lines, rotation by rename (auditd's own) and by
// copytruncate mid-stream, a file that appears later, --no-follow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, readFileSync, renameSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineParser } from '../../src/parse/line-parser.js';
import { FileFollower } from '../../src/sources/follow-file.js';
import { startLiveSources } from '../../src/sources/index.js';
import { SourceCtl } from '../../src/sources/source-ctl.js';
import { assertTimeOrder, Collect, FAST, fakeHost, FIXTURES, healthOf, liveOpts, state, waitFor } from './helpers.js';

const FIXTURE = readFileSync(join(FIXTURES, 'audit.log'), 'utf8').split('\n').filter(Boolean);

/** One complete audit event (AVC + SYSCALL + PROCTITLE) with serial n. */
function event(n: number, name = `/srv/f${n}`): string {
  const id = `1795317300.${String(n % 1000).padStart(3, '0')}:${n}`;
  return [
    `type=AVC msg=audit(${id}): apparmor="DENIED" operation="open" class="file" profile="/usr/sbin/nginx" name="${name}" pid=2500 comm="nginx" requested_mask="r" denied_mask="r" fsuid=33 ouid=0\u001dFSUID="www-data" OUID="root"`,
    `type=SYSCALL msg=audit(${id}): arch=c000003e syscall=257 success=no exit=-13 ppid=1 pid=2500 comm="nginx" exe="/usr/sbin/nginx" subj=/usr/sbin/nginx key=(null)`,
    `type=PROCTITLE msg=audit(${id}): proctitle=6E67696E78`,
  ].join('\n');
}

test('audit.log: backfill with SYSCALL/PROCTITLE context, then appended events', async () => {
  const host = fakeHost({ journal: false, dmesg: false, auditLog: true });
  const c = new Collect();
  const s = await startLiveSources(liveOpts(host, { sources: ['auditlog'] }), c.sink);
  try {
    await waitFor('backfill', () => c.records.length === 10);
    await waitFor('live', () => state(s, 'auditlog') === 'live');
    assert.equal(c.records[0].context?.exe, '/usr/sbin/nginx');
    assert.equal(c.records[0].context?.proctitle, 'nginx: worker process');
    assert.equal(c.records[0].host, 'web-01');
    appendFileSync(host.auditLog, `${event(6001)}\n`);
    await waitFor('appended', () => c.records.some((r) => r.serial === 6001));
    assert.equal(c.records.find((r) => r.serial === 6001)?.context?.syscall, '257');
  } finally {
    await s.stop();
    host.cleanup();
  }
});

test("an audit.log event the parser still holds (no SYSCALL line after it) is part of the backfill: released in time order with the journal's", async () => {
  const host = fakeHost({ dmesg: false, auditLog: true });
  // the backfill ends on an AVC line alone: the parser keeps it for its event's other lines until
  // the file goes quiet, and the journal's records, later than it, must not go out first
  writeFileSync(
    host.auditLog,
    'type=AVC msg=audit(1795317100.000:9999): apparmor="DENIED" operation="open" class="file" profile="/usr/sbin/nginx" name="/srv/last" pid=2500 comm="nginx" requested_mask="r" denied_mask="r" fsuid=33 ouid=0\n',
  );
  const c = new Collect();
  const s = await startLiveSources(liveOpts(host, { sources: ['journal', 'auditlog'], tuning: { ...FAST, idleMs: 400, backfillHoldMs: 60_000 } }), c.sink);
  try {
    await waitFor('the held record', () => c.records.some((r) => r.serial === 9999));
    await waitFor('both live', () => state(s, 'journal') === 'live' && state(s, 'auditlog') === 'live');
    assert.ok(c.records.length > 1);
    assertTimeOrder(c.records);
  } finally {
    await s.stop();
    host.cleanup();
  }
});

test('audit.log rotated by rename mid-stream: the old file is finished, the new one read from its start', async () => {
  const host = fakeHost({ journal: false, dmesg: false, auditLog: true });
  const c = new Collect();
  const s = await startLiveSources(liveOpts(host, { sources: ['auditlog'] }), c.sink);
  try {
    await waitFor('backfill', () => c.records.length === 10);
    // all at once, between two polls: the follower has not read 7001 when the file is renamed away
    appendFileSync(host.auditLog, `${event(7001)}\n${event(7002).slice(0, 60)}`);
    appendFileSync(host.auditLog, `${event(7002).slice(60)}\n`);
    renameSync(host.auditLog, `${host.auditLog}.1`);
    writeFileSync(host.auditLog, `${event(7003)}\n`);
    await waitFor('all three', () => [7001, 7002, 7003].every((n) => c.records.some((r) => r.serial === n)));
    appendFileSync(host.auditLog, `${event(7004)}\n`);
    await waitFor('after rotation', () => c.records.some((r) => r.serial === 7004));
    assert.equal(c.records.length, 14, 'each record once');
    assert.equal(s.counts().unparsable, 0);
    assert.match(healthOf(s, 'auditlog').note ?? '', /1 renamed/);
  } finally {
    await s.stop();
    host.cleanup();
  }
});

test('audit.log copytruncate mid-stream: the unread tail is read from the copy, then the new content', async () => {
  const host = fakeHost({ journal: false, dmesg: false, auditLog: true });
  const c = new Collect();
  const s = await startLiveSources(liveOpts(host, { sources: ['auditlog'] }), c.sink);
  try {
    await waitFor('backfill', () => c.records.length === 10);
    appendFileSync(host.auditLog, `${event(8001)}\n${event(8002)}\n`);
    copyFileSync(host.auditLog, `${host.auditLog}.1`);
    truncateSync(host.auditLog, 0);
    appendFileSync(host.auditLog, `${event(8003)}\n`);
    await waitFor('all three', () => [8001, 8002, 8003].every((n) => c.records.some((r) => r.serial === n)));
    assert.equal(c.records.length, 13, 'each record once');
    assert.equal(c.records.find((r) => r.serial === 8002)?.context?.exe, '/usr/sbin/nginx', 'the event arrived whole');
    assert.match(healthOf(s, 'auditlog').note ?? '', /1 truncated \(1 tails read from the copy\)/);
    // truncated again to a size larger than what was read: still noticed (the bytes differ)
    const big = Array.from({ length: 30 }, (_, i) => event(8100 + i)).join('\n');
    writeFileSync(host.auditLog, `${big}\n`);
    await waitFor('rewritten file', () => c.records.filter((r) => (r.serial ?? 0) >= 8100).length === 30);
  } finally {
    await s.stop();
    host.cleanup();
  }
});

test('audit.log that does not exist yet: waiting (said so), then read when it appears', async () => {
  const host = fakeHost({ journal: false, dmesg: false, auditLog: true });
  rmSync(host.auditLog);
  const c = new Collect();
  const s = await startLiveSources(liveOpts(host, { sources: ['auditlog'] }), c.sink);
  try {
    await waitFor('waiting', () => state(s, 'auditlog') === 'restarting');
    assert.match(healthOf(s, 'auditlog').reason!, /no such file.*waiting/);
    writeFileSync(host.auditLog, `${event(9001)}\n`);
    await waitFor('read', () => c.records.some((r) => r.serial === 9001));
    await waitFor('live', () => state(s, 'auditlog') === 'live');
  } finally {
    await s.stop();
    host.cleanup();
  }
});

test('audit.log --no-follow: read once, earlier boots left out by default, ended', async () => {
  const host = fakeHost({ journal: false, dmesg: false, auditLog: true });
  writeFileSync(host.auditLog, `${event(100).replace(/1795317300/g, '1700000000')}\n${FIXTURE.join('\n')}\n`);
  const c = new Collect();
  const s = await startLiveSources(liveOpts(host, { sources: ['auditlog'], follow: false }), c.sink);
  await s.done();
  assert.equal(state(s, 'auditlog'), 'ended');
  assert.equal(c.records.length, 10);
  assert.equal(s.counts().outsideWindow, 1, 'the record from before this boot');
  await s.stop();
  host.cleanup();
});

test('truncated and rewritten while a read is under way: the stale read is dropped, the new file read whole', async () => {
  const host = fakeHost({ journal: false, dmesg: false, auditLog: true });
  const before = Array.from({ length: 10 }, (_, i) => `a-${i} ${'x'.repeat(60)}`);
  const after = Array.from({ length: 40 }, (_, i) => `b-${i} ${'y'.repeat(60)}`);
  writeFileSync(host.auditLog, `${before.join('\n')}\n`);
  const lines: string[] = [];
  let armed = false;
  const ctl = new SourceCtl(
    'auditlog',
    new LineParser('auditlog', { record: () => undefined }),
    1000,
    () => undefined,
    () => undefined,
  );
  const f = new FileFollower(host.auditLog, ctl, {
    follow: true,
    pollMs: 10,
    line: (l) => lines.push(l),
    // called right before each read: the moment to rewrite the file under the reader
    busy: () => {
      if (armed) {
        armed = false;
        writeFileSync(host.auditLog, `${after.join('\n')}\n`);
      }
      return false;
    },
  });
  f.start();
  try {
    await waitFor('first file', () => lines.length === 10);
    armed = true;
    await waitFor('second file', () => lines.length >= 50);
    assert.deepEqual(lines, [...before, ...after]);
    assert.equal(f.rotations.truncated, 1);
  } finally {
    await f.stop();
    host.cleanup();
  }
});

test('backfill starts in the rotated files written during this boot (auditd rotates by size)', async () => {
  const host = fakeHost({ journal: false, dmesg: false, auditLog: true });
  const boot = 1795315312000;
  writeFileSync(`${host.auditLog}.2`, `${event(500)}\n`);
  utimesSync(`${host.auditLog}.2`, (boot - 60_000) / 1000, (boot - 60_000) / 1000); // before this boot: not read
  writeFileSync(`${host.auditLog}.1`, `${event(501)}\n${event(502)}\n`);
  utimesSync(`${host.auditLog}.1`, (boot + 60_000) / 1000, (boot + 60_000) / 1000);
  writeFileSync(`${host.auditLog}.1.gz`, 'not read');
  writeFileSync(host.auditLog, `${event(503)}\n`);
  const c = new Collect();
  const s = await startLiveSources(liveOpts(host, { sources: ['auditlog'], follow: false }), c.sink);
  await s.done();
  assert.deepEqual(
    c.records.map((r) => r.serial),
    [501, 502, 503],
  );
  assert.equal(s.counts().unparsable, 0);
  await s.stop();
  host.cleanup();
});
