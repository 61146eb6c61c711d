/**
 * Who the program is and the well-known benign families, on lines shaped like the ones real hosts
 * log: each family comes out as a missing rule without profiles, while the same access from a
 * network-facing server or an attack pattern inside the same family stays an alarm.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClassifier } from '../../src/classify/index.js';
import { programOf } from '../../src/classify/programs.js';
import { generalisedPath } from '../../src/classify/rule-shapes.js';
import { gatherFacts } from '../../src/classify/facts.js';
import { buildProfileIndex } from '../../src/profiles/index.js';
import { cap, file, kline, parse } from './helpers.js';

const verdictOf = (line: string) => {
  const c = createClassifier(undefined);
  return c.classify(parse([line])[0]);
};

test('who the program is, from its profile name', () => {
  assert.equal(programOf('/usr/sbin/nginx').kind, 'network service');
  assert.equal(programOf('snap.nextcloud.php-fpm').kind, 'network service');
  assert.equal(programOf('unprivileged_userns').kind, 'sandbox');
  assert.equal(programOf('snap.discord.discord').kind, 'sandbox');
  assert.equal(programOf('/usr/lib/snapd/snap-confine').kind, 'snap');
  assert.equal(programOf('lxd-c1_</var/snap/lxd/common/lxd>').kind, 'container');
  assert.equal(programOf('docker-default').runtime, undefined);
  assert.equal(programOf('/usr/bin/dockerd').runtime, true);
  assert.equal(programOf('libvirt-1c01664c-8f99-4942-85c9-2c0c90b2e92b').kind, 'hypervisor');
  assert.equal(programOf('tcpdump').kind, 'admin tool');
  assert.equal(programOf('man_filter').kind, 'document filter');
  assert.equal(programOf('gnome-session//null-/usr/bin/thunderbird').kind, 'sandbox');
  assert.equal(programOf('unconfined', undefined, 'runc:[2:INIT]').kind, 'container');
  assert.equal(programOf('/opt/billing/bin/billing-api').kind, 'service');
});

test('the same capability means different things for a sandbox, a snap-confine probe, an admin tool and a service', () => {
  assert.equal(verdictOf(cap(0, 'unprivileged_userns', 'sys_admin', 21, { comm: 'electron' })).verdict, 'missing-rule');
  assert.equal(verdictOf(cap(0, '/usr/lib/snapd/snap-confine', 'perfmon', 38, { comm: 'snap-confine' })).verdict, 'missing-rule');
  assert.equal(verdictOf(cap(0, 'spectre-meltdown-checker', 'sys_ptrace', 19, { comm: 'readlink' })).verdict, 'missing-rule');
  assert.equal(verdictOf(cap(0, '/usr/sbin/nginx', 'sys_admin', 21, { comm: 'nginx' })).verdict, 'likely-attack');
  assert.equal(verdictOf(cap(0, 'queued', 'sys_ptrace', 19, { comm: 'queued' })).verdict, 'likely-attack');
  assert.equal(verdictOf(cap(0, 'unprivileged_userns', 'sys_module', 16, { comm: 'x' })).verdict, 'likely-attack', 'never kernel modules');
});

test("AppArmor 2.x's capability records name the capability in name=: read as the capability everywhere", () => {
  const legacy = (profile: string, name: string) =>
    verdictOf(`Jan 12 13:59:10 jj-amd64 kernel: [ 1157.775350] type=1503 audit(1236891550.807:870): operation="capable" name="${name}" pid=3593 profile="${profile}"`);
  const ping = legacy('/bin/ping', 'setuid');
  assert.ok(
    ping.reasons.some((r) => /ping is an administrator's or monitoring tool: setuid for what it inspects/.test(r)),
    ping.reasons.join(' | '),
  );
  assert.deepEqual(ping.suggestion?.rules, ['capability setuid,']);
  const nginx = legacy('/usr/sbin/nginx', 'sys_module');
  assert.equal(nginx.verdict, 'likely-attack', 'a high capability is one, however the record names it');
  assert.ok(
    nginx.reasons.some((r) => /capability sys_module/.test(r)),
    nginx.reasons.join(' | '),
  );
});

test('user-namespace restriction: routine for apps, an alarm from a server', () => {
  const userns = (profile: string, comm: string) =>
    kline(
      0,
      'DENIED',
      `operation="userns_create" class="namespace" info="User namespace creation restricted" error=-13 profile="${profile}" pid=77 comm="${comm}" requested="userns_create" denied="userns_create"`,
    );
  const app = verdictOf(userns('unconfined', 'slack'));
  assert.equal(app.verdict, 'missing-rule');
  assert.deepEqual(app.suggestion?.rules, ['userns,']);
  assert.doesNotMatch(app.suggestion!.text, /cuts at 15/);
  // a command name of 15 characters may be the executable's name cut short: said so
  const cut = verdictOf(userns('unconfined', 'superproductivi'));
  assert.match(cut.suggestion!.text, /give superproductivi \(the command name, which the kernel cuts at 15 characters: use the program's full name\) a profile/);
  assert.equal(verdictOf(userns('/usr/sbin/nginx', 'nginx')).verdict, 'unclear', 'an attack signal of its own keeps it from missing-rule');
});

test('mounts: systemd sandboxing inside a container is routine; a cgroup or disk mount from one is an escape', () => {
  const remount = verdictOf(
    kline(
      0,
      'DENIED',
      'operation="mount" info="failed flags match" error=-13 profile="lxd-c1_</var/snap/lxd/common/lxd>" name="/run/systemd/unit-root/" pid=2036 comm="(networkd)" flags="ro, remount, noatime, bind"',
    ),
  );
  assert.equal(remount.verdict, 'missing-rule');
  assert.deepEqual(remount.suggestion?.rules, ['remount options=(ro, noatime, bind) /run/systemd/unit-root/,']);
  assert.match(remount.suggestion!.text, /raw\.apparmor/, 'the real fix of a generated profile is the container option');
  const cgroup = verdictOf(
    kline(
      0,
      'DENIED',
      'operation="mount" class="mount" info="failed flags match" error=-13 profile="docker-default" name="/tmp/cgrp/" pid=4102 comm="mount" fstype="cgroup" srcname="cgroup" flags="rw"',
    ),
  );
  assert.equal(cgroup.verdict, 'likely-attack');
  const disk = verdictOf(
    kline(0, 'DENIED', 'operation="mount" class="mount" info="failed flags match" error=-13 profile="docker-default" name="/mnt/" pid=4103 comm="mount" fstype="ext4" srcname="/dev/sda1" flags="rw"'),
  );
  assert.equal(disk.verdict, 'likely-attack');
});

test('a shell from a script service is unclear, from a network server an attack; a shell child of a server is an attack whatever it does', () => {
  assert.equal(verdictOf(file(0, 'usr.bin.report-builder', 'exec', '/bin/sh', 'x', { comm: 'python3' })).verdict, 'unclear');
  assert.equal(verdictOf(file(0, '/usr/sbin/mysqld', 'exec', '/usr/bin/dash', 'x', { comm: 'mysqld' })).verdict, 'likely-attack');
  const child = verdictOf(
    kline(0, 'DENIED', 'operation="connect" class="net" profile="/usr/sbin/mysqld" pid=3104 comm="sh" family="inet" sock_type="stream" protocol=6 requested_mask="connect" denied_mask="connect"'),
  );
  assert.equal(child.verdict, 'likely-attack');
});

test('monitoring tools reading other processes; a debugger attaching is not one', () => {
  const ps = verdictOf(kline(0, 'DENIED', 'operation="ptrace" profile="docker-default" pid=12830 comm="ps" requested_mask="trace" denied_mask="trace" peer="docker-default"'));
  assert.equal(ps.verdict, 'missing-rule');
  const strace = verdictOf(kline(0, 'DENIED', 'operation="ptrace" class="ptrace" profile="php-fpm" pid=48330 comm="strace" requested_mask="trace" denied_mask="trace" peer="unconfined"'));
  assert.equal(strace.verdict, 'likely-attack');
});

test('disconnected paths get attach_disconnected; D-Bus rules never name a unique connection', () => {
  const disc = verdictOf(
    kline(
      0,
      'DENIED',
      'operation="sendmsg" info="Failed name lookup - disconnected path" error=-13 profile="/usr/sbin/ntpd" name="run/systemd/journal/dev-log" pid=1199 comm="ntpd" requested_mask="w" denied_mask="w" fsuid=110 ouid=0',
    ),
  );
  assert.equal(disc.verdict, 'missing-rule');
  assert.deepEqual(disc.suggestion?.rules, ['flags=(attach_disconnected)']);
  assert.ok(
    disc.reasons.some((r) => /disconnected path \(run\/systemd\/journal\/dev-log\): a file opened outside/.test(r)),
    disc.reasons.join(' | '),
  );
  assert.doesNotMatch(disc.suggestion!.text, /apparmor\/\.null/);
  // AppArmor's null file, which a revoked descriptor is replaced with, is disconnected too: nothing was opened
  const revoked = verdictOf(
    kline(
      0,
      'DENIED',
      'operation="open" class="file" info="Failed name lookup - disconnected path" error=-13 profile="nemo" name="apparmor/.null" pid=4120 comm="nemo" requested_mask="wr" denied_mask="wr" fsuid=1000 ouid=0',
    ),
  );
  assert.equal(revoked.verdict, 'missing-rule');
  assert.ok(
    revoked.reasons.some((r) => /AppArmor's stand-in for an inherited descriptor/.test(r)),
    revoked.reasons.join(' | '),
  );
  assert.ok(!revoked.reasons.some((r) => /a file opened outside/.test(r)), revoked.reasons.join(' | '));
  assert.deepEqual(revoked.suggestion?.rules, ['flags=(attach_disconnected)']);
  assert.match(revoked.suggestion!.text, /nothing needs allowing for the program to work.*names the file \/apparmor\/\.null, which `\/apparmor\/\.null rw,` then allows/);
  const dbus = verdictOf(
    kline(
      0,
      'DENIED',
      'operation="dbus_signal" bus="system" path="/org/freedesktop/NetworkManager" interface="org.freedesktop.NetworkManager" member="PropertiesChanged" name=":1.1713" mask="receive" pid=354671 label="snap.telegram-desktop.telegram-desktop" peer_pid=1 peer_label="unconfined"',
    ),
  );
  assert.equal(dbus.verdict, 'missing-rule');
  assert.ok(!dbus.suggestion!.rules![0].includes(':1.'), dbus.suggestion!.rules![0]);
});

test('paths that change from run to run become globs and variables, literal parts stay literal', () => {
  const g = (path: string, pid = '100') => generalisedPath(path, gatherFacts(parse([file(0, 'svc', 'open', path, 'r', { pid: Number(pid) })])[0], undefined));
  assert.deepEqual(g('/proc/100/task/101/comm'), { path: '@{PROC}/@{pid}/task/@{tid}/comm', owner: true });
  assert.deepEqual(g('/proc/7/cmdline'), { path: '@{PROC}/@{pids}/cmdline', owner: false });
  assert.deepEqual(g('/dev/pts/3'), { path: '/dev/pts/[0-9]*', owner: false });
  assert.equal(g('/sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope/memory.max')?.path, '/sys/fs/cgroup/user.slice/user-[0-9]*.slice/session-[0-9]*.scope/memory.max');
  assert.equal(g('/var/lib/libvirt/swtpm/7cf29f14-a170-4e33-bece-1f1e4c7e10b7/tpm2')?.path, '/var/lib/libvirt/swtpm/[0-9a-f]*-[0-9a-f]*-[0-9a-f]*-[0-9a-f]*-[0-9a-f]*/tpm2');
  assert.equal(g('/dev/shm/mono.20414')?.path, '/dev/shm/mono.[0-9]*');
  assert.equal(g('/etc/nginx/nginx.conf'), undefined, 'nothing changes: the literal path');
  assert.equal(g('/proc/7/a*b'), undefined, 'a glob character from the log: never generalised');
  // a temporary copy written beside a file, then renamed onto it: its random letters globbed, the
  // rule quoted (`#` starts a comment); only as the last part, and only with a plain name
  assert.deepEqual(g('/etc/.#locale.conffbda0356a1df5f8b'), { path: '"/etc/.#locale.conf[0-9a-f]*"', owner: false });
  assert.equal(g('/etc/.#locale.conffbda0356a1df5f8b/x'), undefined, 'not the last part: literal');
  assert.equal(g('/etc/.#loc*ale.conffbda0356a1df5f8b'), undefined, 'a glob character in the name: literal');
  assert.equal(g('/etc/.#locale.conf'), undefined, 'no random letters: literal');
  // Go's os.CreateTemp with the file's name as its pattern: the name, its extension, random digits
  assert.deepEqual(g('/tmp/.positions.yaml527638532'), { path: '/tmp/.positions.yaml[0-9]*', owner: false });
  assert.equal(g('/tmp/.positions.yaml12345'), undefined, 'five digits: not random enough to be one, literal');
  assert.equal(g('/srv/.kworker1234567'), undefined, 'no extension: literal');
});

