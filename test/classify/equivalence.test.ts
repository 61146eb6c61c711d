/**
 * The caches change no verdict: the classifier as shipped (per-record cache, results shared between
 * records, the rule matcher) gives, record by record, exactly what deciding every record from
 * scratch gives, over the demo incident, libapparmor's corpus and generated floods (repeats,
 * pids that come back, a load in the middle, more distinct records than the cache holds).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logLines } from '../../bench/generate.mjs';
import { createClassifier } from '../../src/classify/index.js';
import type { AppArmorRecord, Classification } from '../../src/model/record.js';
import { loadProfileIndex } from '../../src/profiles/load.js';
import type { ProfileIndex } from '../../src/profiles/types.js';
import { asPlain, loadFixtureIndex, parseLenient } from './helpers.js';

const DEMO = join(import.meta.dirname, '..', '..', 'demo');

function assertSame(records: AppArmorRecord[], index: ProfileIndex | undefined, what: string): void {
  const fast = createClassifier(index);
  const ref = createClassifier(index, { uncached: true });
  const verdicts = new Set<string>();
  // results the cache handed out before: proof that the cached path was taken, not only the plain one
  const given = new Set<Classification>();
  let reused = 0;
  records.forEach((r, i) => {
    const got = fast.classify(r);
    const want = ref.classify(r);
    verdicts.add(got.verdict);
    if (given.has(got)) reused++;
    given.add(got);
    assert.deepEqual(asPlain(got), asPlain(want), `${what}, record ${i}: ${r.raw}`);
    // and written alike (a result filled in per record writes itself as the plain one)
    assert.equal(JSON.stringify(got), JSON.stringify(want), `${what}, record ${i}: ${r.raw}`);
  });
  assert.ok(verdicts.size >= 3, `${what}: several verdicts (${[...verdicts].join(', ')})`);
  assert.ok(reused > 0, `${what}: the cache shared results`);
}

test('the demo incident: cached and from-scratch classifications are identical', async () => {
  const { index } = await loadProfileIndex([join(DEMO, 'apparmor.d')]);
  const recs = parseLenient(readFileSync(join(DEMO, 'incident.log'), 'utf8').split('\n'));
  // twice through, so the second pass is all cache hits in a different sequence context
  assertSame([...recs, ...recs], index, 'demo');
});

test('the libapparmor corpus: identical with the fixture profiles and with none', async () => {
  const { index } = await loadFixtureIndex();
  const cases = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'libapparmor', 'cases.jsonl'), 'utf8')
    .trim()
    .split('\n');
  const recs = parseLenient(cases.flatMap((l) => (JSON.parse(l) as { in: string }).in.split('\n')));
  assertSame([...recs, ...recs], index, 'corpus');
  assertSame(recs, undefined, 'corpus without profiles');
});

test('generated floods: identical record by record, past the cache size, with pids reused', async () => {
  const { index } = await loadProfileIndex([join(DEMO, 'apparmor.d')]);
  for (const carrier of ['journal', 'auditlog'] as const) {
    const recs = parseLenient(logLines({ carrier, lines: 12000, share: 0.6, seed: 11 }));
    // a flood of distinct paths (more than the cache holds) and the same records again from few pids
    const unique = recs.map((r, i) => (r.fields.class === 'file' && r.fields.name?.startsWith('/') ? { ...r, fields: { ...r.fields, name: `${r.fields.name}.${i}` } } : r));
    const fewPids = recs.map((r, i) => (r.fields.pid && r.fields.pid !== '1' ? { ...r, fields: { ...r.fields, pid: String(3000 + (i % 3)) } } : r));
    assert.ok(recs.length > 5000, `${carrier}: ${recs.length} records`);
    assertSame([...recs, ...unique, ...fewPids], index, carrier);
  }
});

test('a record without a pid after the same record with one: named without "(pid ?)", as from scratch', async () => {
  const { index } = await loadProfileIndex([join(DEMO, 'apparmor.d')]);
  const line = '[10800.0] audit: type=1400 audit(1795316400.000:4003): apparmor="DENIED" operation="capable" profile="backup-agent"%PID% comm="backup-agent" capability=12 capname="net_admin"';
  const recs = parseLenient([line.replace('%PID%', ' pid=4242'), line.replace('%PID%', '')]);
  assert.equal(recs[1].fields.pid, undefined);
  const fast = createClassifier(index);
  const ref = createClassifier(index, { uncached: true });
  for (const r of recs) assert.deepEqual(asPlain(fast.classify(r)), asPlain(ref.classify(r)), r.raw);
  assert.ok(
    !createClassifier(index)
      .classify(recs[1])
      .reasons.some((x) => x.includes('pid ?')),
  );
});

test("a process's own /proc directory, named by name= or path=, after the same path read by another pid: the rule says so, as from scratch", async () => {
  const { index } = await loadProfileIndex([join(DEMO, 'apparmor.d')]);
  // `/proc/PID` with no slash after it is the process's own as much as `/proc/PID/status`: its
  // rule is `owner @{PROC}/@{pid}`, another's `@{PROC}/@{pids}`
  const lines = [
    'audit: type=1400 audit(1795316400.000:1): apparmor="DENIED" operation="open" profile="torbrowser_firefox" name="/proc/874474" pid=%PID% comm="firefox.real" requested_mask="r" denied_mask="r" fsuid=1000 ouid=1000',
    'audit: type=1400 audit(1795316400.000:2): apparmor="DENIED" operation="open" profile="demo-svc" path="/proc/874474" pid=%PID% comm="demo-svc" requested_mask="r" denied_mask="r"',
  ];
  for (const line of lines) {
    const recs = parseLenient(['6', '874474', '7', '874474'].map((pid) => line.replace('%PID%', pid)));
    const fast = createClassifier(index);
    const ref = createClassifier(index, { uncached: true });
    const rules: string[] = [];
    for (const r of recs) {
      const got = fast.classify(r);
      assert.deepEqual(asPlain(got), asPlain(ref.classify(r)), r.raw);
      rules.push(got.suggestion?.rules?.join(' ') ?? '');
    }
    assert.notEqual(rules[0], rules[1], `own and another's /proc told apart: ${rules[0]} / ${rules[1]}`);
  }
});
