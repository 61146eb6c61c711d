// dmesg through a fake `dmesg` on PATH: ring buffer backfill then follow, restarts that replay the
// ring buffer (skipped, counted, loss not counted twice), failures, and stopping without orphans.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLiveSources } from '../../src/sources/index.js';
import { alive, Collect, fakeHost, healthOf, liveOpts, state, waitFor } from './helpers.js';

const LATER =
  '[ 1900.000001] audit: type=1400 audit(1795317212.000:5000): apparmor="DENIED" operation="open" class="file" profile="/usr/sbin/nginx" name="/etc/gshadow" pid=2400 comm="nginx" requested_mask="r" denied_mask="r" fsuid=33 ouid=0';

test('dmesg: ring buffer, then live once quiet, then new lines as they come', async () => {
  const host = fakeHost({ journal: false });
  const c = new Collect();
  const s = await startLiveSources(liveOpts(host, { sources: ['dmesg'] }), c.sink);
  try {
    await waitFor('live', () => state(s, 'dmesg') === 'live');
    await waitFor('records', () => c.records.length === 6);
    assert.equal(c.records[0].fields.apparmor, 'STATUS');
    assert.ok(
      c.records.every((r) => r.host === 'web-01'),
      'this host is named on dmesg records',
    );
    assert.deepEqual(
      c.loss.map((n) => [n.kind, n.count]),
      [['printk-suppressed', 5]],
    );
    host.append('dmesg.txt', [LATER]);
    await waitFor('the new record', () => c.records.some((r) => r.serial === 5000));
    assert.deepEqual(host.calls('dmesg'), [['--follow']]);
  } finally {
    await s.stop();
    host.cleanup();
  }
});

test('dmesg restarted mid-way: the replayed ring buffer is skipped (even two lines with one stamp)', async () => {
  const host = fakeHost({ journal: false });
  // 7 lines: up to the first of the two records that share the stamp 1792.482000
  host.plan('dmesg', [{ emit: 7, exit: 1, stderr: 'dmesg: read kernel buffer failed: Interrupted system call' }]);
  const c = new Collect();
  const s = await startLiveSources(liveOpts(host, { sources: ['dmesg'] }), c.sink);
  try {
    await waitFor('records', () => c.records.length === 6);
    await waitFor('live', () => state(s, 'dmesg') === 'live');
    const h = healthOf(s, 'dmesg');
    assert.equal(h.restarts, 1);
    assert.equal(h.replayed, 7);
    assert.equal(s.counts().duplicates, 0, 'nothing reached the deduper twice');
    assert.equal(c.loss.length, 1, 'the loss notice is counted once');
    assert.deepEqual(
      c.records.filter((r) => r.serial === 3133).map((r) => r.fields.capname),
      ['dac_read_search', 'dac_override'],
    );
  } finally {
    await s.stop();
    host.cleanup();
  }
});

test('dmesg not permitted: failed with the reason and the fix (--no-follow ends)', async () => {
  const host = fakeHost({ journal: false });
  const eperm = { emit: 0, exit: 1, stderr: 'dmesg: read kernel buffer failed: Operation not permitted' };
  host.plan('dmesg', [eperm, eperm, eperm]);
  const c = new Collect();
  const s = await startLiveSources(liveOpts(host, { sources: ['dmesg'], follow: false }), c.sink);
  await s.done();
  const h = healthOf(s, 'dmesg');
  assert.equal(h.state, 'failed');
  assert.match(h.reason!, /dmesg exited with status 1: dmesg: read kernel buffer failed: Operation not permitted/);
  assert.match(h.fix!, /dmesg_restrict=0/);
  assert.deepEqual(host.calls('dmesg')[0], [], 'no --follow with --no-follow');
  await s.stop();
  host.cleanup();
});

test('stop kills the subprocess and anything it started (its process group)', async () => {
  const host = fakeHost({ journal: false });
  host.plan('dmesg', [{ child: true }]);
  const c = new Collect();
  const s = await startLiveSources(liveOpts(host, { sources: ['dmesg'] }), c.sink);
  await waitFor('live', () => state(s, 'dmesg') === 'live');
  await waitFor('child started', () => host.pids('dmesg').length === 2);
  const pids = host.pids('dmesg');
  assert.ok(pids.every(alive));
  await s.stop();
  await waitFor('all gone', () => !pids.some(alive));
  assert.equal(state(s, 'dmesg'), 'ended');
  host.cleanup();
});

test('an empty ring buffer still goes live (quiet is not a backfill in progress)', async () => {
  const host = fakeHost({ journal: false });
  writeFileSync(join(host.dir, 'dmesg.txt'), '');
  const c = new Collect();
  const s = await startLiveSources(liveOpts(host, { sources: ['dmesg'] }), c.sink);
  try {
    await waitFor('live', () => state(s, 'dmesg') === 'live');
    host.append('dmesg.txt', [LATER]);
    await waitFor('the new record', () => c.records.some((r) => r.serial === 5000));
  } finally {
    await s.stop();
    host.cleanup();
  }
});
