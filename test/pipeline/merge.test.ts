// The same records through several sources at once: each appears once, in time order, with its host,
// and the loss the kernel reported is surfaced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLiveSources } from '../../src/sources/index.js';
import { Collect, fakeHost, healthOf, liveOpts } from '../sources/helpers.js';

test('journal, audit channel, dmesg and audit.log: one copy of each record, in time order', async () => {
  const host = fakeHost({ auditLog: true });
  const c = new Collect();
  const s = await startLiveSources(liveOpts(host, { follow: false }), c.sink);
  try {
    await s.done();
    assert.deepEqual(
      s.health().map((h) => h.state),
      ['ended', 'ended', 'ended', 'ended'],
    );
    const keys = c.keys();
    assert.equal(keys.length, 11, keys.join('\n'));
    assert.equal(new Set(keys).size, 11);
    // two distinct records under one audit id are both kept
    assert.equal(c.records.filter((r) => r.serial === 3133).length, 2);
    const times = c.records.map((r) => r.time!);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
    assert.ok(c.records.every((r) => r.host === 'web-01'));
    // every source delivered; what they share was merged
    const delivered = ['journal', 'audit', 'dmesg', 'auditlog'].map((n) => healthOf(s, n).records + (healthOf(s, n).duplicates ?? 0));
    assert.deepEqual(delivered, [6, 10, 6, 10]);
    assert.equal(s.counts().duplicates, 6 + 10 + 6 + 10 - 11);
    // the kernel transport and dmesg both carry the same suppression notice: it is one loss, counted once
    assert.deepEqual(
      c.loss.map((n) => [n.kind, n.count]),
      [['printk-suppressed', 5]],
    );
    assert.ok(['dmesg', 'journal'].includes(c.loss[0].source.name));
  } finally {
    await s.stop();
    host.cleanup();
  }
});

test('a dmesg copy without a host still merges with the journal copy of another host name', async () => {
  const host = fakeHost();
  const c = new Collect();
  const s = await startLiveSources(liveOpts(host, { sources: ['dmesg', 'journal'], hostname: 'localhost-name-differs', follow: false }), c.sink);
  await s.done();
  assert.equal(c.records.length, 6);
  await s.stop();
  host.cleanup();
});

test('a later copy completes the held one: the journal copy gets audit.log context, dmesg the journal host', async () => {
  const host = fakeHost({ auditLog: true });
  const c = new Collect();
  const s = await startLiveSources(liveOpts(host, { sources: ['audit', 'auditlog', 'dmesg'], hostname: 'this-host', follow: false }), c.sink);
  await s.done();
  const byId = (id: string) => c.records.filter((r) => r.auditId === id);
  // every denial has its audit.log context, whichever source delivered it first
  const denials = c.records.filter((r) => r.kind === 'DENIED');
  assert.equal(denials.length, 10);
  assert.ok(
    denials.every((r) => r.context?.exe === '/usr/sbin/nginx'),
    'SYSCALL context merged in',
  );
  assert.ok(denials.every((r) => r.host === 'web-01'));
  // the STATUS record is only in dmesg: this host's name
  assert.equal(c.records.find((r) => r.kind === 'STATUS')?.host, 'this-host');
  assert.equal(byId('1795317104.482:3133').length, 2);
  await s.stop();
  host.cleanup();
});

test('classification runs once per record, on the merged record', async () => {
  const host = fakeHost({ auditLog: true });
  const c = new Collect();
  let calls = 0;
  const s = await startLiveSources(
    liveOpts(host, {
      follow: false,
      enrich: (r) => {
        calls++;
        r.classification = { verdict: r.context?.exe ? 'likely-attack' : 'unclear', confidence: 1, reasons: [] };
      },
    }),
    c.sink,
  );
  await s.done();
  assert.equal(calls, c.records.length);
  assert.ok(c.records.filter((r) => r.kind === 'DENIED').every((r) => r.classification?.verdict === 'likely-attack'));
  await s.stop();
  host.cleanup();
});
