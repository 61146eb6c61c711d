/**
 * AppArmor 4's io_uring and message-queue denials, and unix sockets whose record names both ends:
 * each read as what it is (never as a file), with a verdict, a reason and the rule for exactly
 * the access; lines shaped like the kernel's (Linux 6.12, Ubuntu's kernels, AppArmor's own tests).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClassifier } from '../../src/classify/index.js';
import { gatherFacts } from '../../src/classify/facts.js';
import { missingRuleSuggestion } from '../../src/classify/suggest.js';
import { buildProfileIndex } from '../../src/profiles/index.js';
import { kline, parse } from './helpers.js';

const classify = (line: string, index?: ReturnType<typeof buildProfileIndex>) => createClassifier(index).classify(parse([line])[0]);
/** The rule shown were the denial judged a missing rule, whatever its verdict. */
const ruleOf = (line: string) => missingRuleSuggestion(gatherFacts(parse([line])[0], undefined), { signals: [], neighbours: [] }, undefined).rules;

const sqpoll = (profile: string, comm: string) => kline(0, 'DENIED', `operation="uring_sqpoll" class="io_uring" profile="${profile}" pid=1320 comm="${comm}" requested="sqpoll" denied="sqpoll"`);
const override = (profile: string, target: string) =>
  kline(0, 'DENIED', `operation="uring_override" class="io_uring" profile="${profile}" pid=1193 comm="worker" requested="override_creds" denied="override_creds" tcontext="${target}"`);
const mq = (op: string, name: string, requested: string, denied: string, cls = 'posix_mqueue') =>
  kline(0, 'DENIED', `operation="${op}" profile="/usr/bin/mq-app" name="${name}" pid=791 comm="mq-app" requested="${requested}" denied="${denied}" class="${cls}" fsuid=0 ouid=0`);

test('an io_uring polling thread: a missing rule for a program that does fast I/O, not for a web server', () => {
  const db = classify(sqpoll('/usr/sbin/mariadbd', 'mariadbd'));
  assert.equal(db.verdict, 'missing-rule');
  assert.match(db.reasons.join('\n'), /io_uring ring with a kernel polling thread \(SQPOLL\)/);
  assert.deepEqual(db.suggestion?.rules, ['io_uring sqpoll,']);
  const web = classify(sqpoll('/usr/sbin/nginx', 'nginx'));
  assert.equal(web.verdict, 'unclear');
  assert.match(web.reasons.join('\n'), /unusual for a network service, and io_uring is where many kernel exploits start/);
});

