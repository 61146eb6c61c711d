import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClassifier } from '../../src/classify/index.js';
import { rulePath } from '../../src/classify/suggest.js';
import { SequenceMemory } from '../../src/classify/sequence.js';
import { buildProfileIndex } from '../../src/profiles/index.js';
import { compileGlob } from '../../src/profiles/glob.js';
import { FILLED_FROM } from '../../src/model/record.js';
import { file, kline, parse } from './helpers.js';

test('a path from a log becomes a rule that allows exactly that path', () => {
  assert.equal(rulePath('/srv/media/thumbs/Café menu (1).png'), '"/srv/media/thumbs/Café menu (1).png"');
  const starry = rulePath('/srv/a*b/{x}/@{HOME}')!;
  assert.equal(starry, '/srv/a\\*b/\\{x\\}/\\@\\{HOME\\}');
  const re = compileGlob(starry, new Map()).re;
  assert.ok(re.test('/srv/a*b/{x}/@{HOME}'));
  assert.ok(!re.test('/srv/aXb/x/'), 'glob characters from the log do not widen the rule');
  assert.equal(rulePath('/srv/a b/*'), undefined, 'quoting and glob escapes together: no rule');
  assert.equal(rulePath('/tmp/a\nb'), undefined, 'control characters: no rule');
  assert.equal(rulePath('/tmp/a"b'), undefined);
  assert.equal(rulePath('relative/path'), undefined);
});

test('an attacker-named file gets no rule that reaches wider than the file', () => {
  const index = buildProfileIndex([{ path: '/p/svc', text: 'profile svc /usr/bin/svc {\n  /var/lib/svc/** rw,\n}\n' }], { roots: ['/p'] });
  const c = createClassifier(index);
  const [r] = parse([file(0, 'svc', 'open', '/var/lib/svc-data/**', 'r', { comm: 'svc' })]);
  const got = c.classify(r);
  assert.equal(got.verdict, 'missing-rule');
  assert.deepEqual(got.suggestion!.rules, ['/var/lib/svc-data/\\*\\* r,']);
});

test('non-denials are info; unknown kinds too', () => {
  const c = createClassifier(undefined);
  const [st, hint] = parse([
    kline(0, 'STATUS', 'operation="profile_remove" profile="unconfined" name="foo" pid=1 comm="apparmor_parser"'),
    kline(1, 'HINT', 'operation="exec" profile="foo" name="/bin/true" pid=2 comm="x"'),
  ]);
  assert.equal(c.classify(st).verdict, 'info');
  assert.match(c.classify(st).reasons[0], /profile_remove of foo by apparmor_parser \(pid 1\)/);
  assert.equal(c.classify(hint).verdict, 'info');
});

test('sequence memory stays bounded and forgets outside its window', () => {
  const m = new SequenceMemory();
  for (let i = 0; i < 20000; i++) m.noteAttack(`${i}`, `profile-${i}`, 'exec-shell', i);
  assert.equal(m.priorAttacks('0', 'profile-0', 20000), undefined, 'the oldest pids were evicted');
  assert.deepEqual(m.priorAttacks('19999', 'profile-19999', 20000)?.tags, ['exec-shell']);
  assert.equal(m.priorAttacks('19999', 'profile-19999', 20000 + 3_600_000), undefined, 'an hour later it is not a sequence');
});

test('a classification is computed once per distinct record and reused for repeats', () => {
  const index = buildProfileIndex([{ path: '/p/svc', text: 'profile svc /usr/bin/svc {\n  /var/lib/svc/** rw,\n}\n' }], { roots: ['/p'] });
  const c = createClassifier(index);
  const lines = Array.from({ length: 50 }, (_, i) => file(i, 'svc', 'open', '/var/lib/svc-data/x', 'r', { comm: 'svc' }));
  const out = parse(lines).map((r) => c.classify(r));
  assert.ok(out.every((x) => x.verdict === out[0].verdict && x.suggestion === out[0].suggestion));
});

