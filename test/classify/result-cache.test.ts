/**
 * The classifier's result cache (src/classify/result-cache.ts): what it keeps, when it decides
 * again, how shared results are filled in per record, and that its placeholders never show. What
 * the verdicts are is tested elsewhere (units, scenarios, verdict-rule); that caching changes no
 * verdict is test/classify/equivalence.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClassifier } from '../../src/classify/index.js';
import { cutRendering, ResultCache, sharedClassification, type Decider } from '../../src/classify/result-cache.js';
import type { SequenceFindings } from '../../src/classify/verdict-rule.js';
import type { AppArmorRecord, Classification } from '../../src/model/record.js';
import { buildProfileIndex } from '../../src/profiles/index.js';
import { asPlain, file, kline, parse } from './helpers.js';

const SVC = () => buildProfileIndex([{ path: '/p/svc', text: 'profile svc /usr/bin/svc {\n  /var/lib/svc/** rw,\n}\n' }], { roots: ['/p'] });
const NONE: SequenceFindings = { repeated: false };

/** A decider that names the pid and the age in its reasons (or not) and counts its calls. */
function countingDecider(namesPid = true): Decider<string> & { examined: number; decided: number } {
  const d = {
    examined: 0,
    decided: 0,
    examine: (r: AppArmorRecord, pidText: string | undefined) => {
      d.examined++;
      return `${r.fields.name} by ${pidText ?? r.fields.pid}`;
    },
    brief: (c: string) => c,
    decide: (c: string, seen: SequenceFindings, pidText: string, ageText: string): Classification => {
      d.decided++;
      const reasons = namesPid ? [`${c}`, `pid ${pidText}`] : [c.replace(/ by .*/, '')];
      if (seen.load) reasons.push(`${ageText} s after the load`);
      return { verdict: 'unclear', confidence: 0.5, reasons, suggestion: { kind: 'none', text: namesPid ? `look at /proc/${pidText}` : 'look first' } };
    },
  };
  return d;
}

const denial = (pid: number | undefined, name = '/var/lib/svc-data/x') =>
  parse([kline(0, 'DENIED', `operation="open" class="file" profile="svc" name="${name}"${pid === undefined ? '' : ` pid=${pid}`} comm="svc" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`)])[0];

test('a record is examined once, whatever its pid; a different field is a different entry', () => {
  const d = countingDecider();
  const cache = new ResultCache(d);
  const a = cache.entry(denial(100));
  assert.equal(cache.entry(denial(200)), a, 'the pid is not part of the key');
  assert.notEqual(cache.entry(denial(100, '/var/lib/svc-data/y')), a);
  assert.notEqual(cache.entry(denial(undefined)), a, 'a record without a pid is not one with a pid');
  assert.notEqual(cache.entry(denial(1)), a, 'pid 1 is its own entry');
  assert.equal(d.examined, 4);
  assert.equal(a.brief, '/var/lib/svc-data/x by \u0001', 'examined with a placeholder for the pid');
});

test('a result is decided once per entry and sequence context and filled in per record', () => {
  const d = countingDecider();
  const cache = new ResultCache(d);
  const recs = [100, 200, 100, 300, 200].map((pid) => denial(pid));
  const out = recs.map((r) => cache.result(cache.entry(r), r, NONE, r.fields.pid!, ''));
  assert.equal(d.decided, 1);
  assert.deepEqual(
    out.map((x) => x.reasons[1]),
    ['pid 100', 'pid 200', 'pid 100', 'pid 300', 'pid 200'],
  );
  assert.deepEqual(
    out.map((x) => x.suggestion!.text),
    ['look at /proc/100', 'look at /proc/200', 'look at /proc/100', 'look at /proc/300', 'look at /proc/200'],
  );
  // the first use is not remembered (most shared results of one-off records are used once)
  assert.notEqual(out[2], out[0]);
  assert.equal(out[4], out[1], 'from the second use on, a pid that comes back gets the result filled in for it before');
  const shared = new Set(out.map((x) => sharedClassification(x)?.template));
  assert.equal(shared.size, 1, 'every result is filled in from one shared result');
  // another context: decided again, once
  const load: SequenceFindings = { repeated: false, load: { profile: 'svc', op: 'profile_replace', ageMs: 3000, id: 1 } };
  const later = [3, 4, 9].map((s) => cache.result(cache.entry(recs[0]), recs[0], { ...load, load: { ...load.load!, ageMs: s * 1000 } }, '100', String(s)));
  assert.equal(d.decided, 2);
  assert.deepEqual(
    later.map((x) => x.reasons[2]),
    ['3 s after the load', '4 s after the load', '9 s after the load'],
  );
  assert.equal(new Set(later.map((x) => sharedClassification(x)?.template)).size, 1, 'one decision for every second after the load');
});

