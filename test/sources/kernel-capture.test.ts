// The real-kernel capture (test/fixtures/kernel: a Debian 6.1 kernel with AppArmor 3.0, captured
// without and then with auditd) replayed through the fake journalctl and dmesg and a real audit.log:
// the merged session holds exactly the union of what each carrier holds, each record once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AppArmorRecord } from '../../src/model/record.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { contentHash } from '../../src/pipeline/dedupe.js';
import { startLiveSources } from '../../src/sources/index.js';
import { Collect, FAST, fakeHost, FIXTURES, healthOf, liveOpts } from './helpers.js';

const KERNEL = resolve(FIXTURES, '../kernel');
const read = (f: string) => readFileSync(join(KERNEL, f), 'utf8');

/** The distinct records of one carrier file, by audit id and content. */
function distinct(text: string): Set<string> {
  const keys = new Set<string>();
  const p = new Pipeline({ record: (r: AppArmorRecord) => void keys.add(`${r.auditId} ${contentHash(r).join(',')}`) });
  const parser = p.parserFor('f');
  for (const l of text.split('\n')) if (l) parser.push(l);
  parser.end();
  return keys;
}

test('real kernel capture: journal (both transports), dmesg and audit.log merge to the union', async () => {
  const host = fakeHost({ journal: false, dmesg: false, auditLog: true });
  // the journal as journalctl would print both transports: in journal order
  const entries = [...read('journal-k-json.ndjson').split('\n'), ...read('journal-audit-json.ndjson').split('\n')].filter(Boolean);
  entries.sort((a, b) => Number(JSON.parse(a).__REALTIME_TIMESTAMP) - Number(JSON.parse(b).__REALTIME_TIMESTAMP));
  writeFileSync(join(host.dir, 'journal.jsonl'), `${entries.join('\n')}\n`);
  copyFileSync(join(KERNEL, 'dmesg.txt'), join(host.dir, 'dmesg.txt'));
  copyFileSync(join(KERNEL, 'audit.log'), host.auditLog);
  const first = JSON.parse(entries[0]) as Record<string, string>;
  const boot = Math.floor((Number(first.__REALTIME_TIMESTAMP) - Number(first.__MONOTONIC_TIMESTAMP)) / 1000);

  const c = new Collect();
  // time order is asserted: the backfill hold outlasts a slow start of the fake tools on a loaded
  // machine (see journal-source.test.ts); it ends as soon as every source is read
  const s = await startLiveSources(liveOpts(host, { follow: false, clock: { bootTime: boot }, hostname: 'aa-guest', tuning: { ...FAST, backfillHoldMs: 60_000 } }), c.sink);
  await s.done();
  try {
    const kernel = distinct(read('journal-k-json.ndjson'));
    const audit = distinct(read('journal-audit-json.ndjson'));
    const ring = distinct(read('dmesg.txt'));
    const auditLog = distinct(read('audit.log'));
    const union = new Set([...kernel, ...audit, ...ring, ...auditLog]);
    // what the real kernel showed: the kernel log lost records the audit channel kept
    assert.ok(audit.size > kernel.size, `audit channel ${audit.size} > kernel log ${kernel.size}`);
    const got = c.records.map((r) => `${r.auditId} ${contentHash(r).join(',')}`);
    assert.equal(new Set(got).size, got.length, 'no record twice');
    assert.deepEqual(new Set(got), union);
    assert.ok(c.records.every((r) => r.host === 'aa-guest'));
    const times = c.records.map((r) => r.time!);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      'in time order',
    );
    // the kernel's rate-limit notices are surfaced once each, though dmesg and the kernel transport both carry them
    const suppressed = c.loss.filter((n) => n.kind === 'printk-suppressed');
    assert.equal(suppressed.length, (read('dmesg.txt').match(/callbacks suppressed/g) ?? []).length);
    const delivered = (n: string) => healthOf(s, n).records + (healthOf(s, n).duplicates ?? 0);
    assert.equal(delivered('audit'), audit.size);
    assert.equal(delivered('journal'), kernel.size);
  } finally {
    await s.stop();
    host.cleanup();
  }
});
