// Deterministic generator of realistic host logs for the benchmarks: one carrier per file (raw
// dmesg, journalctl -o short, /var/log/audit/audit.log), a chosen number of lines and a chosen
// share of AppArmor records; the rest is the ordinary traffic of a busy server (firewall drops, TCP,
// ext4, containers, BPF and login audit records, the odd kauditd rate-limit notice).
// The same options and seed always give the same bytes.
//
// Three mixes of AppArmor records (`mix`):
// - mixed: the denials in every class, each from a pid of its own (the default);
// - flood: what an outage looks like, a few hundred distinct denials repeated, each service's
//   records from a handful of pids;
// - distinct: every record new (a name or a command of its own): the worst case for any cache.
//
//   node bench/generate.mjs --carrier dmesg|journal|auditlog [--mix mixed|flood|distinct] [--lines 1000000] [--share 0.2] [--seed 1] [--class] --out FILE
import { closeSync, openSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

export const CARRIERS = ['dmesg', 'journal', 'auditlog'];
export const MIXES = ['mixed', 'flood', 'distinct'];
/** Bumped whenever the output changes, so cached files are regenerated. */
export const GENERATOR_VERSION = 1;

/** mulberry32: small, fast, good enough to vary log lines; deterministic across platforms (the
 * tests' random streams come from it too). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (s) => Buffer.from(s).toString('hex').toUpperCase();

// What a flood is made of: a few profiles denying the same things over and over, a long tail of
// others, and the record shapes every class produces (file, capability, network, signal, ptrace,
// exec, mount, dbus), hex-encoded names included.
const DENIALS = [
  {
    w: 30,
    profile: '/usr/sbin/nginx',
    comm: 'nginx',
    body: (r, p) =>
      `operation="open" class="file" profile="${p}" name="${pick(r, ['/usr/share/GeoIP/GeoLite2-Country.mmdb', '/etc/ssl/private/site.key', '/var/www/html/.env', `/proc/${pid(r)}/status`])}" pid=%PID% comm="nginx" requested_mask="r" denied_mask="r" fsuid=33 ouid=0`,
  },
  {
    w: 15,
    profile: 'report-exporter',
    comm: 'exporter',
    body: (r, p) => `operation="mknod" class="file" profile="${p}" name="/run/report-exporter/exporter.pid" pid=%PID% comm="exporter" requested_mask="c" denied_mask="c" fsuid=998 ouid=998`,
  },
  {
    w: 8,
    profile: 'thumbnail-renderer',
    comm: 'sh',
    body: (r, p) =>
      `operation="exec" class="file" info="no new privs" error=-1 profile="${p}" name="${pick(r, ['/bin/sh', '/usr/bin/curl', '/tmp/.x/kworker'])}" pid=%PID% comm="sh" requested_mask="x" denied_mask="x" fsuid=1000 ouid=0 target="${p}//null-/bin/sh"`,
  },
  {
    w: 6,
    profile: 'thumbnail-renderer',
    comm: 'convert',
    body: (r, p) =>
      `operation="open" class="file" profile="${p}" name=${hex(`/tmp/upload ${Math.floor(r() * 9999)}.png`)} pid=%PID% comm="convert" requested_mask="wc" denied_mask="wc" fsuid=1000 ouid=1000`,
  },
  {
    w: 6,
    profile: 'docker-default',
    comm: 'runc:[2:INIT]',
    body: (r, p) =>
      `operation="mount" class="mount" info="failed flags match" error=-13 profile="${p}" name="/proc/sys/kernel/" pid=%PID% comm="runc:[2:INIT]" fstype="proc" srcname="proc" flags="rw, nosuid, nodev, noexec"`,
  },
  {
    w: 6,
    profile: 'backup-agent',
    comm: 'backup-agent',
    body: (r, p) =>
      `operation="capable" class="cap" profile="${p}" pid=%PID% comm="backup-agent" capability=${pick(r, ['1 capname="dac_override"', '2 capname="dac_read_search"', '12 capname="net_admin"', '21 capname="sys_admin"'])}`,
  },
  {
    w: 5,
    profile: 'thumbnail-renderer',
    comm: 'convert',
    body: (r, p) =>
      `operation="create" class="net" profile="${p}" pid=%PID% comm="convert" family="${pick(r, ['inet', 'inet6', 'packet'])}" sock_type="${pick(r, ['stream', 'raw', 'dgram'])}" protocol=${pick(r, ['6', '0', '17'])} requested_mask="create" denied_mask="create"`,
  },
  {
    w: 4,
    profile: 'report-exporter',
    comm: 'systemd',
    body: (r, p) => `operation="signal" class="signal" profile="${p}" pid=1 comm="systemd" requested_mask="receive" denied_mask="receive" signal=${pick(r, ['hup', 'term', 'usr1'])} peer="unconfined"`,
  },
  {
    w: 3,
    profile: 'backup-agent',
    comm: 'backup-agent',
    body: (r, p) =>
      `operation="ptrace" class="ptrace" profile="${p}" pid=%PID% comm="backup-agent" requested_mask="read" denied_mask="read" peer="${pick(r, ['unconfined', '/usr/sbin/sshd', 'snap.lxd.daemon'])}"`,
  },
  {
    w: 3,
    profile: 'snap.firefox.firefox',
    comm: 'firefox',
    body: (r, p) =>
      `operation="open" class="file" profile="${p}" name="/home/${pick(r, ['alice', 'bob', 'deploy'])}/.ssh/id_ed25519" pid=%PID% comm="firefox" requested_mask="r" denied_mask="r" fsuid=1000 ouid=1000`,
  },
  {
    w: 2,
    profile: '/usr/sbin/cupsd',
    comm: 'cupsd',
    body: (r, p) => `operation="file_inherit" class="file" profile="${p}" name="/dev/pts/${Math.floor(r() * 8)}" pid=%PID% comm="cupsd" requested_mask="wr" denied_mask="wr" fsuid=0 ouid=0`,
  },
];
const DENIAL_TOTAL = DENIALS.reduce((n, d) => n + d.w, 0);

function pick(r, list) {
  return list[Math.floor(r() * list.length)];
}
function pid(r) {
  return 1000 + Math.floor(r() * 60000);
}
function ip(r) {
  return `${pick(r, ['203.0.113', '198.51.100', '192.0.2'])}.${1 + Math.floor(r() * 253)}`;
}

const CLASS_RE = / class="[a-z]+"/;
const PID_RE = / pid=\d+/;
const NAME_RE = / name="([^"]*)"/;
const COMM_RE = / comm="[^"]*"/;

/** The flood's distinct denials, each a body with `%PID%` where its pid goes, and its profile. */
const FLOOD_SIZE = 300;
function floodPool(seed, withClass) {
  const r = prng(seed * 40503 + 17);
  const pool = [];
  for (let i = 0; i < FLOOD_SIZE; i++) {
    let profile = '';
    const body = apparmorBody(r, withClass, (p) => ((profile = p), 0)).replace(PID_RE, ' pid=%PID%');
    pool.push({ body, profile: profile || 'unconfined' });
  }
  return pool;
}

/** A handful of pids per service: the service's base pid and three more. */
function servicePid(r, profile) {
  let h = 7;
  for (let i = 0; i < profile.length; i++) h = (h * 31 + profile.charCodeAt(i)) % 50000;
  return 2000 + h + Math.floor(r() * 4);
}

/** The record made unique by its name (or, without one, its command), from a counter. */
function distinctBody(body, n) {
  if (NAME_RE.test(body)) return body.replace(NAME_RE, (_, name) => ` name="${name}.${n}"`);
  return body.replace(COMM_RE, ` comm="w${n}"`);
}

/**
 * One AppArmor body (without carrier prefix or audit header). `withClass`: the `class=` key that
 * kernels since 6.x add (Debian 12's 6.1 writes none, and libapparmor 3.0 rejects records with it).
 */
function apparmorBody(r, withClass, pidOf = () => pid(r)) {
  const roll = r();
  if (roll < 0.004) {
    return `apparmor="STATUS" operation="profile_replace" profile="unconfined" name="${pick(r, ['/usr/sbin/nginx', 'report-exporter', 'docker-default'])}" pid=${pid(r)} comm="apparmor_parser"`;
  }
  let x = r() * DENIAL_TOTAL;
  let d = DENIALS[0];
  for (const c of DENIALS) {
    x -= c.w;
    if (x < 0) {
      d = c;
      break;
    }
  }
  const kind = roll < 0.12 ? 'ALLOWED' : roll < 0.125 ? 'AUDIT' : 'DENIED';
  const body = `apparmor="${kind}" ${d.body(r, d.profile).replace('%PID%', String(pidOf(d.profile)))}`;
  return withClass ? body : body.replace(CLASS_RE, '');
}

/** Ordinary kernel messages of a busy server, without the uptime/syslog prefix. */
function kernelChatter(r, auditId) {
  const x = r();
  if (x < 0.3) {
    return `[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=${ip(r)} DST=10.0.0.5 LEN=${40 + Math.floor(r() * 80)} TOS=0x00 PREC=0x00 TTL=${40 + Math.floor(r() * 20)} ID=${Math.floor(r() * 65535)} PROTO=TCP SPT=${1024 + Math.floor(r() * 60000)} DPT=${pick(r, ['22', '23', '3389', '5432', '6379'])} WINDOW=1024 RES=0x00 SYN URGP=0`;
  }
  if (x < 0.4) return 'TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies.  Check SNMP counters.';
  if (x < 0.5) return `audit: type=1334 audit(${auditId()}): prog-id=${Math.floor(r() * 400)} op=${pick(r, ['LOAD', 'UNLOAD'])}`;
  if (x < 0.57) return `audit: type=1006 audit(${auditId()}): pid=${pid(r)} uid=0 subj=unconfined old-auid=4294967295 auid=1000 tty=(none) old-ses=4294967295 ses=${Math.floor(r() * 900)} res=1`;
  if (x < 0.65) return `docker0: port ${1 + Math.floor(r() * 9)}(veth${Math.floor(r() * 0xffffff).toString(16)}) entered ${pick(r, ['blocking', 'forwarding', 'disabled'])} state`;
  if (x < 0.72)
    return `EXT4-fs (nvme0n1p${1 + Math.floor(r() * 3)}): ${pick(r, ['mounted filesystem with ordered data mode. Quota mode: none.', 'resizing filesystem from 2621184 to 5242624 blocks', 'warning: mounting fs with errors, running e2fsck is recommended'])}`;
  if (x < 0.78) return `nf_conntrack: nf_conntrack: table full, dropping packet`;
  if (x < 0.83) return `IPv6: ADDRCONF(NETDEV_CHANGE): veth${Math.floor(r() * 0xffffff).toString(16)}: link becomes ready`;
  if (x < 0.88)
    return `Out of memory: Killed process ${pid(r)} (${pick(r, ['java', 'node', 'php-fpm'])}) total-vm:${Math.floor(r() * 9e6)}kB, anon-rss:${Math.floor(r() * 4e6)}kB, file-rss:0kB, shmem-rss:0kB, UID:33 pgtables:${Math.floor(r() * 9000)}kB oom_score_adj:0`;
  if (x < 0.93)
    return `${pick(r, ['nvme', 'sd'])} ${pick(r, ['0000:01:00.0', '2:0:0:0'])}: ${pick(r, ['I/O 512 QID 3 timeout, completion polled', '[sdb] tag#12 FAILED Result: hostbyte=DID_OK driverbyte=DRIVER_OK cmd_age=0s'])}`;
  if (x < 0.9995)
    return `perf: interrupt took too long (${2500 + Math.floor(r() * 5000)} > ${2500 + Math.floor(r() * 2000)}), lowering kernel.perf_event_max_sample_rate to ${Math.floor(r() * 80000)}`;
  return `kauditd_printk_skb: ${1 + Math.floor(r() * 60)} callbacks suppressed`;
}

/** Ordinary audit.log records that are not AppArmor's (logins, services, BPF, netfilter). */
function auditChatter(r, id, host) {
  const x = r();
  const h = `type=%T msg=audit(${id}): `;
  const node = host ? `node=${host} ` : '';
  let line;
  if (x < 0.25)
    line = `${h.replace('%T', pick(r, ['USER_ACCT', 'CRED_ACQ', 'USER_START', 'USER_END', 'CRED_DISP']))}pid=${pid(r)} uid=0 auid=${pick(r, ['0', '1000', '4294967295'])} ses=${Math.floor(r() * 900)} subj=unconfined msg='op=PAM:${pick(r, ['accounting', 'setcred', 'session_open', 'session_close'])} grantors=pam_unix acct="${pick(r, ['root', 'deploy', 'www-data'])}" exe="/usr/sbin/${pick(r, ['cron', 'sshd', 'sudo'])}" hostname=? addr=? terminal=${pick(r, ['cron', 'ssh', '/dev/pts/0'])} res=success'\x1dUID="root" AUID="deploy"`;
  else if (x < 0.45)
    line = `${h.replace('%T', pick(r, ['SERVICE_START', 'SERVICE_STOP']))}pid=1 uid=0 auid=4294967295 ses=4294967295 subj=unconfined msg='unit=${pick(r, ['phpsessionclean', 'logrotate', 'apt-daily', 'certbot', 'fstrim'])} comm="systemd" exe="/usr/lib/systemd/systemd" hostname=? addr=? terminal=? res=success'\x1dUID="root" AUID="unset"`;
  else if (x < 0.65) line = `${h.replace('%T', 'BPF')}prog-id=${Math.floor(r() * 400)} op=${pick(r, ['LOAD', 'UNLOAD'])}`;
  else if (x < 0.8)
    line = `${h.replace('%T', 'NETFILTER_CFG')}table=filter:${Math.floor(r() * 90)} family=2 entries=${Math.floor(r() * 300)} op=nft_register_chain pid=${pid(r)} subj=unconfined comm="dockerd"`;
  else if (x < 0.95)
    line = `${h.replace('%T', 'USER_LOGIN')}pid=${pid(r)} uid=0 auid=1000 ses=${Math.floor(r() * 900)} subj=unconfined msg='op=login id=1000 exe="/usr/sbin/sshd" hostname=${ip(r)} addr=${ip(r)} terminal=/dev/pts/${Math.floor(r() * 8)} res=${pick(r, ['success', 'failed'])}'\x1dAUID="deploy" ID="deploy"`;
  else line = `${h.replace('%T', 'CONFIG_CHANGE')}op=set audit_backlog_limit=8192 old=64 auid=4294967295 ses=4294967295 subj=unconfined res=1\x1dAUID="unset"`;
  return node + line;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function syslogDate(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/**
 * The log, line by line (without newlines). `stats` is filled as lines are produced: lines and
 * AppArmor records so far.
 */
export function* logLines({ carrier, lines = Infinity, share = 0.2, seed = 1, withClass = false, mix = 'mixed' }, stats = { lines: 0, records: 0 }) {
  if (!CARRIERS.includes(carrier)) throw new Error(`unknown carrier ${carrier} (known: ${CARRIERS.join(', ')})`);
  if (!MIXES.includes(mix)) throw new Error(`unknown mix ${mix} (known: ${MIXES.join(', ')})`);
  const r = prng(seed * 2654435761 + CARRIERS.indexOf(carrier));
  const boot = 1795305600_000; // 2026-11-22T00:00:00Z minus ~3 h of uptime
  let now = 1795316400_000; // 2026-11-22T03:00:00Z
  let serial = 4000;
  const auditId = () => {
    const ms = now % 1000;
    return `${Math.floor(now / 1000)}.${String(ms).padStart(3, '0')}:${++serial}`;
  };
  const host = 'web-01';
  // audit.log events bring SYSCALL + PROCTITLE lines (80 % of them, fewer when the share is high):
  // pick events so that AppArmor records are still `share` of the lines
  const withContext = share > 0 ? Math.min(0.8, (1 - share) / (2 * share)) : 0.8;
  const pEvent = carrier === 'auditlog' ? Math.min(1, share / (1 - 2 * withContext * share)) : share;
  const pool = mix === 'flood' ? floodPool(seed, withClass) : undefined;
  let made = 0;
  const apparmorRecord = () => {
    if (pool) {
      const e = pool[Math.floor(r() * pool.length)];
      return e.body.replace('%PID%', String(servicePid(r, e.profile)));
    }
    const body = apparmorBody(r, withClass);
    return mix === 'distinct' ? distinctBody(body, ++made) : body;
  };
  while (stats.lines < lines) {
    now += Math.floor(r() * 2); // ~ 2000 lines a second: a flood
    const aa = r() < pEvent;
    if (aa) stats.records++;
    stats.lines++;
    if (carrier === 'dmesg') {
      const up = ((now - boot) / 1000).toFixed(6).padStart(12, ' ');
      if (aa) yield `[${up}] audit: type=1400 audit(${auditId()}): ${apparmorRecord()}`;
      else yield `[${up}] ${kernelChatter(r, auditId)}`;
    } else if (carrier === 'journal') {
      const date = syslogDate(now);
      if (aa) yield `${date} ${host} kernel: audit: type=1400 audit(${auditId()}): ${apparmorRecord()}`;
      else if (r() < 0.75) yield `${date} ${host} kernel: ${kernelChatter(r, auditId)}`;
      else
        yield `${date} ${host} ${pick(r, ['sshd', 'CRON', 'systemd', 'dockerd'])}[${pid(r)}]: ${pick(r, ['Connection closed by authenticating user root 203.0.113.9 port 52814 [preauth]', 'pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)', 'Started session-4211.scope - Session 4211 of User deploy.', 'level=info msg="ignoring event" container=4fa1c9 module=libcontainerd namespace=moby topic=/tasks/delete type="*events.TaskDelete"'])}`;
    } else {
      const node = r() < 0.5 ? `node=${host} ` : '';
      if (!aa) {
        yield auditChatter(r, auditId(), node ? host : '');
        continue;
      }
      const id = auditId();
      const body = apparmorRecord();
      yield `${node}type=AVC msg=audit(${id}): ${body}\x1dFSUID="root" OUID="root"`;
      // most AppArmor events come with their SYSCALL and PROCTITLE records under the same id
      if (r() < withContext && stats.lines < lines) {
        const comm = /comm="([^"]*)"/.exec(body)?.[1] ?? 'x';
        stats.lines++;
        yield `${node}type=SYSCALL msg=audit(${id}): arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c a1=7ffd2c1a a2=80000 a3=0 items=0 ppid=1 pid=${pid(r)} auid=4294967295 uid=33 gid=33 euid=33 suid=33 fsuid=33 egid=33 sgid=33 fsgid=33 tty=(none) ses=4294967295 comm="${comm}" exe="/usr/sbin/${comm}" subj=${pick(r, ['/usr/sbin/nginx (enforce)', 'report-exporter (enforce)'])} key=(null)\x1dARCH=x86_64 SYSCALL=openat AUID="unset" UID="www-data"`;
        if (stats.lines < lines) {
          stats.lines++;
          yield `${node}type=PROCTITLE msg=audit(${id}): proctitle=${hex(`${comm}: worker process`)}`;
        }
      }
    }
  }
}

/**
 * Generates the log and hands it to `write` in chunks of about 1 MiB.
 * Returns what was written: lines, AppArmor records, bytes.
 */
export function generate(opts, write) {
  const stats = { lines: 0, records: 0 };
  let out = '';
  let bytes = 0;
  for (const line of logLines(opts, stats)) {
    out += line;
    out += '\n';
    if (out.length >= 1 << 20) {
      bytes += Buffer.byteLength(out);
      write(out);
      out = '';
    }
  }
  if (out) {
    bytes += Buffer.byteLength(out);
    write(out);
  }
  return { lines: stats.lines, records: stats.records, bytes };
}

export function generateFile(opts, path) {
  const fd = openSync(path, 'w');
  try {
    return generate(opts, (s) => writeSync(fd, s));
  } finally {
    closeSync(fd);
  }
}

// run as a script (not when imported, nor when bundled into another program)
const self = fileURLToPath(import.meta.url);
if (self.endsWith('generate.mjs') && process.argv[1] && resolve(process.argv[1]) === self) {
  const { values: v } = parseArgs({
    options: {
      carrier: { type: 'string', default: 'dmesg' },
      lines: { type: 'string', default: '1000000' },
      share: { type: 'string', default: '0.2' },
      seed: { type: 'string', default: '1' },
      class: { type: 'boolean', default: false },
      mix: { type: 'string', default: 'mixed' },
      out: { type: 'string' },
    },
  });
  const opts = { carrier: v.carrier, lines: Number(v.lines), share: Number(v.share), seed: Number(v.seed), withClass: v.class, mix: v.mix };
  const res = v.out ? generateFile(opts, v.out) : generate(opts, (s) => process.stdout.write(s));
  process.stderr.write(`${opts.carrier} (${opts.mix}): ${res.lines} lines, ${res.records} AppArmor records, ${(res.bytes / 1e6).toFixed(1)} MB\n`);
}
