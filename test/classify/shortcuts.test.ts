/**
 * The shortcuts over a denial's path decide exactly as the plain code they stand in for: the gated
 * credential and persistence tables as testing every expression, the component scan of
 * serviceWord as splitting the path, and the early exits of dotComponent and hiddenComponent as
 * their expressions, minimalPerms by bits as with a set of letters, the program decided once per
 * profile where the command name cannot change it, generalisedPath growing its rule part by part as
 * joining it again for every part, stagingDir by its first characters as by its expression, a neighbouring rule's shared directory measured as cut out.
 * Over every path of the fixture
 * corpora and generated logs, and over paths built from the tables' own words in every order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dotComponent, gatherFacts } from '../../src/classify/facts.js';
import { generalisedPath } from '../../src/classify/rule-shapes.js';
import { credentialFact, credentialFactPlain, hiddenComponent, persistenceLabel, persistenceLabelPlain, stagingDir, stagingDirPlain } from '../../src/classify/knowledge.js';
import { neighbourDir, neighbourDirPlain, serviceWord, serviceWordPlain } from '../../src/classify/signals.js';
import { minimalPerms } from '../../src/classify/suggest.js';
import { commDecides, programOf } from '../../src/classify/programs.js';
import { file, fixtureRecords, parse } from './helpers.js';
import { generalisedPathPlain } from './rule-shapes-reference.js';

const RECORDS = fixtureRecords();

/** Every path-like field of the corpora's records and of generated logs. */
function corpusPaths(): string[] {
  const out = new Set<string>();
  for (const r of RECORDS) for (const k of ['name', 'path', 'target', 'execpath', 'addr', 'srcname']) if (r.fields[k] !== undefined) out.add(r.fields[k]);
  return [...out];
}

/** Paths made of the words the tables and the gates are written with, in many orders. */
function builtPaths(): string[] {
  const words = [
    'etc',
    'var',
    'lib',
    'usr',
    'local',
    'run',
    'bin',
    'sbin',
    'sys',
    'kernel',
    'security',
    'dev',
    'proc',
    'kcore',
    'kmem',
    'mem',
    'port',
    'spool',
    'cron',
    'crontabs',
    'home',
    'root',
    'tmp',
    'shadow',
    'gshadow',
    'shadow-',
    'shadow.bak',
    'sudoers',
    'sudoers.d',
    'opasswd',
    'ssh',
    '.ssh',
    'id_rsa',
    'identity',
    'ssh_host_rsa_key',
    'authorized_keys',
    'authorized_keys2',
    'known_hosts',
    '.aws',
    'credentials',
    'config',
    '.config',
    'gcloud',
    '.azure',
    '.kube',
    '.docker',
    'config.json',
    'kubernetes',
    'admin.conf',
    'pki',
    '.vault-token',
    '.pgpass',
    '.my.cnf',
    'mysql',
    'debian.cnf',
    '.netrc',
    '.git-credentials',
    '.gnupg',
    'krb5.keytab',
    'samba',
    'private',
    'cloud',
    'instance',
    'instances',
    'user-data',
    'cloud-init',
    'instance-data-sensitive.json',
    '.bash_history',
    '.zsh_history',
    '.python_history',
    'anacrontab',
    'cron.d',
    'ld.so.preload',
    '.bashrc',
    '.profile',
    'profile',
    'profile.d',
    'bash.bashrc',
    'zsh',
    'environment',
    'systemd',
    'system',
    'user',
    'system.conf.d',
    'init.d',
    'rc.local',
    'rc3.d',
    'passwd',
    'group',
    'pam.d',
    'pam_unix.so',
    'udev',
    'rules.d',
    'modprobe.d',
    'xdg',
    'autostart',
    'sshd_config',
    'apparmor.d',
    'x',
    '.',
    '..',
    '.x',
    '',
    'nginx',
    'nginx.pid',
    'nginx-cache',
    'ngin',
    'report-exporter',
    'www',
    'data',
  ];
  const out: string[] = [];
  let seed = 17;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % words.length;
  for (let i = 0; i < 20000; i++) {
    const n = 1 + (i % 5);
    const parts = Array.from({ length: n }, next).map((k) => words[k]);
    const p = parts.join('/');
    out.push(`/${p}`, p, `/${p}/`, `//${p}`);
  }
  for (const w of words) out.push(`/${w}`, w, `/etc/${w}`, `/home/u/${w}`, `/proc/kcore${w}`);
  // every pair of words under a root no gate names, and at the top
  for (const a of words) for (const b of words) out.push(`/opt/${a}/${b}`, `/${a}/${b}`);
  return out;
}

