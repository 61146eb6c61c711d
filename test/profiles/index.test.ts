import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync, chmodSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { buildProfileIndex, fileRulesAllow, parseProfileHeader } from '../../src/profiles/index.js';
import { loadProfileIndex } from '../../src/profiles/load.js';
import { compileGlob } from '../../src/profiles/glob.js';
import { generatedOwner } from '../../src/profiles/managed.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'profiles');
const ETC = join(FIX, 'etc', 'apparmor.d');
const SNAPD = join(FIX, 'snapd');
const DEMO = join(import.meta.dirname, '..', '..', 'demo', 'apparmor.d');

test('globs: *, **, ?, classes, nested alternation, escapes', () => {
  const vars = new Map<string, string[]>();
  const g = (p: string) => compileGlob(p, vars).re;
  assert.ok(g('/var/log/nginx/*.log').test('/var/log/nginx/access.log'));
  assert.ok(!g('/var/log/nginx/*.log').test('/var/log/nginx/old/access.log'));
  assert.ok(g('/var/lib/nginx/**').test('/var/lib/nginx/a/b/c'));
  assert.ok(!g('/var/lib/nginx/**').test('/var/lib/nginx'));
  assert.ok(g('/etc/ld.so.conf.d/{,*.conf}').test('/etc/ld.so.conf.d/'));
  assert.ok(g('/etc/ld.so.conf.d/{,*.conf}').test('/etc/ld.so.conf.d/x.conf'));
  assert.ok(g('/{usr/,}lib{,32,64}/**').test('/lib64/ld.so'));
  assert.ok(g('/{usr/,}lib{,32,64}/**').test('/usr/lib/x86_64-linux-gnu/libc.so.6'));
  assert.ok(g('/dev/tty[0-9]').test('/dev/tty7'));
  assert.ok(!g('/dev/tty[0-9]').test('/dev/ttyS'));
  assert.ok(g('/dev/tty[^0-9]').test('/dev/ttyS'));
  assert.ok(g('/tmp/a?c').test('/tmp/abc'));
  assert.ok(!g('/tmp/a?c').test('/tmp/a/c'));
  assert.ok(g('/srv/a\\*b').test('/srv/a*b'));
  assert.ok(!g('/srv/a\\*b').test('/srv/axb'));
  assert.ok(g('/srv/{a,b{c,d}}/x').test('/srv/bd/x'));
});

test('variables expand to every value, doubled slashes collapse, @{pid} matches numbers only', () => {
  const vars = new Map([
    ['HOME', ['/home/*/', '/root/']],
    ['PROC', ['/proc/']],
    ['pid', ['{[1-9],[1-9][0-9],[1-9][0-9][0-9]}']],
  ]);
  const ssh = compileGlob('@{HOME}/.ssh/**', vars).re;
  assert.ok(ssh.test('/root/.ssh/id_ed25519'));
  assert.ok(ssh.test('/home/alice/.ssh/authorized_keys'));
  const proc = compileGlob('@{PROC}/@{pid}/status', vars).re;
  assert.ok(proc.test('/proc/42/status'));
  assert.ok(!proc.test('/proc/self/status'));
  assert.ok(!proc.test('/proc/042/status'));
});

test('profile headers: profile NAME ATTACH flags, bare paths, quoted names, hats, bare (flags)', () => {
  assert.deepEqual(parseProfileHeader('profile report-exporter /opt/reports/bin/exporter flags=(complain)'), {
    name: 'report-exporter',
    attachment: '/opt/reports/bin/exporter',
    flags: ['complain'],
    hat: false,
  });
  assert.deepEqual(parseProfileHeader('/usr/sbin/nginx flags=(attach_disconnected)'), { name: '/usr/sbin/nginx', attachment: '/usr/sbin/nginx', flags: ['attach_disconnected'], hat: false });
  assert.equal(parseProfileHeader('profile "apache 2" /usr/{bin,sbin}/apache2 flags=(enforce)')?.name, 'apache 2');
  assert.deepEqual(parseProfileHeader('^DEFAULT_URI'), { name: 'DEFAULT_URI', flags: [], hat: true });
  assert.deepEqual(parseProfileHeader('profile "snap.certbot.certbot" (attach_disconnected,mediate_deleted)')?.flags, ['attach_disconnected', 'mediate_deleted']);
  assert.equal(parseProfileHeader('owner'), undefined);
  assert.equal(parseProfileHeader('if ${foo}'), undefined);
});

