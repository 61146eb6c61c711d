/**
 * What the classifier knows about programs and paths, independent of any profile: shells,
 * interpreters and tools an intruder runs, credential stores, persistence locations, world-writable
 * staging directories, and the system files every service reads. The lists follow what public
 * detection content treats as an intruder's tools and targets, and the capabilities AppArmor's own
 * utilities rank as most severe.
 */

import { basenameOf as basename } from '../model/path.js';

export const SHELLS = new Set(['ash', 'bash', 'csh', 'ksh', 'sh', 'tcsh', 'zsh', 'dash', 'fish', 'mksh', 'rbash', 'busybox']);
const INTERPRETER_RE = /^(?:python[0-9.]*|perl[0-9.]*|ruby[0-9.]*|php[0-9.]*|php-cgi[0-9.]*|node|nodejs|lua[0-9.]*|luajit|tclsh[0-9.]*|wish[0-9.]*|g?awk|mawk|nawk|pwsh|deno|bun)$/;
const NETWORK_TOOLS = new Set(['nc', 'ncat', 'netcat', 'nc.openbsd', 'nc.traditional', 'socat', 'nmap', 'masscan', 'tcpdump', 'tshark', 'telnet', 'ssh', 'ftp', 'proxychains', 'chisel', 'ngrok']);
const DOWNLOAD_TOOLS = new Set(['curl', 'wget', 'scp', 'sftp', 'rsync', 'tftp', 'aria2c', 'lwp-download', 'fetch']);
const RECON_TOOLS = new Set([
  'id',
  'whoami',
  'uname',
  'w',
  'who',
  'last',
  'lastlog',
  'ifconfig',
  'netstat',
  'ss',
  'arp',
  'route',
  'ip',
  'ps',
  'lsof',
  'getent',
  'hostname',
  'crontab',
  'base64',
  'xxd',
  'chmod',
  'chattr',
]);

const COMPILERS = /^(?:gcc(?:-[0-9.]+)?|cc|c\+\+|g\+\+(?:-[0-9.]+)?|clang(?:-[0-9.]+)?|tcc|as|ld|ld\.bfd|ld\.gold|make)$/;

export type ExecClass = 'shell' | 'interpreter' | 'network tool' | 'download tool' | 'reconnaissance command' | 'compiler';

export function execClass(path: string): ExecClass | undefined {
  const b = basename(path);
  if (SHELLS.has(b)) return 'shell';
  if (INTERPRETER_RE.test(b)) return 'interpreter';
  if (NETWORK_TOOLS.has(b)) return 'network tool';
  if (DOWNLOAD_TOOLS.has(b)) return 'download tool';
  if (RECON_TOOLS.has(b)) return 'reconnaissance command';
  if (COMPILERS.test(b)) return 'compiler';
  return undefined;
}

export type Role = 'web server' | 'database server' | 'mail server' | 'login or scheduler';

const ROLE_NAMES: [RegExp, Role][] = [
  [/^(?:nginx|apache2?|httpd|lighttpd|caddy|haproxy|php-fpm[0-9.]*|uwsgi|gunicorn|tomcat[0-9]*|traefik|envoy|varnishd|h2o)$/, 'web server'],
  [/^(?:mysqld|mariadbd|postgres|postgresql|redis-server|valkey-server|mongod|memcached|clickhouse-server|influxd|etcd)$/, 'database server'],
  [/^(?:exim4?|postfix|smtpd|master|dovecot|sendmail|opendkim|rspamd)$/, 'mail server'],
  // these run shells by design: a shell from them is not a signal by itself
  [/^(?:sshd|sshd-session|cron|crond|atd|anacron|login|su|sudo|systemd|init|tmux|screen|gdm|lightdm|sddm|agetty|xterm|gnome-terminal-server|konsole)$/, 'login or scheduler'],
];

/** The role a profile's program plays, from the profile name or attachment (never from comm alone). */
export function roleOf(names: (string | undefined)[]): Role | undefined {
  for (const n of names) {
    if (!n) continue;
    const b = basename(n.split('//')[0]);
    for (const [re, role] of ROLE_NAMES) if (re.test(b)) return role;
  }
  return undefined;
}

export interface PathFact {
  label: string;
  /** 3 strong, 2 medium, 1 weak. */
  weight: number;
  /** Database credentials: legitimately read by backup and database tools. */
  db?: boolean;
  /** A shell history: read by every interactive login shell. */
  history?: boolean;
}