const PATHS = [...corpusPaths(), ...builtPaths()];

test('the gated tables decide as testing every expression', () => {
  assert.ok(PATHS.length > 50000, `${PATHS.length} paths`);
  let creds = 0;
  let persist = 0;
  for (const p of PATHS) {
    const c = credentialFactPlain(p);
    assert.equal(credentialFact(p), c, `credential: ${p}`);
    const l = persistenceLabelPlain(p);
    assert.equal(persistenceLabel(p), l, `persistence: ${p}`);
    if (c) creds++;
    if (l) persist++;
  }
  // the paths reach the tables: every entry would be met by a gate that was too narrow
  assert.ok(creds > 1000 && persist > 1000, `matches: credentials ${creds}, persistence ${persist}`);
});

test('the early exits of dotComponent and hiddenComponent change no answer', () => {
  const hiddenPlain = (path: string) => {
    for (const c of path.split('/').slice(2))
      if (c.startsWith('.') && c !== '.' && c !== '..' && !['.X11-unix', '.ICE-unix', '.font-unix', '.XIM-unix', '.Test-unix', '.snapshot'].includes(c)) return c;
    return undefined;
  };
  for (const p of [...PATHS, '.', '..', './x', '../x', 'a/.', 'a/..', '/tmp/.X11-unix/X0', '/tmp/.x/y']) {
    assert.equal(dotComponent(p), /(?:^|\/)\.\.?(?:\/|$)/.test(p), `dot: ${p}`);
    assert.equal(hiddenComponent(p), hiddenPlain(p), `hidden: ${p}`);
  }
});

test('stagingDir by its first characters finds what its expression finds', () => {
  let found = 0;
  for (const p of [
    ...PATHS,
    '',
    '/',
    'memfd:',
    'memfd:x',
    '/memfd:',
    '/memfd:x (deleted)',
    '/tmp',
    '/tmp/',
    '/var/tmp/x',
    '/dev/shm/x',
    '/run/shm/x',
    '/run/x',
    '/tmpx/',
    'tmp/x',
    '/var/tmpx',
    '//tmp/',
  ]) {
    const want = stagingDirPlain(p);
    assert.equal(stagingDir(p), want, p);
    if (want) found++;
  }
  assert.ok(found > 500, `found ${found}`);
});

test('serviceWord scanning components finds what splitting the path finds', () => {
  const wordSets = [['nginx'], ['report-exporter', 'exporter'], ['ng', 'nginx'], ['a/b'], ['www', 'data'], ['x', 'ssh', 'cron'], ['.x'], []];
  let found = 0;
  for (const p of PATHS) {
    for (const words of wordSets) {
      const want = serviceWordPlain(p, words);
      assert.equal(serviceWord(p, words), want, `${p} with ${words.join(',')}`);
      if (want) found++;
    }
  }
  assert.ok(found > 1000, `found ${found}`);
});

test('a neighbouring rule found by measuring the shared directory is the one cutting it out finds', () => {
  // rule starts: every generic directory and its neighbours, and a sample of the paths themselves
  const lits = [
    '/',
    '',
    '/etc/',
    '/etc',
    '/etc/x',
    '/usr/lib/',
    '/usr/lib/x/',
    '/usr/local/lib/',
    '/var/lib/nginx/',
    '/run/user/',
    '/run/user/1000/',
    '/home/',
    '/dev/shm/',
    '/tmp/',
    '//',
    'etc/',
    ...PATHS.filter((_, i) => i % 4000 === 0),
  ];
  let near = 0;
  for (const p of PATHS) {
    for (const lit of lits) {
      const want = neighbourDirPlain(lit, p);
      assert.equal(neighbourDir(lit, p), want, `${lit} and ${p}`);
      if (want) near++;
    }
  }
  assert.ok(near > 1000, `neighbours ${near}`);
});