test('a result filled in per record reads, copies and writes like the plain result decided alone', () => {
  const cached = new ResultCache(countingDecider());
  const alone = countingDecider();
  const r = denial(100);
  const load: SequenceFindings = { repeated: false, load: { profile: 'svc', op: 'profile_replace', ageMs: 3000, id: 1 } };
  const got = cached.result(cached.entry(r), r, load, '100', '3');
  assert.ok(sharedClassification(got), 'filled in from a shared result');
  // decided alone: the decider with the values written in
  const want = alone.decide(alone.examine(r, undefined), load, '100', '3');
  assert.deepEqual(asPlain(got), want);
  assert.equal(JSON.stringify(got), JSON.stringify(want), 'JSON.stringify writes the texts');
  assert.equal(JSON.stringify({ c: got }), JSON.stringify({ c: want }), 'inside another object too');
  assert.equal(got.reasons, got.reasons, 'filled once, the same array on every read');
  assert.equal(got.suggestion, got.suggestion);
  assert.deepEqual(Object.keys(got), ['verdict', 'confidence'], 'no placeholder text in its own keys');
  assert.ok(!JSON.stringify(got).includes('\\u0001') && !JSON.stringify(got).includes('\\u0002'));
});

test('a record seen once keeps no examination; a second context examines again once and keeps it', () => {
  const d = countingDecider();
  const cache = new ResultCache(d);
  const r = denial(100);
  const e = cache.entry(r);
  cache.result(e, r, NONE, '100', '');
  assert.equal((e as unknown as { examined?: string }).examined, undefined, 'let go once its first result is decided');
  const again = denial(200);
  const repeated: SequenceFindings = { repeated: true };
  const got = cache.result(cache.entry(again), again, repeated, '200', '');
  assert.equal(d.examined, 2, 'examined again from the record in hand');
  assert.deepEqual(got.reasons, ['/var/lib/svc-data/x by 200', 'pid 200']);
  const load: SequenceFindings = { repeated: false, load: { profile: 'svc', op: 'profile_replace', ageMs: 3000, id: 1 } };
  cache.result(cache.entry(r), r, load, '100', '3');
  assert.equal(d.examined, 2, 'kept for the contexts after');
  assert.equal(d.decided, 3);
});

test('a record seen once is kept on trial only: seen again soon it is admitted as it is, seen again later it is examined again', () => {
  const d = countingDecider();
  const cache = new ResultCache(d);
  const at = (name: string, pid = 100) => {
    const r = denial(pid, name);
    return cache.result(cache.entry(r), r, NONE, String(pid), '');
  };
  at('/srv/a');
  at('/srv/b');
  at('/srv/a', 101);
  assert.equal(d.examined, 2, 'seen again on trial: not examined again');
  // many other first sightings: /srv/b leaves the trial (its key is remembered)
  for (let i = 0; i < 40; i++) at(`/srv/other-${i}`);
  const examined = d.examined;
  const later = at('/srv/b', 102);
  assert.equal(d.examined, examined + 1, 'past its trial: examined again');
  for (let i = 0; i < 40; i++) at(`/srv/more-${i}`);
  at('/srv/b', 103);
  at('/srv/a', 104);
  assert.equal(d.examined, examined + 41, 'both admitted: kept past the trial');
  assert.deepEqual(later.reasons, ['/srv/b by 102', 'pid 102']);
});

test("a first sighting's texts are looked into only once its record is seen again", () => {
  let reads = 0;
  const texts = (pidText: string) => ({
    verdict: 'unclear' as const,
    confidence: 0.5,
    get reasons() {
      reads++;
      return [`pid ${pidText}`];
    },
    suggestion: { kind: 'none' as const, text: 'look first' },
  });
  const cache = new ResultCache<string>({ examine: (r) => r.fields.name!, brief: (c) => c, decide: (_c, _seen, pidText) => texts(pidText) });
  const one = denial(100);
  const first = cache.result(cache.entry(one), one, NONE, '100', '');
  assert.equal(reads, 0, 'a one-off record: nothing written or read');
  assert.deepEqual(first.reasons, ['pid 100'], 'read when asked for');
  const two = denial(200);
  assert.deepEqual(cache.result(cache.entry(two), two, NONE, '200', '').reasons, ['pid 200']);
});

test('a result that names no per-record value is one object for every record it fits, once its record is seen again', () => {
  const d = countingDecider(false);
  const cache = new ResultCache(d);
  const out = [100, 200, 300, 400].map((pid) => denial(pid)).map((r) => cache.result(cache.entry(r), r, NONE, r.fields.pid!, ''));
  assert.ok(out[2] === out[1] && out[3] === out[1]);
  assert.equal(sharedClassification(out[1]), undefined, 'nothing to fill in');
  // the first sighting's result was handed out before its texts were written: filled in for its
  // record, it reads the same
  assert.deepEqual(asPlain(out[0]), asPlain(out[1]));
  assert.equal(JSON.stringify(out[0]), JSON.stringify(out[1]));
  // an output keeps its rendering of a template as one to fill in: the result handed out as it is
  // is never that template
  assert.notEqual(sharedClassification(out[0])?.template, out[1]);
});