test('a name holding the classifier\'s own placeholder characters is reported as it is, not with the pid spliced in', async () => {
  const { recordToNdjson } = await import('../../src/outputs/json.js');
  const index = buildProfileIndex([{ path: '/p/svc', text: 'profile svc /usr/bin/svc {\n  /var/lib/svc/** rw,\n}\n' }], { roots: ['/p'] });
  const hex = (s: string) => Buffer.from(s).toString('hex').toUpperCase();
  for (const mark of ['\u0001', '\u0002']) {
    const c = createClassifier(index);
    const name = `/etc/shadow${mark}x`;
    const [r] = parse([kline(0, 'DENIED', `operation="open" class="file" profile="svc" name=${hex(name)} pid=4242 comm="svc" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`)]);
    assert.equal(r.fields.name, name);
    r.classification = c.classify(r);
    const text = r.classification.reasons.join('\n');
    assert.ok(text.includes(name), `the name as decoded: ${JSON.stringify(text)}`);
    assert.ok(!text.includes('/etc/shadow4242'), 'no pid where the control character was');
    const json = JSON.parse(recordToNdjson(r));
    assert.ok((json.reasons as string[]).join('\n').includes(name));
  }
});

test('the seconds since a profile load are filled in per record; the verdict behind them is decided once', async () => {
  const { recordToJson, recordToNdjson } = await import('../../src/outputs/json.js');
  const index = buildProfileIndex([{ path: '/p/svc', text: 'profile svc /usr/bin/svc {\n  /var/lib/svc/** rw,\n}\n' }], { roots: ['/p'] });
  const c = createClassifier(index);
  const recs = parse([
    kline(0, 'STATUS', 'operation="profile_replace" profile="unconfined" name="svc" pid=1 comm="apparmor_parser"'),
    ...[3, 4, 9, 25].map((t) => file(t, 'svc', 'open', '/var/lib/svc-data/x', 'r', { comm: 'svc' })),
  ]);
  const out = recs.map((r) => (r.classification = c.classify(r)));
  const ages = out.slice(1).map((x) => x.reasons.find((s) => s.includes(' s after profile_replace of svc')));
  assert.deepEqual(ages.map((s) => s?.split(' ')[0]), ['3', '4', '9', '25']);
  const shared = new Set(out.slice(1).map((x) => x[FILLED_FROM]?.template));
  assert.equal(shared.size, 1, 'one decision for every second after the load');
  assert.ok([...shared][0], 'a shared decision with the age filled in');
  for (const r of recs) assert.equal(recordToNdjson(r), `${JSON.stringify(recordToJson(r))}\n`);
});

test('NDJSON fills the pid only where the placeholder is, not where a name spells the same escape', async () => {
  const { recordToJson, recordToNdjson } = await import('../../src/outputs/json.js');
  const c = createClassifier(undefined);
  const hex = (s: string) => Buffer.from(s).toString('hex').toUpperCase();
  // a shell exec (an attack, whose reasons name the pid) from a directory spelled with backslash-u0001
  const lines = [4242, 4343].map((pid, i) =>
    kline(i, 'DENIED', `operation="exec" class="file" profile="svc" name=${hex('/tmp/\\u0001\\\\u0002/sh')} pid=${pid} comm="sh" requested_mask="x" denied_mask="x" fsuid=0 ouid=0`),
  );
  for (const r of parse(lines)) {
    r.classification = c.classify(r);
    assert.equal(recordToNdjson(r), `${JSON.stringify(recordToJson(r))}\n`);
  }
});

test('records that differ only in a value their verdict does not mention share one result', () => {
  const index = buildProfileIndex([{ path: '/p/svc', text: 'profile svc /usr/bin/svc {\n  /var/lib/svc/** rw,\n}\n' }], { roots: ['/p'] });
  const c = createClassifier(index);
  const recs = parse([
    kline(0, 'STATUS', 'operation="profile_replace" profile="unconfined" name="svc" pid=1 comm="apparmor_parser"'),
    ...[2001, 2002, 2003].map((pid) => file(5, 'svc', 'mknod', '/run/svc/svc.pid', 'c', { comm: 'svc', pid })),
  ]);
  const out = recs.map((r) => c.classify(r)).slice(1);
  assert.ok(out[0].reasons.some((s) => s.startsWith('5 s after profile_replace')), out[0].reasons.join('\n'));
  assert.ok(!out[0].reasons.join('\n').includes('2001'), 'the pid is in no reason');
  assert.ok(out[1] === out[0] && out[2] === out[0], 'one result for three pids in the same second');
});