test('a denial a running service keeps retrying leans towards a missing rule; never past an attack signal', () => {
  const c = createClassifier(undefined);
  const recs = parse([0, 20, 45].map((t) => file(t, 'svc', 'open', '/opt/svc/weird.state', 'r', { comm: 'svc' })));
  const out = recs.map((r) => c.classify(r));
  assert.ok(!out[1].reasons.some((x) => /again and again/.test(x)));
  assert.ok(
    out[2].reasons.some((x) => /again and again/.test(x)),
    out[2].reasons.join(' | '),
  );
  const shells = parse([0, 20, 45].map((t) => file(t, '/usr/sbin/nginx', 'exec', '/bin/sh', 'x', { comm: 'nginx' })));
  const c2 = createClassifier(undefined);
  for (const r of shells) assert.equal(c2.classify(r).verdict, 'likely-attack');
  const weak = parse([0, 20, 45].map((t) => cap(t, 'queued', 'net_admin', 12, { comm: 'queued' })));
  const c3 = createClassifier(undefined);
  for (const r of weak) assert.equal(c3.classify(r).verdict, 'unclear', 'a weak attack signal and a repeat conflict: unclear, never missing-rule');
});

test('the programs made to read a credential store may; desktop apps ask logind and polkit; browsers attach to their own children', () => {
  assert.equal(verdictOf(file(0, 'unix-chkpwd', 'open', '/etc/shadow', 'r', { comm: 'unix_chkpwd' })).verdict, 'missing-rule');
  assert.equal(verdictOf(file(0, '/usr/sbin/dovecot', 'open', '/etc/shadow', 'r', { comm: 'imap' })).verdict, 'likely-attack');
  const inhibit = verdictOf(
    kline(
      0,
      'DENIED',
      'operation="dbus_method_call" bus="system" path="/org/freedesktop/login1" interface="org.freedesktop.login1.Manager" member="Inhibit" mask="send" name="org.freedesktop.login1" pid=3100 label="snap.spotify.spotify" peer_pid=900 peer_label="unconfined"',
    ),
  );
  assert.equal(inhibit.verdict, 'missing-rule');
  const start = verdictOf(
    kline(
      0,
      'DENIED',
      'operation="dbus_method_call" bus="system" path="/org/freedesktop/systemd1" interface="org.freedesktop.systemd1.Manager" member="StartTransientUnit" mask="send" name="org.freedesktop.systemd1" pid=3100 label="snap.spotify.spotify" peer_pid=1 peer_label="unconfined"',
    ),
  );
  assert.notEqual(start.verdict, 'missing-rule', 'a request that changes the system is never routine');
  const crash = verdictOf(kline(0, 'DENIED', 'operation="ptrace" class="ptrace" profile="firefox" pid=4100 comm="crashhelper" requested_mask="trace" denied_mask="trace" peer="firefox"'));
  assert.equal(crash.verdict, 'missing-rule');
});