test('the demo profiles: declared names, files, modes, children, local includes, network facts', async () => {
  const { index, problems } = await loadProfileIndex([DEMO]);
  assert.deepEqual(problems, []);
  const nginx = index.lookup('/usr/sbin/nginx')!;
  assert.equal(nginx.file, join(DEMO, 'usr.sbin.nginx'));
  assert.equal(nginx.mode, 'enforce');
  assert.deepEqual(nginx.flags, ['attach_disconnected']);
  assert.equal(nginx.localInclude, join(DEMO, 'local', 'usr.sbin.nginx'));
  assert.ok(nginx.hasNetworkRules);
  assert.ok(nginx.includes.includes('abstractions/ssl_certs'));
  // the local include's rules are part of the profile
  assert.ok(fileRulesAllow(nginx.fileRules, '/srv/static/logo.png', 'r'));
  // @{PROC}/@{pid}/** from the tunables
  assert.ok(fileRulesAllow(nginx.fileRules, '/proc/1900/status', 'r'));
  // audit deny wins
  assert.ok(!fileRulesAllow(nginx.fileRules, '/etc/shadow', 'r'));
  assert.ok(nginx.fileRules.some((r) => r.deny && r.audit && r.glob.source === '/etc/shadow'));

  const exporter = index.lookup('report-exporter')!;
  assert.equal(exporter.mode, 'complain');
  assert.equal(exporter.attachment, '/opt/reports/bin/exporter');
  assert.equal(exporter.hasNetworkRules, false);
  assert.equal(exporter.denyNetwork, true);
  assert.equal(exporter.file, join(DEMO, 'opt.reports.exporter'));

  const helper = index.lookup('thumbnail-renderer//helper')!;
  assert.equal(helper.file, join(DEMO, 'usr.bin.thumbnail-renderer'));
  assert.equal(helper.parent, 'thumbnail-renderer');
  assert.equal(helper.hasNetworkRules, false);
  assert.deepEqual([...helper.fileProfiles].sort(), ['thumbnail-renderer', 'thumbnail-renderer//helper']);
  // the child has only its own rules, not the parent's
  assert.ok(!fileRulesAllow(helper.fileRules, '/srv/media/thumbs/a.png', 'w'));
  assert.ok(fileRulesAllow(helper.fileRules, '/tmp/thumbnail-1/x', 'w'));

  assert.equal(index.lookup('backup-agent')!.mode, 'complain');
  assert.equal(index.lookup('docker-default'), undefined, 'docker-default is generated in memory, no file declares it');
  assert.equal(index.abstractionFor('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', 'r'), 'abstractions/fonts');
  assert.equal(index.abstractionFor('/etc/hosts', 'r'), 'abstractions/nameservice');
  assert.equal(index.abstractionFor('/etc/hosts', 'w'), undefined);
});

test("a profile's own local include: named after the file or profile, never one other profiles of the file include", () => {
  const smbd = 'profile smbd /usr/{bin,sbin}/smbd flags=(complain) {\n  /etc/samba/* r,\n  include if exists <local/usr.sbin.smbd-shares>\n  include if exists <local/usr.sbin.smbd>\n}\n';
  const transmission =
    'include <local/site>\nprofile transmission-daemon /usr/bin/transmission-daemon {\n  include if exists <local/transmission>\n  include if exists <local/transmission-daemon>\n}\nprofile transmission-cli /usr/bin/transmission-cli {\n  include if exists <local/transmission>\n  include if exists <local/site>\n}\n';
  const index = buildProfileIndex(
    [
      { path: '/etc/apparmor.d/usr.sbin.smbd', text: smbd },
      { path: '/etc/apparmor.d/transmission', text: transmission },
    ],
    { roots: ['/etc/apparmor.d'] },
  );
  assert.equal(index.lookup('smbd')!.localInclude, '/etc/apparmor.d/local/usr.sbin.smbd');
  assert.equal(index.lookup('transmission-daemon')!.localInclude, '/etc/apparmor.d/local/transmission-daemon');
  // its only local includes are shared (with a sibling, with the file's preamble): none of its own
  assert.equal(index.lookup('transmission-cli')!.localInclude, undefined);
});