test('values that do not come back: filled-in results stop being remembered, and read the same', () => {
  const d = countingDecider();
  const cache = new ResultCache(d);
  const alone = countingDecider();
  const recent = () => (cache as unknown as { young: Map<number, { plain?: { recent?: unknown[] } }> }).young.values().next().value!.plain!.recent!;
  // a new pid per record, then pids that come back
  const pids = [...Array.from({ length: 40 }, (_, i) => 1000 + i), ...Array.from({ length: 20 }, () => 7)];
  const out = pids.map((pid) => {
    const r = denial(pid);
    const got = cache.result(cache.entry(r), r, NONE, String(pid), '');
    assert.deepEqual(asPlain(got), alone.decide(alone.examine(r, undefined), NONE, String(pid), ''), `pid ${pid}`);
    return got;
  });
  assert.equal(d.decided, 1);
  assert.ok(!recent().includes(out[38]) && !recent().includes(out[37]), 'after a run of misses, not every result is kept');
  assert.ok(recent().includes(out[32]), 'one in a while is');
  assert.equal(out[59], out[58], 'a value that comes back after a run finds its result again');
});

test('uncached: every record examined and decided from scratch, with the same results', () => {
  const d = countingDecider();
  const cached = new ResultCache(countingDecider());
  const plain = new ResultCache(d, true);
  for (const r of [100, 200, 100].map((pid) => denial(pid))) {
    assert.deepEqual(asPlain(plain.result(plain.entry(r), r, NONE, r.fields.pid!, '')), asPlain(cached.result(cached.entry(r), r, NONE, r.fields.pid!, '')));
  }
  assert.equal(d.examined, 3);
  assert.equal(d.decided, 3);
});

test('the classifier shares results: a flood of one denial from a few processes', () => {
  const c = createClassifier(SVC());
  const out = parse(Array.from({ length: 50 }, (_, i) => file(i % 3, 'svc', 'open', '/var/lib/svc-data/x', 'r', { comm: 'svc', pid: 2000 + (i % 3) }))).map((r) => c.classify(r));
  assert.ok(
    out.every((x) => x.suggestion === out[0].suggestion),
    'one suggestion object',
  );
  assert.ok(new Set(out).size <= 3, 'no more results than distinct pids');
});

test('a name holding the placeholder characters is reported as it is, not with the pid spliced in, and not shared', async () => {
  const { recordToNdjson } = await import('../../src/outputs/json.js');
  const hex = (s: string) => Buffer.from(s).toString('hex').toUpperCase();
  for (const mark of ['\u0001', '\u0002']) {
    const c = createClassifier(SVC());
    const name = `/etc/shadow${mark}x`;
    const [r] = parse([kline(0, 'DENIED', `operation="open" class="file" profile="svc" name=${hex(name)} pid=4242 comm="svc" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`)]);
    assert.equal(r.fields.name, name);
    r.classification = c.classify(r);
    const text = r.classification.reasons.join('\n');
    assert.ok(text.includes(name), `the name as decoded: ${JSON.stringify(text)}`);
    assert.ok(!text.includes('/etc/shadow4242'), 'no pid where the control character was');
    assert.equal(sharedClassification(r.classification), undefined);
    const json = JSON.parse(recordToNdjson(r));
    assert.ok((json.reasons as string[]).join('\n').includes(name));
  }
});

test('a rendering is cut at the written placeholders only, not where a text spells the same escape', () => {
  const d = countingDecider();
  const cache = new ResultCache(d);
  const r = denial(4242, '/tmp/\\u0001\\\\u0002/sh');
  const got = cache.result(cache.entry(r), r, NONE, '4242', '');
  const shared = sharedClassification(got)!;
  const jsonText = (s: string) => JSON.stringify(s).slice(1, -1);
  const cut = cutRendering(JSON.stringify(shared.template.reasons), jsonText);
  assert.equal(cut.length, 5, 'two slots: the pid in the examined text and in the reason');
  assert.equal(shared.fill(cut, jsonText), JSON.stringify(got.reasons));
  assert.equal(
    shared.fill(cut, () => '"q"'),
    JSON.stringify(got.reasons).replaceAll('4242', '"q"'),
    'each value written as asked',
  );
});

test('dropped (an idle view): a record is examined again, and decides as before', () => {
  const d = countingDecider();
  const cache = new ResultCache(d);
  const r = denial(100);
  const first = cache.result(cache.entry(r), r, NONE, '100', '');
  cache.entry(denial(200));
  assert.equal(d.examined, 1);
  cache.drop();
  const again = cache.result(cache.entry(r), r, NONE, '100', '');
  assert.equal(d.examined, 2, 'examined again after the drop');
  assert.deepEqual(asPlain(again), asPlain(first));
});