test('io_uring requests with credentials: its own label is routine, another label is acting as that program', () => {
  const own = classify(override('/usr/bin/storage-engine', '/usr/bin/storage-engine'));
  assert.equal(own.verdict, 'missing-rule');
  assert.deepEqual(own.suggestion?.rules, ['io_uring override_creds label=/usr/bin/storage-engine,']);
  const other = classify(override('/usr/bin/storage-engine', '/usr/sbin/sshd'));
  assert.notEqual(other.verdict, 'missing-rule');
  assert.match(other.reasons.join('\n'), /with the credentials of \/usr\/sbin\/sshd \(override_creds\): acting as another program/);
  // the label is the rule's condition: without it, no rule (not one allowing any label)
  assert.equal(ruleOf(override('/usr/bin/storage-engine', '/usr/sbin/sshd').replace(/ tcontext="[^"]*"/, '')), undefined);
});

test('a profile that already uses io_uring: a newer version wanting the polling thread', () => {
  const index = buildProfileIndex([{ path: '/etc/apparmor.d/usr.bin.app', text: 'abi <abi/4.0>,\nprofile app /usr/bin/app {\n  io_uring override_creds label=app,\n}\n' }], {
    roots: ['/etc/apparmor.d'],
  });
  const c = classify(sqpoll('app', 'app'), index);
  assert.equal(c.verdict, 'missing-rule');
  assert.match(c.reasons.join('\n'), /app already uses io_uring \(io_uring override_creds label=app\)/);
});

test('a message queue is a queue, not a file: its rule names its type, its name and the permission denied', () => {
  const created = classify(mq('create', '/queuename', 'create', 'create'));
  assert.equal(created.verdict, 'missing-rule');
  assert.match(created.reasons.join('\n'), /the POSIX message queue \/queuename: processes of one application passing messages/);
  assert.deepEqual(created.suggestion?.rules, ['mqueue create type=posix /queuename,']);
  // `open` asked for read and create, only read was denied
  assert.deepEqual(ruleOf(mq('open', '/queuename', 'read create', 'read')), ['mqueue read type=posix /queuename,']);
  assert.deepEqual(ruleOf(mq('unlink', '/queuename', 'delete', 'delete')), ['mqueue delete type=posix /queuename,']);
  assert.deepEqual(ruleOf(mq('sysv_mqueue', '123', 'create', 'create', 'sysv_mqueue')), ['mqueue create type=sysv 123,']);
  // a name no rule can write exactly gets no rule
  assert.equal(ruleOf(mq('create', '/q*ue', 'create', 'create')), undefined);
  // a disconnected queue (no name) is said to be one
  const lost = classify(
    kline(
      0,
      'DENIED',
      'operation="getattr" class="posix_mqueue" info="Failed name lookup - disconnected IPC path" error=-13 profile="plasmashell" pid=2111 comm="plasmashell" requested="getattr" denied="getattr" class="posix_mqueue" fsuid=1000 ouid=0',
    ),
  );
  assert.match(lost.reasons.join('\n'), /disconnected IPC path/);
  // the queue file system's root (a public line: runc under a snap's profile, the class written twice, no space before the second)
  const root = classify(
    '[Mon Jul 22 12:43:40 2024] audit: type=1400 audit(1721652220.385:212): apparmor="DENIED" operation="unlink" class="posix_mqueue" profile="snap.docker.dockerd" name="/" pid=35290 comm="runc:[2:INIT]" requested="getattr" denied="getattr"class="posix_mqueue" fsuid=0 ouid=0',
  );
  assert.equal(root.verdict, 'missing-rule');
  assert.match(root.reasons.join('\n'), /the root of the message-queue file system \(\/\): a container runtime or sandbox setting up a new IPC namespace/);
  assert.equal(
    ruleOf(
      '[1.0] audit: type=1400 audit(1721652220.385:212): apparmor="DENIED" operation="unlink" class="posix_mqueue" profile="p" name="/" pid=1 comm="x" requested="delete" denied="delete" fsuid=0 ouid=0',
    ),
    undefined,
  );
});

const unix = (op: string, ends: string, requested: string) =>
  kline(
    0,
    'DENIED',
    `operation="${op}" class="net" profile="/usr/bin/client" pid=80819 comm="client" family="unix" sock_type="stream" protocol=0 requested="${requested}" denied="${requested}" ${ends} peer="unconfined"`,
  );

test('a unix record naming both ends: addr is the socket, peer_addr the other end', () => {
  assert.deepEqual(ruleOf(unix('connect', 'addr=none peer_addr="@app-bus"', 'connect')), ['unix (connect) type=stream peer=(addr="@app-bus"),']);
  assert.deepEqual(ruleOf(unix('connect', 'addr="@app-bus" peer_addr=none', 'accept')), ['unix (accept) type=stream addr="@app-bus",']);
  // an address the kernel chose (autobind) is new each time: its glob, not a rule that never matches again
  assert.deepEqual(ruleOf(unix('connect', 'addr="@abf50" peer_addr="@app-bus"', 'connect')), ['unix (connect) type=stream addr="@[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]" peer=(addr="@app-bus"),']);
  // an end no rule can name: no rule
  assert.equal(ruleOf(unix('connect', 'addr=none peer_addr="@a*b"', 'connect')), undefined);
});

test("a unix connect to a container runtime's socket is seen whichever end names it", () => {
  const c = classify(unix('connect', 'addr=none peer_addr="/run/containerd/containerd.sock"', 'connect'));
  assert.equal(c.verdict, 'likely-attack');
  assert.match(c.reasons.join('\n'), /a container runtime's socket \(\/run\/containerd\/containerd.sock\)/);
  // `none` is no address to name
  assert.doesNotMatch(classify(unix('sendmsg', 'addr=none peer_addr=none', 'send')).reasons.join('\n'), /socket none/);
});

test('a mount or pivot_root rule keeps every condition of the record, or is not suggested', () => {
  const pivot = kline(0, 'DENIED', 'operation="pivotroot" profile="/usr/bin/sandbox" name="/tmp/new_root/" pid=21162 comm="sandbox" srcname="/tmp/new_root/put_old/"');
  assert.deepEqual(ruleOf(pivot), ['pivot_root oldroot=/tmp/new_root/put_old/ /tmp/new_root/,']);
  const nfs = kline(
    0,
    'DENIED',
    'operation="mount" info="failed type match" error=-13 profile="/usr/bin/mounter" name="/mnt/data/" pid=5 comm="mount" fstype="nfs" srcname="10.0.0.4:/export/data" flags="rw"',
  );
  assert.deepEqual(ruleOf(nfs), ['mount fstype=nfs options=(rw) 10.0.0.4:/export/data -> /mnt/data/,']);
  // a source with a space cannot be written as it is: no rule, not one for any source
  assert.equal(ruleOf(nfs.replace('10.0.0.4:/export/data', 'my share')), undefined);
});
