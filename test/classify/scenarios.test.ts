/**
 * The labelled scenario suite: realistic profiles (test/fixtures/classify/apparmor.d: nginx serving
 * TLS, a report exporter with explicit deny rules and no network, a queue daemon whose pid file
 * moved, a renderer with a confined child, a backup agent in complain mode, a resolver that allows
 * TCP only) and realistic lines. Every signal in both directions. Each scenario runs in a fresh
 * classifier unless it is about sequence; the last record of `lines` is the one judged.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createClassifier } from '../../src/classify/index.js';
import type { Classification, Verdict } from '../../src/model/record.js';
import type { ProfileIndex } from '../../src/profiles/types.js';
import { cap, file, kline, loadFixtureIndex, net, parse, PROFILES, status } from './helpers.js';

interface Scenario {
  name: string;
  lines: string[];
  verdict: Verdict;
  /** Every pattern must match some reason. */
  reasons: RegExp[];
  /** No reason may match these. */
  notReasons?: RegExp[];
  /** The suggested rule (kind 'rule'), exactly. */
  rule?: string;
  /** The file the rule goes in, relative to the fixture profiles directory. */
  file?: string;
  suggestion?: 'rule' | 'respond' | 'none';
  suggestionText?: RegExp;
  /** Without the profile index (directory unreadable). */
  noIndex?: boolean;
}

const NGINX = '/usr/sbin/nginx';

/** A signal a container (docker-default) was denied receiving from `peer`. */
function received(peer: string, signal: string, comm: string, pid: number): string {
  return kline(0, 'DENIED', `operation="signal" class="signal" profile="docker-default" pid=${pid} comm="${comm}" requested_mask="receive" denied_mask="receive" signal=${signal} peer="${peer}"`);
}

/** A D-Bus call of `member` on logind's manager, by the program of `profile`. */
function login1(profile: string, member: string): string {
  return kline(
    0,
    'DENIED',
    `operation="dbus_method_call" bus="system" path="/org/freedesktop/login1" interface="org.freedesktop.login1.Manager" member="${member}" mask="send" name="org.freedesktop.login1" pid=4528 label="${profile}" peer_pid=688 peer_label="unconfined"`,
  );
}
const EXPORTER = 'report-exporter';
const QUEUED = 'queued';