test('names: learning null profiles map to the parent, stacks to the member this host declares, namespaces stay apart', async () => {
  const { index } = await loadProfileIndex([ETC, SNAPD]);
  assert.equal(index.lookup('/usr/sbin/unbound//null-/usr/bin/dig')?.name, '/usr/sbin/unbound');
  assert.equal(index.lookup('apache 2//null-2')?.name, 'apache 2');
  assert.equal(index.lookup('docker-default//&/usr/sbin/unbound')?.name, '/usr/sbin/unbound');
  assert.equal(index.lookup(':lxd-web_<var-snap-lxd-common-lxd>:nginx-in-container')?.managedBy, 'lxd');
  assert.equal(index.lookup(':lxd-other_<var-snap-lxd-common-lxd>:nginx-in-container'), undefined);
  assert.equal(index.lookup('nginx-in-container'), undefined);
});

test('a resolver profile: several profiles per file, hats, quoted paths, owner blocks, other rule kinds', async () => {
  const { index, problems } = await loadProfileIndex([ETC, SNAPD]);
  assert.deepEqual(problems, []);
  const u = index.lookup('/usr/sbin/unbound')!;
  assert.equal(u.mode, 'complain');
  assert.deepEqual(u.fileProfiles, ['/usr/sbin/unbound', 'unbound-anchor']);
  assert.equal(index.lookup('unbound-anchor')!.file, join(ETC, 'usr.sbin.unbound'));
  assert.equal(u.localInclude, join(ETC, 'local', 'usr.sbin.unbound'));
  assert.ok(fileRulesAllow(u.fileRules, '/var/lib/unbound/root.key', 'w'), 'rules from local/ count');
  assert.ok(fileRulesAllow(u.fileRules, '/var/lib/unbound/root key', 'r'), 'quoted path with a space');
  assert.ok(u.fileRules.find((r) => r.glob.source === '/var/lib/unbound/**')!.owner, 'owner block qualifies its rules');
  assert.ok(fileRulesAllow(u.fileRules, '/var/run/unbound.pid', 'w'), '@{run} covers /var/run');
  assert.ok(fileRulesAllow(u.fileRules, '/usr/lib/x86_64-linux-gnu/libssl.so.3', 'm'), '@{multiarch} from a nested tunables include');
  assert.ok(!fileRulesAllow(u.fileRules, '/etc/unbound/secret.key', 'w'), 'deny rule');
  assert.ok(fileRulesAllow(u.fileRules, '/etc/unbound/secret.key', 'r'));
  assert.deepEqual(
    u.capabilityRules.flatMap((r) => r.caps),
    ['net_bind_service', 'setgid', 'setuid', 'sys_chroot'],
  );
  assert.deepEqual(
    u.networkRules.map((r) => `${r.domain} ${r.type}`),
    ['inet dgram', 'inet6 dgram', 'inet stream', 'inet6 stream'],
  );
  const sig = u.otherRules.find((r) => r.kind === 'signal')!;
  assert.deepEqual(sig.perms, ['receive']);
  assert.equal(sig.params.set, 'hup term');
  assert.equal(sig.params.peer, 'unconfined');
  const dbus = u.otherRules.find((r) => r.kind === 'dbus')!;
  assert.equal(dbus.params.member, 'Hello');
  assert.equal(dbus.params['peer.name'], 'org.freedesktop.DBus');
  assert.equal(u.otherRules.find((r) => r.kind === 'unix')!.params.type, 'dgram');

  const a = index.lookup('apache 2')!;
  assert.deepEqual(a.flags, ['enforce']);
  assert.ok(a.attachmentGlob!.re.test('/usr/sbin/apache2'));
  assert.equal(index.lookup('apache 2//DEFAULT_URI')!.isHat, true);
  assert.equal(index.lookup('apache 2//HANDLING_UNTRUSTED_INPUT')!.parent, 'apache 2');
  assert.equal(index.lookup('apache 2//php')!.file, join(ETC, 'apache2'));
  assert.deepEqual(
    index.byAttachment('/usr/bin/apache2').map((p) => p.name),
    ['apache 2'],
  );
  assert.equal(index.lookup('stale-backup'), undefined, 'editor backups are not indexed');
  assert.equal(index.lookup('stale-dpkg'), undefined, 'package manager leftovers are not indexed');

  const snap = index.lookup('snap.certbot.certbot')!;
  assert.equal(snap.managedBy, 'snapd');
  assert.deepEqual(snap.flags, ['attach_disconnected', 'mediate_deleted']);
  assert.ok(snap.networkRules.some((r) => r.deny && r.type === 'raw'));
  assert.ok(fileRulesAllow(snap.fileRules, '/usr/lib/x86_64-linux-gnu/libc.so.6', 'm'), 'snap profile resolves the host tunables and abstractions');
  assert.equal(snap.fileRules.find((r) => r.glob.source === '/snap/certbot/**')!.exec, 'ix');

  const lxc = index.lookup('lxc-container-default-cgns')!;
  assert.equal(lxc.managedBy, 'lxc');
  assert.equal(lxc.hasNetworkRules, false);
  assert.equal(lxc.denyNetwork, false);
  assert.ok(lxc.otherRules.some((r) => r.kind === 'mount' && r.deny));
});

