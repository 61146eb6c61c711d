import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClassifier } from '../../src/classify/index.js';
import { rulePath } from '../../src/classify/suggest.js';
import { SequenceMemory } from '../../src/classify/sequence.js';
import { buildProfileIndex } from '../../src/profiles/index.js';
import { compileGlob } from '../../src/profiles/glob.js';
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