test('minimalPerms by bits gives what a set of letters gives', () => {
  const plain = (mask: string) => {
    const out = new Set<string>();
    for (const k of mask) {
      if (k === 'c' || k === 'd' || k === 't') out.add('w');
      else if ('rwamlk'.includes(k)) out.add(k);
    }
    if (out.has('w')) out.delete('a');
    return ['m', 'r', 'w', 'a', 'l', 'k'].filter((k) => out.has(k)).join('');
  };
  const letters = ['r', 'w', 'a', 'm', 'l', 'k', 'c', 'd', 't', 'x', ':', ' ', 'R', '\u00e9', '\ud83d\ude00', 'rw'];
  const masks = [''];
  for (const a of letters) for (const b of letters) for (const c of letters) masks.push(a, a + b, a + b + c);
  for (const m of masks) assert.equal(minimalPerms(m), plain(m), JSON.stringify(m));
});

test('where the command name cannot change the program, the program without it is the same', () => {
  const profiles = new Set<string>(['unconfined', '', '//', 'null-', ':ns:', ':ns://', 'docker-default', 'snap.x.y', 'a//&b', '/usr/bin/x//null-/usr/bin/y']);
  const comms = new Set<string>(['firefox', 'runc', 'runc:[2:INIT]', 'ps', '(sd-pam)', 'bash', 'nginx', '']);
  for (const r of RECORDS) {
    if (r.fields.profile !== undefined) profiles.add(r.fields.profile);
    if (r.fields.label !== undefined) profiles.add(r.fields.label);
    if (r.fields.comm !== undefined) comms.add(r.fields.comm);
  }
  let shortcut = 0;
  for (const p of profiles) {
    for (const attachment of [undefined, '/usr/bin/firefox', '/opt/x/**']) {
      if (commDecides(p, attachment)) continue;
      shortcut++;
      const once = programOf(p, attachment);
      for (const c of comms) assert.deepEqual(programOf(p, attachment, c), once, `${p} ${attachment} ${c}`);
    }
  }
  assert.ok(shortcut > 100, `profiles decided once: ${shortcut}`);
});

test('generalisedPath grown part by part gives what joining the parts for each one gives', () => {
  const paths = [...corpusPaths(), ...builtPaths()];
  // the parts it globs, in places where they are globbed and where they are not
  const ids = [
    '4242',
    'tty7',
    '0',
    'session-3.scope',
    'user-1000.slice',
    'mono.20414',
    'lttng-ust-wait-5',
    '27.ref',
    '0123456789abcdef',
    '0123456789abcdeX',
    'deadbeefdeadbeef1',
    '123e4567-e89b-12d3-a456-426614174000',
    'x-123e4567-e89b-12d3-a456-426614174000.conf',
    'a@b',
    'user@1000.service',
    'run-r1234.scope',
  ];
  const roots = [
    '/proc/4242',
    '/proc/4242/task',
    '/proc/self',
    '/home/alice',
    '/home',
    '/dev/pts',
    '/dev',
    '/snap/core',
    '/root/snap/x',
    '/home/bob/snap/y',
    '/run/user',
    '/sys/fs/cgroup/system.slice',
    '/dev/shm',
    '/run',
    '/tmp',
    '/var/tmp',
    '/etc',
  ];
  for (const root of roots) for (const id of ids) paths.push(`${root}/${id}`, `${root}/${id}/x`, `${root}/${id}/${id}`);
  // each with the pid the path names and another, and with the file the process's user's and not
  const owners = [
    { pid: 4242, fsuid: 1000, ouid: 1000 },
    { pid: 99, fsuid: 1000, ouid: 0 },
  ];
  const records = owners.map((o) => parse([file(0, 'svc', 'open', '/x', 'r', o)])[0]);
  let generalised = 0;
  for (const path of paths) {
    for (const r of [...records, ...RECORDS.slice(0, 3)]) {
      const f = gatherFacts(r, undefined);
      const got = generalisedPath(path, f);
      assert.deepEqual(got, generalisedPathPlain(path, f), `${path} (pid ${r.fields.pid}, fsuid ${r.fields.fsuid}, ouid ${r.fields.ouid})`);
      if (got) generalised++;
    }
  }
  assert.ok(generalised > 200, `paths generalised: ${generalised}`);
});