test("a user-namespace denial is fixed by a profile of the program's own, never by a rule in unconfined or unprivileged_userns", () => {
  const moved = verdictOf(cap(0, 'unprivileged_userns', 'sys_admin', 21, { comm: 'electron' }));
  assert.deepEqual(moved.suggestion?.rules, ['userns,']);
  assert.match(moved.suggestion!.text, /give electron a profile that allows user namespaces/);
  const odd = verdictOf(kline(0, 'DENIED', 'operation="userns_create" class="namespace" profile="unconfined" pid=7 comm="../../x" requested="userns_create" denied="userns_create"'));
  assert.ok(!odd.suggestion!.text.includes('..'), 'no path is built from an odd command name');
});

test("with the user-namespace restriction's own profile read, its deny rule is the restriction at work, not a sign of attack", () => {
  // the restriction's profile as AppArmor 4 ships it in substance: every capability denied, and logged
  const text = `abi <abi/4.0>,
profile unprivileged_userns flags=(complain) {
  audit deny capability,
  audit deny change_profile,
  allow file rwlkm /**,
  allow userns,
}
`;
  const index = buildProfileIndex([{ path: '/etc/apparmor.d/unprivileged_userns', text }], { roots: ['/etc/apparmor.d'] });
  const withProfile = (line: string) => createClassifier(index).classify(parse([line])[0]);
  const sandbox = withProfile(cap(0, 'unprivileged_userns', 'sys_admin', 21, { comm: 'element-desktop' }));
  assert.equal(sandbox.verdict, 'missing-rule', sandbox.reasons.join(' | '));
  assert.deepEqual(sandbox.suggestion?.rules, ['userns,']);
  assert.ok(
    sandbox.reasons.some((r) => /unprivileged_userns denies a sandbox's capabilities on purpose \(`audit deny capability,` \(unprivileged_userns:3\)\): that is the restriction/.test(r)),
    sandbox.reasons.join(' | '),
  );
  // kernel modules are no sandbox's business, restriction or not
  assert.equal(withProfile(cap(0, 'unprivileged_userns', 'sys_module', 16, { comm: 'x' })).verdict, 'likely-attack');
  // the same deny in any other profile is the author's own decision
  const other = buildProfileIndex([{ path: '/etc/apparmor.d/element', text: text.replace('profile unprivileged_userns', 'profile element-desktop') }], { roots: ['/etc/apparmor.d'] });
  const own = createClassifier(other).classify(parse([cap(0, 'element-desktop', 'sys_admin', 21, { comm: 'element-desktop' })])[0]);
  assert.notEqual(own.verdict, 'missing-rule', own.reasons.join(' | '));
  assert.ok(
    own.reasons.some((r) => /forbids capability sys_admin on purpose/.test(r)),
    own.reasons.join(' | '),
  );
});

test('a quiet deny rule is logged only where the profile audits everything: flags=(audit) keeps it an attack sign', () => {
  const index = (flags: string) =>
    buildProfileIndex([{ path: '/etc/apparmor.d/usr.sbin.jobd', text: `profile jobd /usr/sbin/jobd ${flags}{\n  deny capability net_admin,\n  /usr/sbin/jobd mr,\n}\n` }], {
      roots: ['/etc/apparmor.d'],
    });
  const line = cap(0, 'jobd', 'net_admin', 12, { comm: 'jobd' });
  const quiet = createClassifier(index('')).classify(parse([line])[0]);
  assert.ok(
    quiet.reasons.some((r) => /denies this without logging it \(`deny capability net_admin,`/.test(r)),
    quiet.reasons.join(' | '),
  );
  assert.match(quiet.suggestion!.text, /reload the profile/);
  const audited = createClassifier(index('flags=(audit) ')).classify(parse([line])[0]);
  assert.ok(
    audited.reasons.some((r) => /forbids capability net_admin on purpose/.test(r)),
    audited.reasons.join(' | '),
  );
  assert.doesNotMatch(audited.suggestion!.text, /reload the profile/);
});

test('mounts by hand in a container: moving a mount it has is a nested container setting up; a new file system, a remount or a move over a process alarms', () => {
  const mount = (name: string, flags: string, extra = '') =>
    verdictOf(
      kline(0, 'DENIED', `operation="mount" class="mount" info="failed flags match" error=-13 profile="lxc-container-default-cgns" name="${name}" pid=7943 comm="mount"${extra} flags="${flags}"`),
    );
  const moved = mount('/proc/', 'rw, move');
  assert.notEqual(moved.verdict, 'likely-attack');
  assert.ok(
    moved.reasons.some((r) => /moved within what the container already has/.test(r)),
    moved.reasons.join(' | '),
  );
  assert.equal(mount('/proc/4242/', 'rw, move').verdict, 'likely-attack', 'moved over a process: hides it');
  assert.equal(mount('/proc/sys/', 'rw, remount').verdict, 'likely-attack', 'made writable');
  assert.equal(mount('/tmp/p/', 'rw, move', ' fstype="proc" srcname="proc"').verdict, 'likely-attack', 'a file system of its own');
});
