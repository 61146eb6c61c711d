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

const SVC = () => buildProfileIndex([{ path: '/p/svc', text: 'profile svc /usr/bin/svc {\n  /var/lib/svc/** rw,\n}\n' }], { roots: ['/p'] });
// verdicts do not depend on the result cache: each test below runs with it and without it
const MODES = [{ uncached: false }, { uncached: true }];

test('the seconds since a profile load are in the reasons of each record after it', () => {
  for (const mode of MODES) {
    const c = createClassifier(SVC(), mode);
    const recs = parse([
      kline(0, 'STATUS', 'operation="profile_replace" profile="unconfined" name="svc" pid=1 comm="apparmor_parser"'),
      ...[3, 4, 9, 25].map((t) => file(t, 'svc', 'open', '/var/lib/svc-data/x', 'r', { comm: 'svc' })),
    ]);
    const out = recs.map((r) => c.classify(r));
    const ages = out.slice(1).map((x) => x.reasons.find((s) => s.includes(' s after profile_replace of svc')));
    assert.deepEqual(
      ages.map((s) => s?.split(' ')[0]),
      ['3', '4', '9', '25'],
      JSON.stringify(mode),
    );
    assert.ok(out.slice(1).every((x) => x.verdict === out[1].verdict && x.verdict !== 'likely-attack'));
  }
});

test('a denial whose reasons do not name the process says no pid', () => {
  for (const mode of MODES) {
    const c = createClassifier(SVC(), mode);
    const recs = parse([
      kline(0, 'STATUS', 'operation="profile_replace" profile="unconfined" name="svc" pid=1 comm="apparmor_parser"'),
      ...[2001, 2002, 2003].map((pid) => file(5, 'svc', 'mknod', '/run/svc/svc.pid', 'c', { comm: 'svc', pid })),
    ]);
    const out = recs.map((r) => c.classify(r)).slice(1);
    for (const [i, x] of out.entries()) {
      assert.ok(
        x.reasons.some((s) => s.startsWith('5 s after profile_replace')),
        x.reasons.join('\n'),
      );
      assert.ok(!x.reasons.join('\n').includes(String(2001 + i)), 'the pid is in no reason');
      assert.deepEqual(x, out[0], 'the same verdict, reasons and suggestion for three pids in the same second');
    }
  }
});

test('a shell run by a web server is reported with the pid of the process that ran it', () => {
  const index = buildProfileIndex([{ path: '/p/nginx', text: 'profile nginx /usr/sbin/nginx {\n  /var/www/** r,\n}\n' }], { roots: ['/p'] });
  for (const mode of MODES) {
    const c = createClassifier(index, mode);
    const recs = parse(
      [4242, 4343, 4242].map((pid, i) => kline(i, 'DENIED', `operation="exec" class="file" profile="nginx" name="/bin/sh" pid=${pid} comm="nginx" requested_mask="x" denied_mask="x" fsuid=33 ouid=0`)),
    );
    const out = recs.map((r) => c.classify(r));
    assert.deepEqual(
      out.map((x) => x.verdict),
      ['likely-attack', 'likely-attack', 'likely-attack'],
    );
    assert.ok(out[1].reasons[0].includes('(pid 4343)') && !out[1].reasons.join('\n').includes('4242'), out[1].reasons.join('\n'));
    assert.ok(out[1].suggestion!.text.includes('/proc/4343 '), out[1].suggestion!.text);
    assert.ok(
      out[2].reasons.some((s) => s.startsWith('pid 4242 (nginx) already showed')),
      out[2].reasons.join('\n'),
    );
  }
});

test("a daemon's files under its service's name are its own: mysqld's /etc/mysql, sshd's /etc/ssh; a stem that names a file tree is no service", async () => {
  const { profileWords } = await import('../../src/classify/facts.js');
  assert.deepEqual(profileWords('/usr/sbin/mysqld'), ['mysqld', 'mysql']);
  assert.deepEqual(profileWords('/usr/sbin/sshd'), ['sshd', 'ssh']);
  assert.deepEqual(profileWords('/usr/sbin/nginx'), ['nginx']);
  assert.deepEqual(profileWords('/usr/bin/bind'), ['bind'], '`bin` names no service');
  // a denial of the real-world corpus: mysqld kept from its package's config
  const c = createClassifier(undefined);
  const [r] = parse([file(1, '/usr/sbin/mysqld', 'open', '/etc/mysql/my.cnf.dpkg-symbiosis', 'r', { pid: 812 })]);
  const v = c.classify(r);
  assert.equal(v.verdict, 'missing-rule');
  assert.ok(
    v.reasons.some((x) => x.includes("mysql's own /etc tree")),
    v.reasons.join(' | '),
  );
});