test('the profile is found by what the file declares, not by the file name', () => {
  const index = buildProfileIndex([{ path: '/etc/apparmor.d/zz-site-policy', text: 'profile web-frontend /opt/web/bin/server {\n  /opt/web/** r,\n}\n' }], { roots: ['/etc/apparmor.d'] });
  assert.equal(index.lookup('web-frontend')!.file, '/etc/apparmor.d/zz-site-policy');
  assert.equal(index.lookup('web-frontend')!.localInclude, undefined);
});

test('generated profiles by name and location', () => {
  assert.equal(generatedOwner('snap.lxd.daemon'), 'snapd');
  assert.equal(generatedOwner('snap-update-ns.firefox'), 'snapd');
  assert.equal(generatedOwner('docker-default'), 'docker');
  assert.equal(generatedOwner('libvirt-4c3b3ad7-5c6e-4a0e-9f0a-0b1c2d3e4f50'), 'libvirt');
  assert.equal(generatedOwner('lxd-web_</var/snap/lxd/common/lxd>'), 'lxd');
  assert.equal(generatedOwner(':incus-c1_<var-lib-incus>:unconfined'), 'incus');
  assert.equal(generatedOwner('whatever', '/var/lib/snapd/apparmor/profiles/snap.x.y'), 'snapd');
  assert.equal(generatedOwner('/usr/sbin/nginx', '/etc/apparmor.d/usr.sbin.nginx'), undefined);
});

test('missing and unreadable directories are reported, not thrown', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aa-prof-'));
  try {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    writeFileSync(join(locked, 'p'), 'profile p {}\n');
    chmodSync(locked, 0o000);
    const { index, problems } = await loadProfileIndex([join(dir, 'absent'), locked]);
    assert.match(problems[0], /absent: not found/);
    if (process.getuid?.() !== 0) assert.match(problems[1], /locked: permission denied/);
    else assert.ok(index.lookup('p'), 'root reads it anyway');
    chmodSync(locked, 0o755);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('syntax problems are reported and do not stop the rest of the file', () => {
  const index = buildProfileIndex([{ path: '/etc/apparmor.d/broken', text: 'profile ok {\n  /a r,\n}\nprofile half {\n  /b r\n' }], { roots: ['/etc/apparmor.d'] });
  assert.ok(index.lookup('ok'));
  assert.ok(index.problems.some((p) => /broken/.test(p)));
});

test('a boolean variable ($FOO = true) before a profile: the profile and its hats keep their names (apparmor_parser -N lists the same)', () => {
  // from the AppArmor parser's own test cases: `$FOO=true` has no comma, and was read as the start
  // of the next statement, so `/bin/true {` was no profile and its hats were named alone
  const text = ['$FOO=true', '$BAR = False', '', '/bin/true {', '  if ${FOO} {', '    ^hat1 {', '      /usr/bin/sendmail rix,', '    }', '  }', '  ^hat3 {', '    /tmp/** rw,', '  }', '}', ''].join(
    '\n',
  );
  const index = buildProfileIndex([{ path: '/etc/apparmor.d/bin.true', text }]);
  assert.deepEqual(
    index
      .profiles()
      .map((p) => p.name)
      .sort(),
    ['/bin/true', '/bin/true//hat1', '/bin/true//hat3'],
  );
  assert.deepEqual(index.problems, []);
});
