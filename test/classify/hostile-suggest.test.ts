// Every value in a suggested rule comes from a log line, written by whoever controls the confined
// process. A suggested rule never matches more than the denied access and is always one valid rule
// line; when a value cannot be written that way, no rule is suggested.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClassifier } from '../../src/classify/index.js';
import { gatherFacts } from '../../src/classify/facts.js';
import { missingRuleSuggestion } from '../../src/classify/suggest.js';
import { buildProfileIndex } from '../../src/profiles/index.js';
import { file, kline, net, parse } from './helpers.js';

const hex = (s: string) => Buffer.from(s).toString('hex').toUpperCase();

const INDEX = buildProfileIndex([{ path: '/p/svc', text: 'profile svc /usr/bin/svc {\n  /var/lib/svc/** rw,\n}\n' }], { roots: ['/p'] });

/** An AppArmor glob character that is not escaped. */
const UNESCAPED_GLOB = /(?<!\\)[*?[\]{}^]/;

/** One rule line: printable, ends in a comma, no glob character from the log left unescaped. */
export function assertSafeRule(rule: string, what: string): void {
  assert.ok(!/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(rule), `${what}: control character in ${JSON.stringify(rule)}`);
  assert.ok(rule.endsWith(','), `${what}: ${rule}`);
  assert.ok(!UNESCAPED_GLOB.test(rule.replace(/^@\{PROC\}\/@\{pid\}\//, '')), `${what}: unescaped glob in ${rule}`);
}

function rulesFor(line: string): string[] | undefined {
  // the rule that would be suggested were the denial judged a missing rule, whatever the verdict
  const [r] = parse([line]);
  return missingRuleSuggestion(gatherFacts(r, INDEX), { signals: [], neighbours: [] }, INDEX).rules;
}

test("the process's own /proc path with control characters gets no rule, never a rule spanning lines", () => {
  for (const name of ['/proc/1000/fd/a\nb', '/proc/1000/a\u0000b', '/proc/1000/\x1b[2Jx', '/proc/1000/a"b', '/proc/1000/a\\b']) {
    const line = kline(0, 'DENIED', `operation="open" class="file" profile="svc" name=${hex(name)} pid=1000 comm="svc" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`);
    const rules = rulesFor(line);
    for (const r of rules ?? []) assertSafeRule(r, JSON.stringify(name));
  }
  const plain = rulesFor(file(0, 'svc', 'open', '/proc/1000/status', 'r', { pid: 1000 }));
  assert.deepEqual(plain, ['owner @{PROC}/@{pid}/status r,']);
  // a name with pattern characters is not generalised: it stays this pid's path, escaped
  const starred = rulesFor(file(0, 'svc', 'open', '/proc/1000/a*^b', 'r', { pid: 1000 }));
  assert.deepEqual(starred, ['/proc/1000/a\\*\\^b r,']);
});

test('peer labels and dbus values are escaped, never used as globs', () => {
  const sig = rulesFor(kline(0, 'DENIED', 'operation="signal" class="signal" profile="svc" pid=1000 comm="svc" requested_mask="send" denied_mask="send" signal=kill peer="*"'));
  assert.deepEqual(sig, ['signal (send) set=(kill) peer=\\*,']);
  const pt = rulesFor(kline(0, 'DENIED', 'operation="ptrace" class="ptrace" profile="svc" pid=1000 comm="svc" requested_mask="read" denied_mask="read" peer="/usr/**"'));
  assert.deepEqual(pt, ['ptrace (read) peer=/usr/\\*\\*,']);
  const db = rulesFor(
    kline(0, 'DENIED', 'operation="dbus_method_call" bus="system" path="/org/**" interface="org.*" member="*" mask="send" name="org.x" pid=1000 label="svc" peer_pid=1 peer_label="unconfined"'),
  );
  assert.ok(db, 'a dbus rule');
  for (const r of db) assertSafeRule(r, 'dbus');
  assert.match(db[0], /path=\/org\/\\\*\\\* interface=org\.\\\* member=\\\*/);
});

test('a value that cannot be written safely leaves out the rule, not the condition', () => {
  // without its peer, a signal rule would allow sending to every process
  const spaced = rulesFor(kline(0, 'DENIED', `operation="signal" class="signal" profile="svc" pid=1000 comm="svc" requested_mask="send" denied_mask="send" signal=kill peer=${hex('a b*')}`));
  assert.equal(spaced, undefined);
  const noPeer = rulesFor(kline(0, 'DENIED', 'operation="signal" class="signal" profile="svc" pid=1000 comm="svc" requested_mask="send" denied_mask="send" signal=kill'));
  assert.equal(noPeer, undefined);
  const noSig = rulesFor(kline(0, 'DENIED', 'operation="signal" class="signal" profile="svc" pid=1000 comm="svc" requested_mask="send" denied_mask="send" peer="other"'));
  assert.equal(noSig, undefined);
});

test('a socket denial without a socket type suggests no network rule (network inet, allows every type)', () => {
  const typed = rulesFor(net(0, 'svc', 'inet', 'stream', 6));
  assert.deepEqual(typed, ['network inet stream,']);
  const untyped = rulesFor(kline(0, 'DENIED', 'operation="create" class="net" profile="svc" pid=1000 comm="svc" family="inet" protocol=6 requested_mask="create" denied_mask="create"'));
  assert.equal(untyped, undefined);
  // the kernel writes unknown(N) for a domain or type it has no name for: no rule names it (a
  // network rule's words are keywords, never quoted)
  const [unknownLine] = parse([
    kline(0, 'DENIED', 'operation="create" class="net" profile="svc" pid=1000 comm="svc" family="inet" sock_type="unknown(1234)" protocol=6 requested_mask="create" denied_mask="create"'),
  ]);
  const unknownType = missingRuleSuggestion(gatherFacts(unknownLine, INDEX), { signals: [], neighbours: [] }, INDEX);
  assert.equal(unknownType.rules, undefined);
  assert.match(unknownType.text, /no rule is suggested: the record leaves out a condition the rule needs, or has one no rule can name/);
  assert.equal(
    rulesFor(kline(0, 'DENIED', 'operation="create" class="net" profile="svc" pid=1000 comm="svc" family="unknown(45)" sock_type="dgram" protocol=0 requested_mask="create" denied_mask="create"')),
    undefined,
  );
});

test('a name with .. components is a signal of its own and never becomes a rule', () => {
  const index = buildProfileIndex([{ path: '/p/nginx', text: 'profile nginx /usr/sbin/nginx {\n  /var/log/nginx/** w,\n}\n' }], { roots: ['/p'] });
  const c = createClassifier(index);
  const [r] = parse([file(0, 'nginx', 'open', '/var/log/nginx/../../../etc/shadow', 'w', { comm: 'nginx' })]);
  const got = c.classify(r);
  assert.notEqual(got.verdict, 'missing-rule');
  assert.equal(got.suggestion?.rules, undefined);
  assert.ok(
    got.reasons.some((x) => x.includes('..')),
    got.reasons.join(' | '),
  );
  assert.equal(rulesFor(file(0, 'svc', 'open', '/var/lib/svc/../x', 'r')), undefined);
  assert.equal(rulesFor(file(0, 'svc', 'open', '/proc/1000/../1/environ', 'r', { pid: 1000 })), undefined);
  // a file named with dots is not a traversal
  assert.deepEqual(rulesFor(file(0, 'svc', 'open', '/var/lib/x/..data', 'r')), ['/var/lib/x/..data r,']);
});

test('binding a bus name and eavesdropping get rules of their own forms (a message rule with them does not compile)', () => {
  const bind = rulesFor('apparmor="DENIED" operation="dbus_bind"  bus="session" name="com.apparmor.Test" mask="bind" pid=2940 label="/usr/bin/svc"');
  assert.deepEqual(bind, ['dbus bind bus=session name=com.apparmor.Test,']);
  const eavesdrop = rulesFor(
    'apparmor="DENIED" operation="dbus_method_call"  bus="session" name="org.freedesktop.DBus" path="/org/freedesktop/DBus" interface="org.freedesktop.DBus" member="Hello" mask="eavesdrop" pid=2922 label="/usr/bin/svc"',
  );
  assert.deepEqual(eavesdrop, ['dbus eavesdrop bus=session,']);
  const send = rulesFor(
    'apparmor="DENIED" operation="dbus_method_call"  bus="session" name="org.freedesktop.DBus" path="/org/freedesktop/DBus" interface="org.freedesktop.DBus" member="Hello" mask="send" pid=2922 label="/usr/bin/svc"',
  );
  assert.deepEqual(send, ['dbus send bus=session path=/org/freedesktop/DBus interface=org.freedesktop.DBus member=Hello peer=(name=org.freedesktop.DBus),']);
  assert.equal(rulesFor('apparmor="DENIED" operation="dbus_bind"  bus="session" name="com.x" mask="bind send" pid=1 label="/usr/bin/svc"'), undefined, 'one rule cannot hold both forms');
});

test("a log's names are never keys to Object's own properties: an operation or a capability named like one gets no rule and no rank", () => {
  // operation="toString" once made `unix (function toString() { [native code] }) type=stream,`
  assert.equal(rulesFor(kline(0, 'DENIED', 'operation="toString" class="unix" profile="svc" pid=5 comm="svc" family="unix" sock_type="stream" protocol=0')), undefined);
  for (const name of ['constructor', 'toString', '__proto__', 'cap']) {
    const line = kline(0, 'DENIED', `operation="capable" class="cap" profile="/usr/sbin/nginx" pid=5 comm="nginx" capability=99 capname="${name}"`);
    assert.equal(rulesFor(line), undefined, `capability ${name}: not a capability, no rule`);
    const [r] = parse([line]);
    const c = createClassifier(undefined).classify(r);
    assert.ok(!c.reasons.some((x) => /native code|function/.test(x)), c.reasons.join(' | '));
  }
  assert.deepEqual(rulesFor(kline(0, 'DENIED', 'operation="capable" class="cap" profile="svc" pid=5 comm="svc" capability=12 capname="net_admin"')), ['capability net_admin,']);
});

test("an abstraction is suggested only for what it allows this process: its owner rules do not cover another user's file", () => {
  const index = buildProfileIndex(
    [
      { path: '/etc/apparmor.d/svc', text: 'profile svc /usr/bin/svc {\n  /var/lib/svc/** rw,\n}\n' },
      { path: '/etc/apparmor.d/abstractions/fonts', text: '  /usr/share/fonts/** r,\n  owner /usr/local/share/fonts/** r,\n' },
    ],
    { roots: ['/etc/apparmor.d'] },
  );
  // one classifier: its cache must tell the owner's read from another's
  const classifier = createClassifier(index);
  const read = (name: string, fsuid: number, ouid: number) => classifier.classify(parse([file(0, 'svc', 'open', name, 'r', { comm: 'svc', fsuid, ouid })])[0]);
  assert.deepEqual(read('/usr/share/fonts/x.ttf', 1000, 0).suggestion?.rules, ['include <abstractions/fonts>']);
  // owned by the process's own uid: the owner rule holds
  assert.deepEqual(read('/usr/local/share/fonts/x.ttf', 1000, 1000).suggestion?.rules, ['include <abstractions/fonts>']);
  // another user's file: the include would not allow it
  const other = read('/usr/local/share/fonts/x.ttf', 1000, 0);
  assert.ok(!other.reasons.some((r) => /covered by <abstractions\/fonts>/.test(r)), other.reasons.join(' | '));
  assert.notDeepEqual(other.suggestion?.rules, ['include <abstractions/fonts>']);
});
