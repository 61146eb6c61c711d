// Live: the kernel log (fake dmesg replaying a real capture) loses records to its rate limit; the
// journal's audit channel (fake journalctl replaying the same boot's _TRANSPORT=audit entries)
// holds them. The session's loss notices say recovered only when the audit channel was read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startLiveSources } from '../../src/sources/index.js';
import { Collect, fakeHost, liveOpts, waitFor } from './helpers.js';

const KERNEL = resolve('test/fixtures/kernel');

async function run(sources: ('dmesg' | 'audit')[]) {
  const host = fakeHost({ journal: false, dmesg: false });
  copyFileSync(join(KERNEL, 'dmesg.txt'), join(host.dir, 'dmesg.txt'));
  copyFileSync(join(KERNEL, 'journal-audit-json.ndjson'), join(host.dir, 'journal.jsonl'));
  const c = new Collect();
  let done = false;
  const s = await startLiveSources(liveOpts(host, { sources, follow: false, facts: { ...host.facts, journaldAudit: true }, clock: {} }), c.sink);
  void s.done().then(() => (done = true));
  try {
    await waitFor('the sources read to their end', () => done, 60_000);
    return c.loss;
  } finally {
    await s.stop();
    host.cleanup();
  }
}

test('live: dmesg with the journal audit channel read too: every suppressed record recovered', async () => {
  const loss = await run(['dmesg', 'audit']);
  assert.equal(
    loss.reduce((n, x) => n + x.count, 0),
    179,
  );
  assert.ok(
    loss.every((n) => n.recovery?.coveredBy() === 'audit'),
    JSON.stringify(loss.map((n) => n.recovery?.coveredBy())),
  );
});

test('live: dmesg alone: nothing recovered', async () => {
  const loss = await run(['dmesg']);
  assert.equal(
    loss.reduce((n, x) => n + x.count, 0),
    179,
  );
  assert.ok(loss.every((n) => n.recovery?.coveredBy() === undefined));
});