const SCENARIOS: Scenario[] = [
  // --- exec of shells, interpreters, network and recon tools by a service profile
  {
    name: 'web server executes a shell',
    lines: [file(0, NGINX, 'exec', '/usr/bin/dash', 'x', { pid: 2211, comm: 'nginx', extra: 'target="/usr/bin/dash"' })],
    verdict: 'likely-attack',
    reasons: [/web server \/usr\/sbin\/nginx \(pid 2211\) tried to execute a shell \(\/usr\/bin\/dash\)/],
    suggestion: 'respond',
    suggestionText: /one-key complain is not offered/,
  },
  {
    name: 'web server executes an interpreter',
    lines: [file(0, NGINX, 'exec', '/usr/bin/python3.11', 'x', { comm: 'nginx' })],
    verdict: 'likely-attack',
    reasons: [/execute an interpreter \(\/usr\/bin\/python3\.11\)/],
  },
  {
    name: 'exporter executes a network tool',
    lines: [file(0, EXPORTER, 'exec', '/usr/bin/ncat', 'x', { comm: 'exporter' })],
    verdict: 'likely-attack',
    reasons: [/report-exporter .*tried to execute a network tool \(\/usr\/bin\/ncat\)/],
  },
  {
    name: 'exporter executes a download tool',
    lines: [file(0, EXPORTER, 'exec', '/usr/bin/wget', 'x', { comm: 'exporter' })],
    verdict: 'likely-attack',
    reasons: [/download tool \(\/usr\/bin\/wget\)/],
  },
  { name: 'web server runs a recon command', lines: [file(0, NGINX, 'exec', '/usr/bin/id', 'x', { comm: 'nginx' })], verdict: 'likely-attack', reasons: [/reconnaissance command \(\/usr\/bin\/id\)/] },
  {
    name: 'daemon whose profile runs /bin/sh execs /usr/bin/sh (merged /usr)',
    lines: [file(0, QUEUED, 'exec', '/usr/bin/sh', 'x', { comm: 'queued' })],
    verdict: 'missing-rule',
    reasons: [/already runs shells \(\/bin\/sh ix\)/],
    rule: '/usr/bin/sh ix,',
  },
  {
    name: 'daemon execs its own helper program',
    lines: [file(0, QUEUED, 'exec', '/usr/lib/queued/compact', 'x', { comm: 'queued' })],
    verdict: 'missing-rule',
    reasons: [/\/usr\/lib\/queued\/compact is in queued's own \/usr\/lib tree/],
    rule: '/usr/lib/queued/compact ix,',
  },
  {
    name: 'renderer execs its helper: the Cx transition to the child',
    lines: [file(0, 'thumbnail-renderer', 'exec', '/usr/lib/thumbnail-renderer/decode-helper', 'x', { comm: 'thumbnail-rende' })],
    verdict: 'missing-rule',
    reasons: [/the file declaring thumbnail-renderer already allows \/usr\/lib\/thumbnail-renderer\/decode-helper with 'x' \(`\/usr\/lib\/thumbnail-renderer\/decode-helper Cx -> helper,`/],
    suggestion: 'none',
    suggestionText: /reload the profile/,
  },

  // --- exec or mmap from /tmp, /var/tmp, /dev/shm, memfd
  {
    name: 'exec from /var/tmp',
    lines: [file(0, QUEUED, 'exec', '/var/tmp/.cache/upd', 'x', { comm: 'queued' })],
    verdict: 'likely-attack',
    reasons: [/execute a program from \/var\/tmp \(\/var\/tmp\/\.cache\/upd\)/],
  },
  {
    name: 'executable mapping from /dev/shm',
    lines: [file(0, NGINX, 'file_mmap', '/dev/shm/.k', 'm', { comm: 'nginx' })],
    verdict: 'likely-attack',
    reasons: [/tried to map \/dev\/shm\/\.k as executable code from \/dev\/shm/],
  },
  { name: 'executable mapping of a memfd', lines: [file(0, NGINX, 'file_mmap', '/memfd:x (deleted)', 'm', { comm: 'nginx' })], verdict: 'likely-attack', reasons: [/memfd/] },
  {
    name: 'mapping a library the profile does not list',
    lines: [file(0, NGINX, 'file_mmap', '/usr/local/lib/libmaxminddb.so.0.0.7', 'm', { comm: 'nginx' })],
    verdict: 'missing-rule',
    reasons: [/web server \/usr\/sbin\/nginx \(pid 1000\) tried to map \/usr\/local\/lib\/libmaxminddb\.so\.0\.0\.7, a system file services read/],
    rule: '/usr/local/lib/libmaxminddb.so.0.0.7 m,',
  },
  {
    name: 'renderer helper writes its own scratch directory in /tmp',
    lines: [file(0, 'thumbnail-renderer', 'mknod', '/tmp/thumbnail-renderer-81/out.png', 'c', { comm: 'thumbnail-rende' })],
    verdict: 'missing-rule',
    reasons: [/thumbnail-renderer's own \/tmp tree/],
    rule: '/tmp/thumbnail-renderer-81/out.png w,',
  },
  {
    name: 'hidden directory and a kernel-thread name in /tmp',
    lines: [file(0, NGINX, 'mknod', '/tmp/.ICE-unix/.x/kworkerd', 'c', { comm: 'nginx' })],
    verdict: 'likely-attack',
    reasons: [/hidden directory \(\.x\) in \/tmp/, /named like a system process/],
  },
  {
    name: 'a hidden file in /dev/shm is called a file, not a directory',
    lines: [file(0, NGINX, 'mknod', '/dev/shm/.k', 'c', { comm: 'nginx' })],
    verdict: 'likely-attack',
    reasons: [/create \/dev\/shm\/\.k: a hidden file \(\.k\) in \/dev\/shm/],
    notReasons: [/hidden directory/],
  },
  {
    name: 'a hidden file in /dev/shm written, not made: the reason says written',
    lines: [file(0, NGINX, 'truncate', '/dev/shm/.k', 'w', { comm: 'nginx' })],
    verdict: 'likely-attack',
    reasons: [/tried to write \/dev\/shm\/\.k: a hidden file \(\.k\) in \/dev\/shm/],
  },
  {
    name: 'a hidden directory made in /tmp is a directory',
    lines: [file(0, NGINX, 'mkdir', '/tmp/.k', 'c', { comm: 'nginx' })],
    verdict: 'likely-attack',
    reasons: [/a hidden directory \(\.k\) in \/tmp/],
  },
  {
    name: 'a program with a hidden name run from /tmp',
    lines: [file(0, NGINX, 'exec', '/tmp/.payload', 'x', { comm: 'nginx' })],
    verdict: 'likely-attack',
    reasons: [/the program has a hidden name \(\.payload\)/],
    notReasons: [/hidden directory/],
  },
  {
    name: 'a package manager running one of its helpers: an admin tool, with its article',
    lines: [file(0, 'apt', 'exec', '/usr/bin/gpgv', 'x', { comm: 'apt', pid: 5120 })],
    verdict: 'missing-rule',
    reasons: [/an admin tool running a helper/],
    notReasons: [/\ba admin\b/],
    noIndex: true,
  },
  {
    name: "a container saving a file whole through a hidden temporary copy beside it (Go's os.CreateTemp)",
    lines: [file(0, '39bd2704_promtail//promtail', 'mknod', '/tmp/.positions.yaml527638532', 'c', { comm: 'promtail', pid: 2433 })],
    verdict: 'missing-rule',
    reasons: [/\/tmp\/\.positions\.yaml527638532 is a temporary copy of positions\.yaml written beside it/],
    notReasons: [/hidden file/],
    rule: '/tmp/.positions.yaml[0-9]* w,',
    noIndex: true,
  },
  {
    name: 'a hidden name with random digits but no file name before them is still hidden',
    lines: [file(0, NGINX, 'mknod', '/tmp/.kworker1234567', 'c', { comm: 'nginx' })],
    verdict: 'likely-attack',
    reasons: [/a hidden file \(\.kworker1234567\) in \/tmp/],
    notReasons: [/temporary copy/],
  },
  {
    name: 'a directory named like a temporary copy is still a hidden directory',
    lines: [file(0, NGINX, 'mknod', '/tmp/.config.json123456/kworkerd', 'c', { comm: 'nginx' })],
    verdict: 'likely-attack',
    reasons: [/a hidden directory \(\.config\.json123456\) in \/tmp/],
    notReasons: [/temporary copy/],
  },

  // --- credential stores
  {
    name: 'web server reads /etc/shadow (and the profile denies it on purpose)',
    lines: [file(0, NGINX, 'open', '/etc/shadow', 'r', { comm: 'nginx' })],
    verdict: 'likely-attack',
    reasons: [/tried to read the password hash file \(\/etc\/shadow\)/, /forbids this on purpose: `audit deny \/etc\/shadow r,`/],
  },
  {
    name: 'web server reads an ssh private key',
    lines: [file(0, NGINX, 'open', '/root/.ssh/id_ed25519', 'r', { comm: 'nginx' })],
    verdict: 'likely-attack',
    reasons: [/an SSH private key \(\/root\/\.ssh\/id_ed25519\)/],
  },
  { name: 'exporter reads gshadow', lines: [file(0, EXPORTER, 'open', '/etc/gshadow', 'r', { comm: 'exporter' })], verdict: 'likely-attack', reasons: [/password hash file \(\/etc\/gshadow\)/] },
  { name: 'exporter reads sudoers', lines: [file(0, EXPORTER, 'open', '/etc/sudoers.d/90-cloud-init-users', 'r', { comm: 'exporter' })], verdict: 'likely-attack', reasons: [/the sudo policy/] },
  {
    name: 'queue daemon reads cloud credentials',
    lines: [file(0, QUEUED, 'open', '/root/.aws/credentials', 'r', { comm: 'queued' })],
    verdict: 'likely-attack',
    reasons: [/cloud or cluster credentials \(\/root\/\.aws\/credentials\)/],
  },
  {
    name: "web server reads another process's environment",
    lines: [file(0, NGINX, 'open', '/proc/1/environ', 'r', { pid: 2211, comm: 'nginx' })],
    verdict: 'likely-attack',
    reasons: [/environment \(secrets, tokens\) of another process \(\/proc\/1\/environ\)/],
  },
  {
    name: 'the service reads its own /proc entry',
    lines: [file(0, QUEUED, 'open', '/proc/3100/status', 'r', { pid: 3100, comm: 'queued' })],
    verdict: 'missing-rule',
    reasons: [/own \/proc entry \(pid 3100\)/],
    rule: 'owner @{PROC}/@{pid}/status r,',
  },
  {
    name: 'TLS server reads its renewed key next to the one it already reads',
    lines: [file(0, NGINX, 'open', '/etc/ssl/private/shop.example.com-2027.key', 'r', { comm: 'nginx' })],
    verdict: 'missing-rule',
    reasons: [/TLS server \/usr\/sbin\/nginx already reads keys in \/etc\/ssl\/private\//],
    rule: '/etc/ssl/private/shop.example.com-2027.key r,',
    file: 'local/usr.sbin.nginx',
  },
  {
    name: 'a profile with no network reads a TLS key',
    lines: [file(0, EXPORTER, 'open', '/etc/ssl/private/shop.example.com.key', 'r', { comm: 'exporter' })],
    verdict: 'likely-attack',
    reasons: [/TLS private key .* allows no network: it serves no TLS/],
  },

  // --- persistence writes
  {
    name: 'authorized_keys write',
    lines: [file(0, NGINX, 'open', '/root/.ssh/authorized_keys', 'wc', { comm: 'nginx' })],
    verdict: 'likely-attack',
    reasons: [/SSH authorized_keys \(remote login\)/],
  },
  {
    name: 'cron write',
    lines: [file(0, QUEUED, 'mknod', '/etc/cron.d/.sync', 'c', { comm: 'queued' })],
    verdict: 'likely-attack',
    reasons: [/a cron schedule \(\/etc\/cron\.d\/\.sync\): a persistence foothold/],
  },
  {
    name: 'ld.so.preload write',
    lines: [file(0, NGINX, 'open', '/etc/ld.so.preload', 'w', { comm: 'nginx' })],
    verdict: 'likely-attack',
    reasons: [/ld\.so\.preload \(code loaded into every process\)/],
  },
  {
    name: 'ld.so.preload read is routine',
    lines: [file(0, EXPORTER, 'open', '/etc/ld.so.preload', 'r', { comm: 'exporter' })],
    verdict: 'missing-rule',
    reasons: [/every program reads \/etc\/ld\.so\.preload/],
  },
  { name: 'shell start-up file write', lines: [file(0, QUEUED, 'open', '/root/.bashrc', 'a', { comm: 'queued' })], verdict: 'likely-attack', reasons: [/a shell start-up file \(\/root\/\.bashrc\)/] },
  { name: 'systemd unit write', lines: [file(0, NGINX, 'mknod', '/etc/systemd/system/dbus-org.service', 'c', { comm: 'nginx' })], verdict: 'likely-attack', reasons: [/a systemd unit/] },
  {
    name: 'a generator dropped where systemd runs them at boot',
    lines: [file(0, NGINX, 'mknod', '/usr/lib/systemd/system-generators/x', 'c', { comm: 'nginx' })],
    verdict: 'likely-attack',
    reasons: [/a systemd unit/],
  },
  {
    // a varlink socket of systemd's user records (a login checker asking about the greeter's user), not a unit directory
    name: 'connecting to systemd-userdb is no unit written',
    lines: [file(0, 'unix-chkpwd', 'connect', '/run/systemd/userdb/org.gnome.DisplayManager', 'wr', { comm: 'unix_chkpwd' })],
    verdict: 'missing-rule',
    reasons: [/\/run\/systemd\/userdb\/org\.gnome\.DisplayManager/],
    notReasons: [/systemd unit/],
  },
  { name: 'bin directory write', lines: [file(0, EXPORTER, 'mknod', '/usr/local/bin/exporter-update', 'c', { comm: 'exporter' })], verdict: 'likely-attack', reasons: [/a system binary directory/] },
  { name: 'web shell dropped into the document root', lines: [file(0, NGINX, 'mknod', '/var/www/html/uploads/x.php', 'c', { comm: 'nginx' })], verdict: 'likely-attack', reasons: [/web shell/] },
  {
    name: 'the daemon writes its own cache tree',
    lines: [file(0, QUEUED, 'mknod', '/var/cache/queued/jobs.idx', 'c', { comm: 'queued' })],
    verdict: 'missing-rule',
    reasons: [/\/var\/cache\/queued\/jobs\.idx is in queued's own \/var\/cache tree/],
    rule: '/var/cache/queued/jobs.idx w,',
    file: 'usr.sbin.queued',
  },
  {
    name: 'a new directory next to the state tree it already writes',
    lines: [file(0, QUEUED, 'mknod', '/var/lib/queued-archive/2026-11-22.tar', 'c', { comm: 'queued' })],
    verdict: 'missing-rule',
    reasons: [/own \/var\/lib tree/],
  },

  // --- raw and packet sockets; network by profiles with and without network rules
  { name: 'raw ICMP socket from a web server', lines: [net(0, NGINX, 'inet', 'raw', 1, { comm: 'nginx' })], verdict: 'likely-attack', reasons: [/raw socket \(inet raw, protocol 1 = ICMP\)/] },
  { name: 'packet socket', lines: [net(0, QUEUED, 'packet', 'raw', 768, { comm: 'queued' })], verdict: 'likely-attack', reasons: [/packet socket/] },
  {
    name: 'a packet socket from a program that captures packets by design (fwknopd, an SPA daemon)',
    lines: [net(0, '/usr/sbin/fwknopd', 'packet', 'dgram', 768, { comm: 'fwknopd' })],
    verdict: 'missing-rule',
    reasons: [/fwknopd uses packet sockets by design/],
  },
  {
    name: 'a packet socket from the DHCP server',
    lines: [net(0, '/usr/sbin/dhcpd', 'packet', 'raw', 768, { comm: 'dhcpd' })],
    verdict: 'missing-rule',
    reasons: [/dhcpd uses packet sockets by design/],
  },
  { name: 'netlink route socket is routine', lines: [net(0, QUEUED, 'netlink', 'raw', 0, { comm: 'queued' })], verdict: 'missing-rule', reasons: [/netlink socket/], rule: 'network netlink raw,' },
  {
    name: 'exporter (deny network) connects out',
    lines: [net(0, EXPORTER, 'inet', 'stream', 6, { comm: 'exporter', op: 'connect' })],
    verdict: 'likely-attack',
    reasons: [/forbidden the network on purpose: `audit deny network,`/],
  },
  {
    name: 'renderer helper (no network rule at all) opens a TCP socket',
    lines: [net(0, 'thumbnail-renderer//helper', 'inet', 'stream', 6, { comm: 'decode-helper' })],
    verdict: 'likely-attack',
    reasons: [/thumbnail-renderer\/\/helper .*the network \(inet stream\) but its profile allows no network at all/],
  },
  {
    name: 'UDP resolver in a profile that has TCP',
    lines: [net(0, '/usr/sbin/unbound', 'inet', 'dgram', 17, { comm: 'unbound' })],
    verdict: 'missing-rule',
    reasons: [/already allows network inet stream, inet6 stream: UDP next to TCP is usually name resolution/],
    rule: 'network inet dgram,',
  },
  {
    name: 'IPv6 for a daemon that has IPv4 TCP',
    lines: [net(0, QUEUED, 'inet6', 'stream', 6, { comm: 'queued' })],
    verdict: 'missing-rule',
    reasons: [/already allows network/],
    rule: 'network inet6 stream,',
  },

  // --- capabilities
  { name: 'sys_module', lines: [cap(0, NGINX, 'sys_module', 16, { comm: 'nginx' })], verdict: 'likely-attack', reasons: [/capability sys_module \(load kernel modules\)/] },
  { name: 'sys_admin', lines: [cap(0, QUEUED, 'sys_admin', 21, { comm: 'queued' })], verdict: 'likely-attack', reasons: [/capability sys_admin/] },
  { name: 'sys_ptrace', lines: [cap(0, EXPORTER, 'sys_ptrace', 19, { comm: 'exporter' })], verdict: 'likely-attack', reasons: [/capability sys_ptrace \(trace any process\)/] },
  { name: 'mac_admin', lines: [cap(0, QUEUED, 'mac_admin', 33, { comm: 'queued' })], verdict: 'likely-attack', reasons: [/capability mac_admin/] },
  {
    name: 'net_bind_service is routine',
    lines: [cap(0, NGINX, 'net_bind_service', 10, { comm: 'nginx' })],
    verdict: 'missing-rule',
    reasons: [/net_bind_service is one services routinely need/],
    rule: 'capability net_bind_service,',
    file: 'local/usr.sbin.nginx',
  },

  // --- ptrace, signals, unix, dbus, mount
  {
    name: 'ptrace trace of another process',
    lines: [kline(0, 'DENIED', 'operation="ptrace" class="ptrace" profile="queued" pid=3100 comm="queued" requested_mask="trace" denied_mask="trace" peer="/usr/sbin/sshd"')],
    verdict: 'likely-attack',
    reasons: [/tried to attach to a process under \/usr\/sbin\/sshd \(ptrace trace/],
  },
  {
    name: 'ptrace read (ps-style) is routine',
    lines: [kline(0, 'DENIED', 'operation="ptrace" class="ptrace" profile="queued" pid=3100 comm="queued" requested_mask="read" denied_mask="read" peer="unconfined"')],
    verdict: 'missing-rule',
    reasons: [/ps-style/],
    rule: 'ptrace (read) peer=unconfined,',
  },
  {
    name: 'monit (a process monitor) tracing a process of its own container profile: its job on older kernels',
    lines: [kline(0, 'DENIED', 'operation="ptrace" class="ptrace" profile="docker-default" pid=6383 comm="monit" requested_mask="trace" denied_mask="trace" peer="docker-default"')],
    verdict: 'missing-rule',
    reasons: [/monit looks at other processes for a living/],
  },
  {
    name: 'GnuPG taking its keyring lock (a link of its .#lk0x file) under the profile of the program that ran it',
    lines: [file(0, '/usr/sbin/fwknopd', 'link', '/root/.gnupg/.#lk0x55d2e8a4c3b0.host.19986x', 'l', { comm: 'gpg', extra: 'target="/root/.gnupg/.#lk0x55d2e8a4c3b0.host.19986"' })],
    verdict: 'missing-rule',
    reasons: [/a GnuPG lock file beside its keyring: gpg taking a lock, not reading keys/],
  },
  {
    name: 'reading the GnuPG keyring itself stays a credential read',
    lines: [file(0, '/usr/sbin/fwknopd', 'open', '/root/.gnupg/secring.gpg', 'r', { comm: 'fwknopd' })],
    verdict: 'likely-attack',
    reasons: [/stored credentials/],
  },
  {
    name: 'reload signal from systemd',
    lines: [kline(0, 'DENIED', 'operation="signal" class="signal" profile="queued" pid=1 comm="systemd" requested_mask="receive" denied_mask="receive" signal=hup peer="unconfined"')],
    verdict: 'missing-rule',
    reasons: [/hup signal to queued from systemd \(pid 1\)/],
    rule: 'signal (receive) set=(hup) peer=unconfined,',
  },
  {
    name: 'kill sent to another service',
    lines: [kline(0, 'DENIED', 'operation="signal" class="signal" profile="queued" pid=3100 comm="queued" requested_mask="send" denied_mask="send" signal=kill peer="/usr/sbin/sshd"')],
    verdict: 'unclear',
    reasons: [/tried to send kill to a process of another service \(\/usr\/sbin\/sshd\)/],
  },
  {
    name: 'unix socket from a profile that uses unix sockets',
    lines: [
      kline(
        0,
        'DENIED',
        'operation="connect" class="net" profile="thumbnail-renderer" pid=2098 comm="thumbnail-rende" family="unix" sock_type="stream" protocol=0 requested_mask="send receive connect" denied_mask="send receive connect" addr="@/tmp/.X11-unix/X0"',
      ),
    ],
    verdict: 'missing-rule',
    reasons: [/local \(unix\) socket/],
    rule: 'unix (send, receive, connect) type=stream peer=(addr="@/tmp/.X11-unix/X0"),',
  },
  {
    // newer kernels name the masks of the classes mediated since 6.x `requested` and `denied`
    name: 'unix socket with the masks under their newer names: the rule asks for what was denied, no more',
    lines: [
      kline(
        0,
        'DENIED',
        'operation="connect" class="net" info="failed af match" error=-13 profile="thumbnail-renderer" pid=2098 comm="thumbnail-rende" family="unix" sock_type="stream" protocol=0 requested="send receive connect" denied="send receive connect" addr="@/tmp/.X11-unix/X0"',
      ),
    ],
    verdict: 'missing-rule',
    reasons: [/local \(unix\) socket/],
    rule: 'unix (send, receive, connect) type=stream peer=(addr="@/tmp/.X11-unix/X0"),',
  },
  {
    name: 'a container stopped by its runtime packaged as a snap (the snap daemon has a label of its own)',
    lines: [received('snap.docker.dockerd', 'int', 'runc', 7264)],
    verdict: 'missing-rule',
    reasons: [/int signal to docker-default from snap\.docker\.dockerd, the runtime or orchestrator that manages it/],
    rule: 'signal (receive) set=(int) peer=snap.docker.dockerd,',
    noIndex: true,
  },
  {
    name: "a snap's daemons named daemon-NAME: NAME is the program (microk8s' docker daemon stopping a pod)",
    lines: [received('snap.microk8s.daemon-docker', 'term', 'containerd', 16609)],
    verdict: 'missing-rule',
    reasons: [/the runtime or orchestrator that manages it/],
    noIndex: true,
  },
  {
    name: "a container under nerdctl's generated profile killed by rootlesskit (rootless containerd)",
    lines: [
      kline(
        0,
        'DENIED',
        'operation="signal" class="signal" profile="nerdctl-default" pid=366783 comm="runc" requested_mask="receive" denied_mask="receive" signal=kill peer="/usr/local/bin/rootlesskit"',
      ),
    ],
    verdict: 'missing-rule',
    reasons: [/kill signal to nerdctl-default from \/usr\/local\/bin\/rootlesskit, the runtime or orchestrator that manages it/],
    suggestionText: /nerdctl generates this profile/,
    noIndex: true,
  },
  {
    name: 'a container killed by a program that is no runtime is not excused as one',
    lines: [kline(0, 'DENIED', 'operation="signal" class="signal" profile="nerdctl-default" pid=366783 comm="sh" requested_mask="receive" denied_mask="receive" signal=kill peer="/usr/sbin/nginx"')],
    verdict: 'unclear',
    notReasons: [/the runtime or orchestrator/],
    reasons: [/nerdctl-default/],
    noIndex: true,
  },
  {
    name: 'a signal from a snap that runs no containers is not excused as a runtime',
    lines: [received('snap.spotify.spotify', 'kill', 'containerd', 16609)],
    verdict: 'unclear',
    reasons: [/no strong signal either way/],
    noIndex: true,
  },
  {
    name: "a virtual machine writing its disk image where libvirt's generated profile did not list it",
    lines: [
      kline(
        0,
        'DENIED',
        'operation="open" profile="libvirt-ac2850aa-7938-4e68-bb81-57cfeeba458b" name="/var/libvirt/images/rs-vol-0" pid=14624 comm="qemu-system-x86" requested_mask="wr" denied_mask="wr" fsuid=111 ouid=111',
      ),
    ],
    verdict: 'missing-rule',
    reasons: [/a virtual machine writing a file its per-guest profile does not list/],
    rule: '/var/libvirt/images/rs-vol-0 rw,',
    noIndex: true,
  },
  {
    name: "a virtual machine writing the host's configuration is not excused as a guest file",
    lines: [
      kline(
        0,
        'DENIED',
        'operation="open" profile="libvirt-ac2850aa-7938-4e68-bb81-57cfeeba458b" name="/etc/ld.so.preload" pid=14624 comm="qemu-system-x86" requested_mask="w" denied_mask="w" fsuid=111 ouid=0',
      ),
    ],
    verdict: 'likely-attack',
    reasons: [/ld\.so\.preload/],
    noIndex: true,
  },
  {
    name: 'a file-system driver mounting a disk (ntfs-3g in complain mode): its job, not an escape',
    lines: [
      kline(
        0,
        'ALLOWED',
        'operation="mount" class="mount" info="failed mntpnt match" error=-13 profile="ntfs-3g" name="/root/mnt/test/" pid=2817 comm="mount.ntfs" fstype="fuseblk" srcname="/dev/sda2" flags="rw, nosuid, nodev"',
      ),
    ],
    verdict: 'missing-rule',
    reasons: [/ntfs-3g is a file-system driver or mount helper: mounting fuseblk is what its profile is for/],
    noIndex: true,
  },
  {
    name: 'a service mounting a disk stays an attack signal, whatever its command is named',
    lines: [
      kline(
        0,
        'DENIED',
        'operation="mount" class="mount" info="failed mntpnt match" error=-13 profile="/usr/sbin/nginx" name="/mnt/" pid=2211 comm="mount.ntfs" fstype="ext4" srcname="/dev/sda1" flags="rw"',
      ),
    ],
    verdict: 'likely-attack',
    reasons: [/changing mounts needs broad privilege/],
    noIndex: true,
  },
  {
    name: 'a link of a deleted entry (a temporary file published with linkat): the profile needs mediate_deleted, not a path rule',
    lines: [
      kline(
        0,
        'DENIED',
        'operation="link" class="file" info="Failed name lookup - deleted entry" error=-2 profile="libreoffice" name="/run/user/1000/#503" pid=32528 comm="soffice.bin" requested_mask="l" denied_mask="l" fsuid=1000 ouid=1000',
      ),
    ],
    verdict: 'missing-rule',
    reasons: [/deleted entry \(\/run\/user\/1000\/#503\): a file already deleted/],
    rule: 'flags=(mediate_deleted)',
    noIndex: true,
  },
  {
    name: 'running a deleted program is not excused as a deleted entry (fileless malware starts so)',
    lines: [
      kline(
        0,
        'DENIED',
        'operation="exec" class="file" info="Failed name lookup - deleted entry" error=-2 profile="/usr/sbin/nginx" name="/dev/shm/.x" pid=2211 comm="nginx" requested_mask="x" denied_mask="x" fsuid=33 ouid=33',
      ),
    ],
    verdict: 'likely-attack',
    reasons: [/\/dev\/shm/],
    noIndex: true,
  },
  {
    name: 'a container stopped or paused from an unconfined process (its runtime, or an operator)',
    lines: [received('unconfined', 'stp', 'docker-runc', 7162)],
    verdict: 'missing-rule',
    reasons: [/stp signal to the container \(docker-default\) from an unconfined process/],
    rule: 'signal (receive) set=(stp) peer=unconfined,',
    noIndex: true,
  },
  {
    name: 'a container receiving a signal from another confined service is not excused as its runtime',
    lines: [received('/usr/sbin/nginx', 'kill', 'app', 7162)],
    verdict: 'unclear',
    reasons: [/no strong signal either way/],
    noIndex: true,
  },
  {
    name: 'a Home Assistant add-on (a container of its own, its profile named by repository hash and add-on) opening a socket',
    lines: [net(0, '4bb530c7_hass-addon-sunsynk-multi', 'inet', 'dgram', 17, { comm: 'python3', pid: 2368722 })],
    verdict: 'missing-rule',
    reasons: [/inet dgram from a container: talking to the network is what it does/],
    noIndex: true,
  },
  {
    name: 'a Home Assistant add-on reading the password hashes is still an alarm',
    lines: [file(0, '4bb530c7_hass-addon-sunsynk-multi', 'open', '/etc/shadow', 'r', { comm: 'python3', pid: 2368722 })],
    verdict: 'likely-attack',
    reasons: [/tried to read the password hash file \(\/etc\/shadow\)/],
    noIndex: true,
  },
  {
    name: "a service telling systemd it has started, its /run a mount of its own (systemd's socket reported from that mount's root)",
    lines: [file(0, 'syslog-ng', 'sendmsg', '/systemd/notify', 'w', { comm: 'syslog-ng', pid: 2264 })],
    verdict: 'missing-rule',
    reasons: [/\/systemd\/notify is systemd's notification socket: a service telling systemd it has started or is stopping/],
    noIndex: true,
  },
  {
    name: 'systemd-localed writing the locale settings through a temporary copy beside them',
    lines: [file(0, 'systemd-localed', 'mknod', '/etc/.#locale.conffbda0356a1df5f8b', 'c', { comm: 'systemd-localed', pid: 812 })],
    verdict: 'missing-rule',
    reasons: [/a temporary copy of \/etc\/locale\.conf \(the locale and keyboard settings, which systemd-localed exists to write\)/],
    rule: '"/etc/.#locale.conf[0-9a-f]*" w,',
    noIndex: true,
  },
  {
    name: "sysctl, run by a firewall's profile, setting a network parameter",
    lines: [file(0, 'ufw//null-/usr/bin/sysctl', 'truncate', '/proc/sys/net/ipv4/conf/default/log_martians', 'w', { comm: 'sysctl', kind: 'ALLOWED', pid: 4410 })],
    verdict: 'missing-rule',
    reasons: [/log_martians: the kernel's parameters, which sysctl exists to write/],
    noIndex: true,
  },
  {
    name: 'systemd-localed writing a cron schedule is still an alarm',
    lines: [file(0, 'systemd-localed', 'open', '/etc/cron.d/locale', 'wc', { comm: 'systemd-localed', pid: 812 })],
    verdict: 'likely-attack',
    reasons: [/a cron schedule \(\/etc\/cron\.d\/locale\): a persistence foothold/],
    noIndex: true,
  },
  {
    name: 'a temporary copy of a file the daemon does not manage is not excused as one of its settings',
    lines: [file(0, 'systemd-localed', 'open', '/etc/.#passwdfbda0356a1df5f8b', 'wc', { comm: 'systemd-localed', pid: 812 })],
    verdict: 'unclear',
    reasons: [/no strong signal either way/],
    notReasons: [/exists to write/],
    noIndex: true,
  },
  {
    name: 'a web server setting a network parameter is not excused as sysctl, whatever its command is called',
    lines: [file(0, NGINX, 'open', '/proc/sys/net/ipv4/ip_forward', 'w', { comm: 'sysctl', pid: 2211 })],
    verdict: 'unclear',
    reasons: [/no strong signal either way/],
    notReasons: [/exists to write/],
    noIndex: true,
  },
  {
    name: 'the system bus receiving a descriptor one client sends another (systemd-homed to logind)',
    lines: [file(0, 'dbus-system', 'file_receive', '/att/dbus-system/run/systemd/home/alice.dont-suspend', 'w', { comm: 'dbus-broker', pid: 2343 })],
    verdict: 'missing-rule',
    reasons: [/dbus-system is a message bus: it receives the descriptors its clients send each other/],
    noIndex: true,
  },
  {
    name: 'the system bus opening the password hashes itself is still an alarm',
    lines: [file(0, 'dbus-system', 'open', '/etc/shadow', 'r', { comm: 'dbus-broker', pid: 2343 })],
    verdict: 'likely-attack',
    reasons: [/\/etc\/shadow/],
    notReasons: [/message bus/],
    noIndex: true,
  },
  {
    name: 'a web server receiving a descriptor is not excused as a message bus, whatever its command is called',
    lines: [file(0, NGINX, 'file_receive', '/var/lib/nginx/body/0000000042', 'w', { comm: 'dbus-daemon', pid: 2211 })],
    verdict: 'missing-rule',
    notReasons: [/message bus/],
    reasons: [/in nginx's own \/var\/lib tree/],
    noIndex: true,
  },
  {
    name: "a network manager setting a bridge's option (the interfaces' settings are what it exists to write)",
    lines: [file(0, 'snap.network-manager.networkmanager', 'open', '/sys/devices/virtual/net/br0/bridge/vlan_filtering', 'w', { comm: 'NetworkManager', pid: 2863 })],
    verdict: 'missing-rule',
    reasons: [/vlan_filtering: the network interfaces' settings, which networkmanager exists to write/],
    noIndex: true,
  },
  {
    name: "a web server setting a bridge's option is not excused as a network manager, whatever its command is called",
    lines: [file(0, NGINX, 'open', '/sys/devices/virtual/net/br0/bridge/vlan_filtering', 'w', { comm: 'NetworkManager', pid: 2211 })],
    verdict: 'unclear',
    notReasons: [/exists to write/],
    reasons: [/no strong signal either way/],
    noIndex: true,
  },
  {
    name: 'a network manager writing a cron schedule still alarms',
    lines: [file(0, 'NetworkManager', 'open', '/etc/cron.d/nm', 'wc', { comm: 'NetworkManager', pid: 2863 })],
    verdict: 'likely-attack',
    reasons: [/a cron schedule/],
    noIndex: true,
  },
  {
    name: 'a serial terminal packaged as a snap opening a USB serial port',
    lines: [file(0, 'snap.tio.tio', 'open', '/dev/ttyACM0', 'wr', { comm: 'tio', pid: 7624 })],
    verdict: 'missing-rule',
    reasons: [/\/dev\/ttyACM0 is a serial port: a snap talking to a device on it/],
    noIndex: true,
  },
  {
    name: 'a web server opening a serial port is not excused as a device tool',
    lines: [file(0, NGINX, 'open', '/dev/ttyUSB0', 'wr', { comm: 'nginx', pid: 2211 })],
    verdict: 'unclear',
    notReasons: [/serial port/],
    reasons: [/\/dev\/ttyUSB0/],
    noIndex: true,
  },
  {
    name: "systemd's private control socket is not its notification socket",
    lines: [file(0, 'syslog-ng', 'connect', '/run/systemd/private', 'wr', { comm: 'syslog-ng', pid: 2264 })],
    verdict: 'missing-rule',
    reasons: [/\/run\/systemd\/private/],
    notReasons: [/notification socket|logger's socket/],
    noIndex: true,
  },
  {
    name: 'a desktop portal asking for sys_ptrace: reading /proc of the apps that call it',
    lines: [kline(0, 'ALLOWED', 'operation="capable" class="cap" profile="xdg-desktop-portal-kde" pid=2301 comm="xdg-desktop-por" capability=19  capname="sys_ptrace"')],
    verdict: 'missing-rule',
    reasons: [/xdg-desktop-portal-kde is a desktop component: sys_ptrace to read \/proc\/PID/],
    noIndex: true,
  },
  {
    name: 'a desktop component asking for sys_admin is not excused',
    lines: [kline(0, 'DENIED', 'operation="capable" class="cap" profile="xdg-desktop-portal-kde" pid=2301 comm="xdg-desktop-por" capability=21  capname="sys_admin"')],
    verdict: 'likely-attack',
    reasons: [/sys_admin/],
    noIndex: true,
  },
  {
    name: "gpg-agent reading GnuPG's own directory: its job",
    lines: [file(0, 'gpg-agent', 'open', '/home/eric/.gnupg/common.conf', 'r', { comm: 'gpg-agent', fsuid: 1000, ouid: 1000 })],
    verdict: 'missing-rule',
    reasons: [/GnuPG's own keyring directory/],
    noIndex: true,
  },
  {
    name: "another program reading GnuPG's keys stays a credential read",
    lines: [file(0, '/usr/sbin/nginx', 'open', '/home/eric/.gnupg/private-keys-v1.d/A1B2.key', 'r', { comm: 'nginx', fsuid: 33, ouid: 1000 })],
    verdict: 'likely-attack',
    reasons: [/credential/],
    noIndex: true,
  },
  {
    name: "a display manager's session running a shell: the user's own session",
    lines: [
      kline(
        0,
        'ALLOWED',
        'operation="exec" class="file" profile="sddm//null-/usr/bin/Hyprland//null-/usr/bin/bash//null-/usr/bin/waybar" name="/usr/bin/bash" pid=3310 comm="waybar" requested_mask="x" denied_mask="x" fsuid=1000 ouid=0 target="sddm//null-/usr/bin/Hyprland//null-/usr/bin/bash//null-/usr/bin/waybar//null-/usr/bin/bash"',
      ),
    ],
    verdict: 'missing-rule',
    reasons: [/sddm starts login sessions, jobs or terminals: running \/usr\/bin\/bash in one is its job/],
    noIndex: true,
  },
  {
    name: 'a login manager running a program from a staging directory is not excused',
    lines: [kline(0, 'DENIED', 'operation="exec" class="file" profile="sddm" name="/tmp/.x/run" pid=3310 comm="sddm" requested_mask="x" denied_mask="x" fsuid=0 ouid=0')],
    verdict: 'likely-attack',
    reasons: [/from \/tmp/],
    noIndex: true,
  },
  {
    name: 'dbus call asking systemd to start a unit',
    lines: [
      kline(
        0,
        'DENIED',
        'operation="dbus_method_call" bus="system" path="/org/freedesktop/systemd1" interface="org.freedesktop.systemd1.Manager" member="StartTransientUnit" mask="send" name="org.freedesktop.systemd1" pid=2211 label="/usr/sbin/nginx" peer_pid=1 peer_label="unconfined"',
      ),
    ],
    verdict: 'likely-attack',
    reasons: [/StartTransientUnit on org\.freedesktop\.systemd1: a request to change the system/],
  },
  {
    // pam_systemd in sshd has logind make the login session (CreateSessionWithPIDFD on Ubuntu 24.04)
    name: 'a login service asking logind to create the session it starts',
    lines: [login1('/usr/sbin/sshd', 'CreateSessionWithPIDFD')],
    verdict: 'missing-rule',
    reasons: [/\/usr\/sbin\/sshd starts login sessions: asking logind to CreateSessionWithPIDFD is its job/],
  },
  { name: 'a web server asking logind for a session', lines: [login1('/usr/sbin/nginx', 'CreateSession')], verdict: 'likely-attack', reasons: [/a request to change the system/] },
  { name: 'a login service asking logind to power the host off', lines: [login1('/usr/sbin/sshd', 'PowerOff')], verdict: 'likely-attack', reasons: [/a request to change the system/] },
  {
    name: 'a mail server stopping a worker it runs under a profile of its own',
    lines: [kline(0, 'DENIED', 'operation="signal" profile="dovecot" pid=414 comm="dovecot" requested_mask="send" denied_mask="send" signal=term peer="/usr/lib/dovecot/imap"')],
    verdict: 'missing-rule',
    reasons: [/dovecot signalling a process of its own service \(term to \/usr\/lib\/dovecot\/imap\)/],
  },
  {
    name: 'a mail server stopping another service',
    lines: [kline(0, 'DENIED', 'operation="signal" profile="dovecot" pid=414 comm="dovecot" requested_mask="send" denied_mask="send" signal=term peer="/usr/sbin/nginx"')],
    verdict: 'unclear',
    reasons: [/a process of another service \(\/usr\/sbin\/nginx\)/],
  },
  {
    // Xorg links its display lock from a temporary name (`.tX0-lock`) at start-up
    name: "the X server's display lock in /tmp",
    lines: [file(0, 'Xorg', 'link', '/tmp/.X0-lock', 'r', { comm: 'Xorg', extra: 'target="/tmp/.tX0-lock"' })],
    verdict: 'missing-rule',
    reasons: [/\/tmp\/\.X0-lock is the lock of an X display, which Xorg makes/],
    notReasons: [/hidden/],
  },
  {
    name: "a web server making an X display's lock",
    lines: [file(0, NGINX, 'mknod', '/tmp/.X0-lock', 'c', { comm: 'nginx' })],
    verdict: 'likely-attack',
    reasons: [/a hidden file \(\.X0-lock\) in \/tmp/],
  },
  {
    name: 'the X server making a hidden file of another name',
    lines: [file(0, 'Xorg', 'mknod', '/tmp/.x/kworkerd', 'c', { comm: 'Xorg' })],
    verdict: 'likely-attack',
    reasons: [/hidden directory \(\.x\)/],
  },
  {
    name: 'mount by a service',
    lines: [kline(0, 'DENIED', 'operation="mount" class="mount" info="failed mntpnt match" error=-13 profile="queued" name="/mnt/" pid=3100 comm="queued" fstype="ext4" srcname="/dev/vdb1"')],
    verdict: 'likely-attack',
    reasons: [/changing mounts needs broad privilege/],
  },

  // --- profile-aware: explicit deny, neighbours, wider masks, tunables, children, learning profiles
  {
    name: 'a quiet deny rule matched: no attack sign, the loaded policy is older than the file',
    lines: [file(0, EXPORTER, 'open', '/home/reports/.ssh/config', 'r', { comm: 'exporter', fsuid: 998, ouid: 998 })],
    verdict: 'unclear',
    reasons: [/denies this without logging it \(`deny @\{HOME\}\/\.ssh\/\*\* rw,` \(opt\.reports\.exporter:10\)\).*the loaded policy is older than the file/],
    notReasons: [/on purpose/],
    suggestion: 'none',
    suggestionText: /adding a rule would not help: .* denies it without logging it .*reload the profile \(apparmor_parser -r .*opt\.reports\.exporter\)/,
  },
  {
    // a medium capability (one attack point) and a quiet deny of it: two points would call an attack
    name: 'a capability the profile keeps quiet with a deny rule is not an attack sign',
    lines: [cap(0, QUEUED, 'net_admin', 12, { comm: 'queued' })],
    verdict: 'unclear',
    reasons: [/denies this without logging it \(`deny capability net_admin,` \(usr\.sbin\.queued:\d+\)\)/],
    notReasons: [/on purpose/],
    suggestionText: /reload the profile/,
  },
  {
    // the kernel could not name the file, so no rule was matched by its name: the rule that
    // matches the name explains nothing (a reload would change nothing)
    name: 'a deleted entry under a path the profile allows: not a stale policy, the flag is the fix',
    lines: [file(0, QUEUED, 'open', '/var/lib/queued/jobs.tmp', 'w', { comm: 'queued', extra: 'info="Failed name lookup - deleted entry" error=-2' })],
    verdict: 'missing-rule',
    reasons: [/deleted entry \(\/var\/lib\/queued\/jobs\.tmp\)/],
    notReasons: [/already allows/, /older than the file/],
    rule: 'flags=(mediate_deleted)',
  },
  {
    name: 'a disconnected path did not move: it is the same file seen from outside the namespace',
    lines: [file(0, QUEUED, 'open', 'run/queued.pid', 'w', { comm: 'queued', extra: 'info="Failed name lookup - disconnected path" error=-13' })],
    verdict: 'missing-rule',
    reasons: [/disconnected path \(run\/queued\.pid\)/],
    notReasons: [/same file name elsewhere/, /moved/],
    rule: 'flags=(attach_disconnected)',
  },
  {
    name: "an owner rule does not allow another's file: no stale policy, no reload",
    lines: [file(0, QUEUED, 'open', '/home/alice/.config/queued/q.conf', 'r', { comm: 'queued', fsuid: 1000, ouid: 0 })],
    verdict: 'missing-rule',
    reasons: [/allows \/home\/alice\/\.config\/queued\/q\.conf only to the file's owner \(`owner @\{HOME\}\/\.config\/queued\/\*\* r,`.*owned by uid 0, the process works as uid 1000/],
    notReasons: [/already allows/, /older than the file/],
    rule: '/home/alice/.config/queued/q.conf r,',
  },
  {
    name: 'an account tool locking the account database (shadow-utils links /etc/shadow.PID to /etc/shadow.lock) does its job',
    lines: [file(0, '/usr/bin/passwd', 'link', '/etc/shadow.lock', 'r', { comm: 'passwd', extra: 'target="/etc/shadow.15961"' })],
    verdict: 'missing-rule',
    reasons: [/\/etc\/shadow\.lock is part of the account database passwd exists to change: writing it is its job/],
    notReasons: [/persistence foothold/],
  },
  {
    name: 'an account tool writing anything but the account database is still a foothold',
    lines: [file(0, '/usr/sbin/useradd', 'open', '/etc/cron.d/useradd', 'w', { comm: 'useradd' })],
    verdict: 'likely-attack',
    reasons: [/persistence foothold/],
  },
  {
    name: 'the account database written by a program that does not keep it is a foothold',
    lines: [file(0, '/usr/sbin/nginx', 'open', '/etc/shadow.lock', 'w', { comm: 'nginx' })],
    verdict: 'likely-attack',
    reasons: [/the account database \(\/etc\/shadow\.lock\): a persistence foothold/],
  },
  {
    name: 'a denied directory has no file name to have moved from',
    lines: [file(0, QUEUED, 'open', '/srv/jobs/', 'r', { comm: 'queued' })],
    verdict: 'missing-rule',
    reasons: [],
    notReasons: [/same file name elsewhere/, /moved/],
  },
  {
    name: 'pid file moved to a new directory',
    lines: [file(0, QUEUED, 'mknod', '/run/queued/queued.pid', 'c', { comm: 'queued' })],
    verdict: 'missing-rule',
    reasons: [/in queued's own \/run tree/, /same file name elsewhere \(`@\{run\}\/queued\.pid rw,`/],
    rule: '/run/queued/queued.pid w,',
    file: 'usr.sbin.queued',
  },
  {
    name: 'exporter pid file under /run/report-exporter/',
    lines: [file(0, EXPORTER, 'mknod', '/run/report-exporter/exporter.pid', 'c', { comm: 'exporter', fsuid: 998, ouid: 998 })],
    verdict: 'missing-rule',
    reasons: [/report-exporter's own \/run tree/],
    rule: '/run/report-exporter/exporter.pid w,',
    file: 'local/opt.reports.exporter',
  },
  {
    name: 'rotated log file name next to a *.log rule',
    lines: [file(0, QUEUED, 'open', '/var/log/queued/worker.log.1', 'w', { comm: 'queued' })],
    verdict: 'missing-rule',
    reasons: [/next to what the profile already allows \(`\/var\/log\/queued\/\*\.log w,`/],
    rule: '/var/log/queued/*.log* w,',
  },
  {
    name: 'a wider mask on an allowed path',
    lines: [file(0, NGINX, 'open', '/var/log/nginx/access.log', 'r', { comm: 'nginx' })],
    verdict: 'missing-rule',
    reasons: [/already allows \/var\/log\/nginx\/access\.log with 'w'.*this needs 'r'/],
    rule: '/var/log/nginx/access.log r,',
  },
  {
    name: 'config read in the application /etc tree of the state it already reads',
    lines: [file(0, 'backup-agent', 'open', '/etc/postgresql/15/main/pg_hba.conf', 'r', { kind: 'ALLOWED', comm: 'backup-agent' })],
    verdict: 'missing-rule',
    reasons: [/the \/etc side of \/var\/lib\/postgresql\/15\/main\//],
    rule: '/etc/postgresql/15/main/pg_hba.conf r,',
    file: 'usr.local.bin.backup-agent',
  },
  {
    name: '@{run} covers /var/run: already allowed, reload',
    lines: [file(0, '/usr/sbin/unbound', 'open', '/var/run/unbound.pid', 'w', { comm: 'unbound' })],
    verdict: 'missing-rule',
    reasons: [/already allows \/var\/run\/unbound\.pid with 'w' \(`@\{run\}\/unbound\.pid rw,`/],
    suggestion: 'none',
  },
  {
    name: 'owner @{HOME} rule and a home path: the owner qualifier is kept',
    lines: [file(0, QUEUED, 'open', '/home/alice/.config/queued/queue.conf', 'w', { comm: 'queued', fsuid: 1000, ouid: 1000 })],
    verdict: 'missing-rule',
    reasons: [/already allows \/home\/alice\/\.config\/queued\/queue\.conf with 'r'/],
    rule: 'owner @{HOME}/.config/queued/queue.conf w,',
  },
  {
    name: 'child profile reading fonts: the abstraction, in the child block of the parent file',
    lines: [file(0, 'thumbnail-renderer//helper', 'open', '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', 'r', { comm: 'decode-helper' })],
    verdict: 'missing-rule',
    reasons: [/covered by <abstractions\/fonts>/],
    rule: 'include <abstractions/fonts>',
    file: 'usr.bin.thumbnail-renderer',
    suggestionText: /inside `profile helper \{ \.\.\. \}`/,
  },
  {
    name: 'name resolution files: the nameservice abstraction',
    lines: [file(0, EXPORTER, 'open', '/etc/nsswitch.conf', 'r', { comm: 'exporter' })],
    verdict: 'missing-rule',
    reasons: [/<abstractions\/nameservice>/],
    rule: 'include <abstractions/nameservice>',
  },
  {
    name: 'learning null profile maps to its parent',
    lines: [file(0, 'backup-agent//null-/usr/bin/pg_dump', 'open', '/var/backups/pg/2026-11-22.dump', 'wc', { kind: 'ALLOWED', comm: 'pg_dump' })],
    verdict: 'missing-rule',
    reasons: [/the file declaring backup-agent\/\/null-\/usr\/bin\/pg_dump already allows \/var\/backups\/pg\/2026-11-22\.dump/, /complain mode \(learning\)/],
  },
  {
    name: 'stacked label resolves to the declared member',
    lines: [file(0, 'docker-default//&/usr/sbin/nginx', 'open', '/etc/shadow', 'r', { comm: 'nginx' })],
    verdict: 'likely-attack',
    reasons: [/password hash file/],
  },

  // --- generated profiles (name only) and a missing profile directory
  {
    name: 'docker-default denial of a zoneinfo read: where the change belongs',
    lines: [file(0, 'docker-default', 'open', '/usr/share/zoneinfo/Europe/Paris', 'r', { comm: 'app' })],
    verdict: 'missing-rule',
    reasons: [/generated by docker/],
    suggestionText: /--security-opt apparmor=/,
  },
  {
    name: 'snap profile reading /etc/shadow',
    lines: [file(0, 'snap.certbot.certbot', 'open', '/etc/shadow', 'r', { comm: 'certbot' })],
    verdict: 'likely-attack',
    reasons: [/password hash file/, /generated by snapd/],
  },
  {
    name: 'profile directory unreadable: name-only reasoning says so',
    noIndex: true,
    lines: [file(0, NGINX, 'open', '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', 'r', { comm: 'nginx' })],
    verdict: 'missing-rule',
    reasons: [/profile directories were not read \(\/etc\/apparmor\.d: permission denied\)/, /<abstractions\/fonts>/],
    rule: 'include <abstractions/fonts>',
  },
  {
    name: 'profile directory unreadable: an attack is still an attack',
    noIndex: true,
    lines: [file(0, NGINX, 'exec', '/bin/bash', 'x', { comm: 'nginx' })],
    verdict: 'likely-attack',
    reasons: [/tried to execute a shell/, /not read/],
  },

  // --- complain mode: ALLOWED records are classified too
  {
    name: 'an ALLOWED shell exec in complain mode succeeded, and says so',
    lines: [file(0, 'backup-agent', 'exec', '/usr/bin/bash', 'x', { kind: 'ALLOWED', comm: 'backup-agent' })],
    verdict: 'likely-attack',
    reasons: [/ALLOWED: backup-agent is in complain mode, so this access succeeded/, /executed a shell/],
    suggestionText: /It was ALLOWED/,
  },
  {
    name: 'a backup agent reading .pgpass: a credential read, never a missing rule',
    lines: [file(0, 'backup-agent', 'open', '/var/lib/postgresql/.pgpass', 'r', { kind: 'ALLOWED', comm: 'backup-agent' })],
    verdict: 'unclear',
    reasons: [/read database credentials \(\/var\/lib\/postgresql\/\.pgpass\): a credential read/, /conflict/],
  },
  {
    name: 'an ALLOWED routine capability in a learning profile',
    lines: [cap(0, 'backup-agent', 'dac_read_search', 2, { kind: 'ALLOWED', comm: 'backup-agent' })],
    verdict: 'missing-rule',
    reasons: [/dac_read_search/, /complain mode \(learning\)/],
    rule: 'capability dac_read_search,',
  },

  // --- sequence: reinforcement, startup bursts, conflicts
  {
    name: 'several attack signals from one pid reinforce each other',
    lines: [
      file(0, NGINX, 'exec', '/usr/bin/dash', 'x', { pid: 2211, comm: 'nginx' }),
      file(1, NGINX, 'open', '/etc/shadow', 'r', { pid: 2211, comm: 'nginx' }),
      file(2, NGINX, 'exec', '/usr/bin/curl', 'x', { pid: 2211, comm: 'nginx' }),
    ],
    verdict: 'likely-attack',
    reasons: [/pid 2211 \(\/usr\/sbin\/nginx\) already showed 2 attack signals in the last 2 minutes \(exec-shell, credential-read\)/],
  },
  {
    name: 'a read that looks routine from a pid that just tried a shell is not called a missing rule',
    lines: [file(0, NGINX, 'exec', '/usr/bin/dash', 'x', { pid: 2211, comm: 'nginx' }), file(5, NGINX, 'open', '/usr/share/GeoIP/GeoLite2-City.mmdb', 'r', { pid: 2211, comm: 'nginx' })],
    verdict: 'unclear',
    reasons: [/pid 2211 .*showed attack signals .*exec-shell/, /conflict/],
  },
  {
    name: 'a burst right after profile_replace is a tightened profile starting up',
    lines: [status(0, 'profile_replace', NGINX), file(1, NGINX, 'open', '/usr/share/GeoIP/GeoLite2-Country.mmdb', 'r', { pid: 1900, comm: 'nginx' })],
    verdict: 'missing-rule',
    reasons: [/1 s after profile_replace of \/usr\/sbin\/nginx/],
    rule: '/usr/share/GeoIP/GeoLite2-Country.mmdb r,',
    file: 'local/usr.sbin.nginx',
  },
  {
    name: 'an attack right after a profile_replace is still an attack',
    lines: [status(0, 'profile_replace', NGINX), file(1, NGINX, 'exec', '/usr/bin/dash', 'x', { pid: 1900, comm: 'nginx' })],
    verdict: 'likely-attack',
    reasons: [/tried to execute a shell/, /weighed against: .*after profile_replace/],
  },
];

describe('scenario suite', () => {
  let index: ProfileIndex;
  before(async () => {
    const loaded = await loadFixtureIndex();
    assert.deepEqual(loaded.problems, []);
    index = loaded.index;
  });

  for (const sc of SCENARIOS) {
    test(sc.name, () => {
      const classifier = sc.noIndex ? createClassifier(undefined, { profileProblems: ['/etc/apparmor.d: permission denied'] }) : createClassifier(index);
      const recs = parse(sc.lines);
      assert.equal(recs.length, sc.lines.length, 'every line parses to one record');
      let c: Classification | undefined;
      for (const r of recs) c = classifier.classify(r);
      const got = c!;
      const detail = `\n  verdict ${got.verdict} ${got.confidence}\n  reasons:\n    ${got.reasons.join('\n    ')}\n  suggestion: ${JSON.stringify(got.suggestion)}`;
      assert.equal(got.verdict, sc.verdict, `verdict${detail}`);
      assert.ok(got.confidence > 0 && got.confidence <= 1, `confidence${detail}`);
      for (const re of sc.reasons)
        assert.ok(
          got.reasons.some((x) => re.test(x)),
          `no reason matches ${re}${detail}`,
        );
      for (const re of sc.notReasons ?? []) assert.ok(!got.reasons.some((x) => re.test(x)), `a reason matches ${re}${detail}`);
      // reasons are specific: each names the profile, the process or the object
      const last = recs[recs.length - 1].fields;
      const named = [last.profile ?? last.label, last.name, last.comm, last.capname, last.family, last.peer, last.signal].filter(Boolean) as string[];
      const profileParts = (last.profile ?? last.label ?? '').split(/\/\/&?/);
      assert.ok(got.reasons[0] && [...named, ...profileParts].some((n) => got.reasons[0].includes(n)), `first reason is generic${detail}`);
      if (sc.verdict === 'likely-attack') {
        assert.equal(got.suggestion?.kind, 'respond', `an attack gets a response, never a rule${detail}`);
        assert.equal(got.suggestion?.rules, undefined);
      }
      if (sc.suggestion) assert.equal(got.suggestion?.kind, sc.suggestion, `suggestion kind${detail}`);
      if (sc.suggestionText) assert.match(got.suggestion?.text ?? '', sc.suggestionText, `suggestion text${detail}`);
      if (sc.rule) {
        assert.equal(got.suggestion?.kind, 'rule', `suggestion kind${detail}`);
        assert.deepEqual(got.suggestion?.rules, [sc.rule], `rule${detail}`);
      }
      if (sc.file) assert.equal(got.suggestion?.file, join(PROFILES, sc.file), `file${detail}`);
    });
  }
});