// each expression starts at a root of CREDENTIALS_GATE or needs a dot name (`/.`): keep the gate in step
const CREDENTIALS: [RegExp, PathFact][] = [
  [/^\/etc\/(?:shadow|gshadow)(?:[-+~]|\.\w+)?$/, { label: 'the password hash file', weight: 3 }],
  [/^\/etc\/sudoers(?:\.d\/.*)?$/, { label: 'the sudo policy', weight: 3 }],
  [/^\/etc\/security\/opasswd$/, { label: 'old password hashes', weight: 3 }],
  [/\/\.ssh\/(?:id_[^/]*|identity)$/, { label: 'an SSH private key', weight: 3 }],
  [/^\/etc\/ssh\/ssh_host_[^/]*_key$/, { label: 'an SSH host private key', weight: 3 }],
  [/\/\.ssh\/(?:authorized_keys2?|known_hosts)$/, { label: 'SSH trust files', weight: 2 }],
  [
    /\/\.aws\/(?:credentials|config)$|\/\.config\/gcloud\/|\/\.azure\/|\/\.kube\/config$|\/\.docker\/config\.json$|^\/etc\/kubernetes\/(?:admin\.conf|pki\/)|\/\.vault-token$/,
    { label: 'cloud or cluster credentials', weight: 3 },
  ],
  [/\/\.pgpass$|\/\.my\.cnf$|^\/etc\/mysql\/debian\.cnf$/, { label: 'database credentials', weight: 3, db: true }],
  [/\/\.netrc$|\/\.git-credentials$|\/\.gnupg\/|^\/etc\/krb5\.keytab$|^\/var\/lib\/samba\/private\//, { label: 'stored credentials', weight: 3 }],
  [/^\/var\/lib\/cloud\/instances?\/.*user-data|^\/run\/cloud-init\/instance-data-sensitive/, { label: 'cloud-init user data (often holds secrets)', weight: 3 }],
  [/\/\.(?:bash|zsh|mysql|psql|python)_history$/, { label: 'a shell history', weight: 2, history: true }],
  [/^\/(?:dev\/(?:k?mem|port)|proc\/kcore)$/, { label: 'kernel or physical memory', weight: 3 }],
];

/**
 * Where a table of path expressions can match at all: only paths that start with one of
 * `prefixes` or hold one of `infixes`. Every expression in the table needs one of them (each table
 * lists its gate beside it), so a path with none skips them all: most paths of a log meet a table
 * that cannot match them. test/classify/shortcuts.test.ts holds gated and plain answers equal.
 */
interface PathGate {
  prefixes: readonly string[];
  infixes: readonly string[];
}

function mayMatch(gate: PathGate, path: string): boolean {
  for (const p of gate.prefixes) if (path.startsWith(p)) return true;
  for (const i of gate.infixes) if (path.includes(i)) return true;
  return false;
}

/** What every expression of CREDENTIALS needs: a dot directory or file, or one of these roots. */
const CREDENTIALS_GATE: PathGate = { prefixes: ['/etc/', '/var/lib/', '/run/cloud-init/', '/dev/', '/proc/kcore'], infixes: ['/.'] };

/** Credential stores (reads). TLS keys and /proc are handled with the profile in hand. */
export function credentialFact(path: string): PathFact | undefined {
  return mayMatch(CREDENTIALS_GATE, path) ? credentialFactPlain(path) : undefined;
}

/** credentialFact testing every expression (the reference the gate is tested against). */
export function credentialFactPlain(path: string): PathFact | undefined {
  for (const [re, f] of CREDENTIALS) if (re.test(path)) return f;
  return undefined;
}

export const TLS_KEY_RE = /^\/etc\/(?:ssl\/private|pki\/tls\/private|letsencrypt\/(?:live|archive))\//;

// each expression starts at a root of PERSISTENCE_GATE or needs one of its infixes: keep the gate in step
const PERSISTENCE: [RegExp, string][] = [
  [/\/\.ssh\/authorized_keys2?$/, 'SSH authorized_keys (remote login)'],
  [/^\/etc\/cron|^\/var\/spool\/cron\/|^\/etc\/anacrontab$/, 'a cron schedule'],
  [/^\/etc\/ld\.so\.preload$/, 'ld.so.preload (code loaded into every process)'],
  [/\/\.(?:bashrc|bash_profile|bash_login|profile|zshrc|zprofile|zlogin|zshenv|cshrc|tcshrc)$|^\/etc\/(?:profile|bash\.bashrc|zsh\/|profile\.d\/|environment$)/, 'a shell start-up file'],
  // system/, user/ and their kin (system.control/, system-generators/, user-preset/, ...); not
  // /run/systemd/userdb/ (user records' sockets) or /run/systemd/users/ (logind's state)
  [/^\/(?:etc|usr\/lib|lib|run)\/systemd\/(?:system|user)(?:[.-][^/]*)?\/|\/\.config\/systemd\/user\//, 'a systemd unit'],
  [/^\/etc\/(?:init\.d\/|rc\.local$|rc\d\.d\/)/, 'a boot script'],
  [/^\/(?:usr\/(?:local\/)?)?s?bin\//, 'a system binary directory'],
  [/^\/etc\/(?:passwd|shadow|group|gshadow|sudoers)(?:$|[-.+])|^\/etc\/sudoers\.d\//, 'the account database'],
  [/^\/etc\/pam\.d\/|\/security\/pam_[^/]*\.so$/, 'PAM (login authentication)'],
  [/^\/etc\/(?:udev\/rules\.d|modules-load\.d|modprobe\.d|update-motd\.d|xdg\/autostart)\//, 'a boot-time hook'],
  [/^\/etc\/ssh\/sshd_config/, 'the SSH server configuration'],
  [/^\/(?:etc\/apparmor\.d|sys\/kernel\/security)\//, 'the AppArmor policy itself'],
];

/** What every expression of PERSISTENCE needs. */
const PERSISTENCE_GATE: PathGate = {
  prefixes: ['/etc/', '/var/spool/cron/', '/usr/', '/lib/', '/run/', '/bin/', '/sbin/', '/sys/kernel/security/'],
  infixes: ['/.', '/security/pam_'],
};

export function persistenceLabel(path: string): string | undefined {
  return mayMatch(PERSISTENCE_GATE, path) ? persistenceLabelPlain(path) : undefined;
}

/** persistenceLabel testing every expression (the reference the gate is tested against). */
export function persistenceLabelPlain(path: string): string | undefined {
  for (const [re, l] of PERSISTENCE) if (re.test(path)) return l;
  return undefined;
}

const STAGING_RE = /^\/(?:tmp|var\/tmp|dev\/shm|run\/shm)\/|^\/memfd:|^memfd:/;
const MEMFD = 'an anonymous memory file (memfd)';
/**
 * A temporary copy written beside a file and renamed onto it once written (a file saved whole, so
 * no reader sees it half written), hidden by its leading dot: `.#` + the file's name + 16 random
 * hex digits (systemd's way), or `.` + the file's name (with its extension) + 6 to 10 random
 * digits (Go's os.CreateTemp with the name as its pattern). Each with the glob its random part
 * takes in a rule.
 */
const TEMP_COPY_FORMS: [RegExp, (name: string) => string][] = [
  [/^\.#([\w.+-]+?)[0-9a-f]{16}$/, (name) => `.#${name}[0-9a-f]*`],
  [/^\.([\w+-][\w.+-]*\.[A-Za-z]+)[0-9]{6,10}$/, (name) => `.${name}[0-9]*`],
];

/** The file that a path's last part (`part`) is a temporary copy of, and that part with its random letters globbed; or undefined. */
export function tempCopyOf(part: string): { of: string; glob: string } | undefined {
  if (part.charCodeAt(0) !== 46 /* . */) return undefined;
  for (const [re, glob] of TEMP_COPY_FORMS) {
    const name = re.exec(part)?.[1];
    if (name !== undefined) return { of: name, glob: glob(name) };
  }
  return undefined;
}

/** The world-writable directory (or memfd) a path is in, as STAGING_RE finds it. */
export function stagingDir(path: string): string | undefined {
  // by its first characters, with the answers made once: this runs several times per file denial
  const c = path.charCodeAt(1);
  if (path.charCodeAt(0) !== 47) return path.startsWith('memfd:') ? MEMFD : undefined;
  if (c === 116) return path.startsWith('/tmp/') ? '/tmp' : undefined;
  if (c === 118) return path.startsWith('/var/tmp/') ? '/var/tmp' : undefined;
  if (c === 100) return path.startsWith('/dev/shm/') ? '/dev/shm' : undefined;
  if (c === 114) return path.startsWith('/run/shm/') ? '/run/shm' : undefined;
  if (c === 109) return path.startsWith('/memfd:') ? MEMFD : undefined;
  return undefined;
}

/** stagingDir by the expression (the reference the shortcut is tested against). */
export function stagingDirPlain(path: string): string | undefined {
  const m = STAGING_RE.exec(path);
  if (!m) return undefined;
  return m[0].includes('memfd') ? MEMFD : m[0].replace(/\/$/, '');
}

const KNOWN_HIDDEN = new Set(['.X11-unix', '.ICE-unix', '.font-unix', '.XIM-unix', '.Test-unix', '.snapshot']);
/** A dot-named component under a staging directory, other than the X11 socket dirs. */
export function hiddenComponent(path: string): string | undefined {
  // a component after the first that starts with a dot follows a slash
  if (!path.includes('/.')) return undefined;
  for (const c of path.split('/').slice(2)) if (c.startsWith('.') && c !== '.' && c !== '..' && !KNOWN_HIDDEN.has(c)) return c;
  return undefined;
}

const MASQUERADE_RE = /^(?:\[.*\]|kworker.*|kthreadd|ksoftirqd.*|kswapd.*|kdevtmpfs|migration.*|rcu_.*|watchdog.*|systemd-.*|sshd|crond?|dbus-daemon|init|udevd|agetty|rsyslogd|\.?bash)$/;
export function masqueradeName(path: string): boolean {
  return MASQUERADE_RE.test(basename(path));
}

/** System files every service may read: libraries, locale, zoneinfo, /usr/share, certificates. */
const SYSTEM_READ_RE =
  /^\/(?:usr\/)?lib(?:32|64|x32)?\/|^\/usr\/share\/|^\/usr\/(?:local\/)?lib\/|^\/etc\/(?:ld\.so\.(?:cache|conf|preload)|ld\.so\.conf\.d\/|localtime|timezone|locale\.(?:alias|conf)|nsswitch\.conf|host\.conf|hosts|resolv\.conf|gai\.conf|passwd|group|ssl\/certs\/|ssl\/openssl\.cnf|mime\.types|magic|services|protocols|default\/locale|os-release|lsb-release|machine-id|fonts\/)|^\/sys\/devices\/system\/(?:cpu|node)\/|^\/sys\/fs\/cgroup\/|^\/proc\/(?:sys\/|cpuinfo$|meminfo$|stat$|filesystems$|loadavg$|version$|uptime$|self\/|thread-self\/)|^\/dev\/(?:u?random|null|zero|full|log)$|^\/run\/systemd\/(?:resolve|userdb)\//;

export function systemRead(path: string): boolean {
  return SYSTEM_READ_RE.test(path);
}

/** Abstractions the classifier suggests when the profile directory is not readable (name-only). */
export const BUILTIN_ABSTRACTIONS: [RegExp, string, string][] = [
  [/^\/usr\/share\/fonts\/|^\/etc\/fonts\/|^\/var\/cache\/fontconfig\/|^\/usr\/local\/share\/fonts\//, 'r', 'abstractions/fonts'],
  [/^\/etc\/(?:passwd|group|nsswitch\.conf|hosts|host\.conf|resolv\.conf|gai\.conf)$|^\/run\/systemd\/resolve\//, 'r', 'abstractions/nameservice'],
  [/^\/etc\/ssl\/certs\/|^\/usr\/share\/ca-certificates\/|^\/etc\/pki\/(?:tls\/certs|ca-trust)\//, 'r', 'abstractions/ssl_certs'],
  [/^\/etc\/ssl\/openssl\.cnf$|^\/usr\/lib\/ssl\/openssl\.cnf$/, 'r', 'abstractions/openssl'],
  [/^\/etc\/ld\.so\.(?:cache|conf|preload)$|^\/usr\/lib\/locale\/|^\/usr\/share\/zoneinfo\/|^\/etc\/localtime$|^\/dev\/(?:null|u?random|zero|log)$/, 'r', 'abstractions/base'],
];

/** Script files a web server should never write into its document root. */
export const WEBSHELL_RE = /^\/(?:var\/www|srv\/www|srv\/http|usr\/share\/nginx\/html)\/.*\.(?:php[0-9]?|phtml|phar|jsp|jspx|aspx?|cgi|pl|py|sh)$/i;

const HIGH_CAPS: Record<string, string> = {
  sys_module: 'load kernel modules',
  sys_rawio: 'raw I/O to devices and memory',
  sys_admin: 'broad system administration (mount, namespaces, ...)',
  sys_ptrace: 'trace any process',
  mac_admin: 'change the MAC policy',
  mac_override: 'override the MAC policy',
  bpf: 'load BPF programs',
  perfmon: 'kernel performance monitoring',
  sys_boot: 'reboot or kexec the kernel',
  audit_control: 'change the audit rules',
  checkpoint_restore: 'checkpoint/restore processes',
};
/** What a capability the severity table ranks highest grants, or undefined (an own property only: a log's name is no key to Object's). */
export function highCap(name: string): string | undefined {
  return Object.hasOwn(HIGH_CAPS, name) ? HIGH_CAPS[name] : undefined;
}
export const MEDIUM_CAPS = new Set(['sys_chroot', 'net_raw', 'setfcap', 'linux_immutable', 'syslog', 'sys_time', 'net_admin', 'audit_read']);
/** Capabilities ordinary services need; their denial is usually a missing rule. */
export const ROUTINE_CAPS = new Set([
  'chown',
  'dac_override',
  'dac_read_search',
  'fowner',
  'fsetid',
  'kill',
  'setgid',
  'setuid',
  'setpcap',
  'net_bind_service',
  'net_broadcast',
  'ipc_lock',
  'ipc_owner',
  'sys_nice',
  'sys_resource',
  'sys_tty_config',
  'lease',
  'audit_write',
  'block_suspend',
  'wake_alarm',
  'mknod',
  'sys_pacct',
]);

/** Whether `name` is a capability's name (the three tables hold every one Linux has, 0-40): no rule can name another. */
export function isCapabilityName(name: string): boolean {
  return highCap(name) !== undefined || MEDIUM_CAPS.has(name) || ROUTINE_CAPS.has(name);
}

/** Signals a service manager or an operator sends to reload or stop a service. */
export const SERVICE_SIGNALS = new Set(['hup', 'term', 'kill', 'int', 'quit', 'usr1', 'usr2', 'cont', 'stop', 'winch', 'exists', '1', '15', '9', '2', '3', '10', '12', '18', '19', '28', '0']);

/** D-Bus services whose methods change the system: a confined service calling them is suspicious. */
export const SENSITIVE_DBUS_RE = /^org\.freedesktop\.(?:systemd1|login1|PolicyKit1|Accounts|machine1|hostname1|timedate1|import1|portable1)\b|^org\.freedesktop\.DBus\.Debug/;

/**
 * AppArmor's null file (`.null` on its own file system): what a descriptor the new profile may not
 * use is replaced with at exec. Named `apparmor/.null` (its file system is outside every mount
 * namespace's view: a disconnected path) or `/apparmor/.null` under `flags=(attach_disconnected)`.
 */
export function revokedDescriptor(path: string): boolean {
  return REVOKED_FD_RE.test(path);
}
const REVOKED_FD_RE = /^\/?apparmor\/\.null$/;

/**
 * A name lookup the kernel could not finish, and the profile flag that settles it: a path outside
 * the process's mount namespace view ("disconnected path") is mediated with
 * `flags=(attach_disconnected)`; a file already deleted ("deleted entry": an O_TMPFILE published
 * with link, a file replaced while open) with `flags=(mediate_deleted)`. Neither is fixed by a path
 * rule: the name in the record is not one a rule would match the next time.
 */
export function lookupFailure(info: string | undefined): { what: string; flag: 'attach_disconnected' | 'mediate_deleted' } | undefined {
  if (info === undefined) return undefined;
  if (DISCONNECTED_RE.test(info)) return { what: 'disconnected path', flag: 'attach_disconnected' };
  if (DELETED_ENTRY_RE.test(info)) return { what: 'deleted entry', flag: 'mediate_deleted' };
  return undefined;
}
const DISCONNECTED_RE = /disconnected path/;
const DELETED_ENTRY_RE = /deleted entry/;
