/**
 * The well-known benign families of denials, and what an ordinary access looks like, as knowledge
 * about program kinds and paths: Ubuntu's unprivileged user-namespace restriction, snap-confine's
 * probes, browser and Electron sandboxes, systemd's unit sandboxing inside containers, LXC/LXD/Incus
 * nesting, monitoring tools reading /proc, root daemons' DAC overrides, and the many reads and writes
 * of configuration, state, logs, terminals and /proc that a profile simply has not listed yet.
 *
 * These signals fire only where no attack signal did (the caller checks): they turn "no signal
 * either way" into "missing rule" for accesses that give an intruder nothing.
 */
import type { DenialFacts } from './facts.js';
import type { Findings, Reason, Signal } from './signals.js';
import { credentialFact, execClass, persistenceLabel, revokedDescriptor, stagingDir, tempCopyOf } from './knowledge.js';
import { aKind, PROCESS_VIEWERS, type ProgramKind } from './programs.js';
import { basenameOf, dirOf } from '../model/path.js';

// The expressions tried on every denial examined, made once: a regular expression written inside a
// function is a new object each time the function runs.
const TLS_PRIVATE_DIR_RE = /^\/etc\/(?:ssl\/private|pki\/tls\/private|letsencrypt)\//;
const PROC_SECRETS_RE = /^\/proc\/[0-9]+\/(?:environ|mem)$/;
const PROC_PRIVATE_RE = /^\/proc\/[0-9]+\/(?:maps|auxv|cmdline|fd\/?.*)$/;
const BROWSER_SECRETS_RE =
  /\/\.(?:mozilla|thunderbird)\/.*(?:logins\.json|key[34]\.db|cookies\.sqlite)$|\/(?:google-chrome|chromium|BraveSoftware)\/.*(?:Login Data|Cookies)$|\/\.local\/share\/keyrings\//;
const DEV_RE = /^\/dev\//;
const LOCK_MASK_RE = /^[kl]+$/;
const NOT_LOADED_RE = /label not found|profile not found/;
const RUNTIME_COMM_RE = /^runc|^crun|^containerd|^conmon/;
const CONTAINER_TARGET_RE = /^(?:docker-default|nerdctl-default|cri-containerd|containers-default|lxc-|lxd-|incus-)/;

const benign = (weight: number, tag: string, reason: Reason): Signal => ({ side: 'benign', weight, tag, reason });

/** Command names of script interpreters: a script shelling out (subprocess, system()) is routine. */
export const INTERPRETER_COMM = /^(?:python[0-9.]*|perl[0-9.]*|ruby[0-9.]*|node|nodejs|php[0-9.]*|java|bash|sh|dash)$/;

/** Kernel settings and cgroup release agents: written from a container, they reach the host. */
export const KERNEL_KNOB_RE = /^\/(?:sys\/fs\/cgroup\/.*\/(release_agent)$|proc\/sys\/(?:kernel|vm|fs)\/|proc\/sysrq-trigger$|sys\/kernel\/(?!security\/))/;

/** The file owner is the user the process runs as: no privilege boundary is crossed. */
export function sameUser(f: DenialFacts): boolean {
  const fl = f.r.fields;
  return fl.fsuid !== undefined && fl.fsuid === fl.ouid;
}

/** Reads that can give an intruder something: credentials, keys, other processes' secrets, private homes. */
function sensitiveRead(path: string, f: DenialFacts): boolean {
  if (credentialFact(path)) return true;
  if (TLS_PRIVATE_DIR_RE.test(path)) return true;
  // process viewers read other processes' command lines and open files for a living; secrets stay secret
  const viewer = f.program.kind === 'admin tool' || PROCESS_VIEWERS.test(f.r.fields.comm ?? '');
  if (PROC_SECRETS_RE.test(path) || (!viewer && PROC_PRIVATE_RE.test(path))) return true;
  if (BROWSER_SECRETS_RE.test(path)) return true;
  return false;
}

/**
 * The logger's sockets, and systemd's notification socket (sd_notify: a service saying it has
 * started or is stopping). Without `/run` in front: the path as reported for a service whose /run
 * is a mount of its own, cut off from the root (from that mount's root, `/systemd/notify`).
 */
const LOG_SOCKET_RE = /^\/(?:dev\/log|(?:run\/)?systemd\/journal\/(?:dev-log|socket|stdout))$/;
const NOTIFY_SOCKET_RE = /^\/(?:run\/)?systemd\/notify$/;
const DEVICE_LINKS_RE = /^\/dev\/(?:char|dri|nvidia[\w-]*|snd|input|video[0-9]*|media[0-9]*|hidraw[0-9]*|uinput|vfio|kvm|net\/tun|fuse|bus\/usb|shm)(?:\/|$)/;
const TERMINALS_RE = /^\/dev\/(?:pts\/[0-9]+|tty[0-9S]*[0-9]*|console|ptmx|null)$/;
/** Serial ports: USB and board UARTs (a terminal, a flashing or sensor tool opens them read-write). */
const SERIAL_PORT_RE = /^\/dev\/tty(?:ACM|USB|AMA|THS|mxc)[0-9]+$/;
/**
 * The files a settings daemon or tool exists to write: systemd's localed, hostnamed and timedated
 * the locale, host name and clock files; sysctl and systemd-sysctl the kernel's parameters; a
 * network manager (NetworkManager, systemd-networkd, wicked) the interfaces' settings. By
 * the profile's program (never the command name a process chose). A settings daemon writes a file
 * through a temporary copy beside it (`.#locale.conf` and random letters), then renamed onto it.
 */
const MANAGED_FILES: [RegExp, RegExp, string][] = [
  [/^systemd-localed$/, /^\/etc\/(?:locale\.conf|vconsole\.conf|default\/(?:locale|keyboard)|X11\/xorg\.conf\.d\/00-keyboard\.conf)$/, 'the locale and keyboard settings'],
  [/^systemd-hostnamed$/, /^\/etc\/(?:hostname|machine-info)$/, 'the host name and machine information'],
  [/^systemd-timedated$/, /^\/etc\/(?:localtime|adjtime|timezone)$/, 'the time zone and clock settings'],
  [/^(?:sysctl|systemd-sysctl)$/, /^\/proc\/sys\/(?:net|kernel|vm|fs|user|dev)\//, "the kernel's parameters"],
  [/^(?:networkmanager|systemd-networkd|wicked)$/i, /^\/(?:sys\/devices\/(?:virtual\/net|.+\/net)\/[\w.:@-]+\/|sys\/class\/net\/[\w.:@-]+\/|proc\/sys\/net\/)/, "the network interfaces' settings"],
];
/** Why `program` writes `path`: a file it exists to write, or a temporary copy of one; else undefined. */
function managedBy(program: string, path: string): string | undefined {
  const temp = tempCopyOf(basenameOf(path))?.of;
  const target = temp !== undefined ? `${dirOf(path)}${temp}` : path;
  for (const [who, files, what] of MANAGED_FILES) {
    if (!who.test(program) || !files.test(target)) continue;
    const why = `${what}, which ${program} exists to write`;
    return temp !== undefined ? `${path}: a temporary copy of ${target} (${why}), renamed onto it once written` : `${path}: ${why}`;
  }
  return undefined;
}

/**
 * A message bus passes descriptors between its clients (a file or a socket sent with a message);
 * receiving one is its job, and the file was opened by the client that sent it. By the profile's
 * program: dbus-daemon, dbus-broker, and the profiles named for the system and session buses.
 */
const MESSAGE_BUS_RE = /^(?:dbus-daemon|dbus-broker(?:-launch)?|dbus-(?:system|session))$/;

const OWN_PROC_WRITE_RE =
  /^\/proc\/(?:self|thread-self|[0-9]+)\/(?:task\/[0-9]+\/)?(?:comm|attr\/[\w/]+|oom_score_adj|oom_adj|setgroups|uid_map|gid_map|loginuid|timerslack_ns|clear_refs|coredump_filter)$/;
const STATE_ROOTS_RE = /^\/(?:run|var\/run|var\/lib|var\/log|var\/cache|var\/spool|tmp|var\/tmp|dev\/shm|run\/shm|sys\/fs\/cgroup|srv|opt|mnt|media)\//;
const SYSTEM_PROGRAM_RE = /^\/(?:usr\/(?:local\/)?)?(?:s?bin|lib(?:exec|32|64)?)\/|^\/opt\/|^\/snap\/|^\/usr\/share\/|^\/usr\/games\//;
/** Where a guest's files never are: the host's configuration, kernel interfaces and devices. */
const SYSTEM_TREE_RE = /^\/(?:etc|proc|sys|dev|boot|usr|bin|sbin|lib[0-9]*|root)(?:\/|$)/;
const HOME_RE = /^\/(?:home\/[^/]+|root|run\/user\/[0-9]+)\//;

/** Servers that run helper programs by design (print filters, mail delivery agents, login sessions). */
const RUNS_HELPERS = /^(?:cupsd|master|postfix|exim4?|dovecot|sshd|sshd-session)$/;
const strict = (k: ProgramKind, f?: DenialFacts) => (k === 'network service' && f?.role !== 'login or scheduler' && !RUNS_HELPERS.test(f?.program.name ?? '')) || k === 'document filter';

/**
 * File accesses nobody flagged: an ordinary read, map, lock or write of state is what a profile that
 * has not listed the path yet produces. Judged more strictly for network-facing servers.
 */
export function ordinaryFileSignals(f: DenialFacts, out: Findings, reads: boolean, writes: boolean): void {
  const s = out.signals;
  if (s.some((x) => x.side === 'attack') || s.some((x) => x.side === 'benign' && x.weight >= 2) || out.explicitDeny) return;
  const path = f.path ?? '';
  const kind = f.program.kind;
  const who = aKind(f.program.kind);
  if (f.access === 'exec') {
    if (execClass(path) || stagingDir(path)) return;
    if (SYSTEM_PROGRAM_RE.test(path)) {
      s.push(benign(strict(kind, f) ? 1 : 2, 'helper-exec', () => `${path} is an ordinary program in a system directory (not a shell, interpreter or network tool): ${who} running a helper`));
    }
    return;
  }
  if (revokedDescriptor(path)) {
    s.push(benign(2, 'revoked-fd', () => `${path} is AppArmor's stand-in for an inherited descriptor the profile may not use: the program did not open anything`));
    return;
  }
  if (!path.startsWith('/')) return;
  if (f.op === 'file_receive' && MESSAGE_BUS_RE.test(f.program.name) && kind !== 'container') {
    s.push(
      benign(2, 'bus-descriptor', () => `${f.program.name} is a message bus: it receives the descriptors its clients send each other (${path}) and hands them on, and the client opened the file`),
    );
    return;
  }
  if (writes) {
    if (persistenceLabel(path)) return;
    const managed = f.program.kind !== 'container' ? managedBy(f.program.name, path) : undefined;
    if (managed) {
      s.push(benign(2, 'managed-file', managed));
      return;
    }
    if (KERNEL_KNOB_RE.test(path)) return;
    if (TERMINALS_RE.test(path)) s.push(benign(2, 'terminal', () => `${path} is a terminal: output or a lock on the session's own terminal`));
    else if (LOG_SOCKET_RE.test(path)) s.push(benign(2, 'log-socket', () => `${path} is the system logger's socket: the program logging`));
    else if (NOTIFY_SOCKET_RE.test(path)) s.push(benign(2, 'notify-socket', () => `${path} is systemd's notification socket: a service telling systemd it has started or is stopping`));
    else if (OWN_PROC_WRITE_RE.test(path)) s.push(benign(2, 'own-proc-write', () => `${path}: a process setting its own attributes (thread name, OOM score, id maps)`));
    else if (kind === 'hypervisor' && !f.program.runtime && !SYSTEM_TREE_RE.test(path))
      s.push(
        benign(2, 'guest-file', () => `${path}: a virtual machine writing a file its per-guest profile does not list (a disk image, NVRAM or a socket libvirt did not name when it wrote the profile)`),
      );
    else if (STATE_ROOTS_RE.test(path) && !stagingDir(path)?.includes('memfd'))
      s.push(benign(2, 'state-write', () => `${path} is run-time state, a log, a cache or scratch space: where services write`));
    else if (HOME_RE.test(path))
      s.push(benign(kind === 'sandbox' || kind === 'snap' || kind === 'desktop app' ? 2 : 1, 'home-write', () => `${path} is in a user's home: an application saving its files`));
    else if (DEVICE_LINKS_RE.test(path)) s.push(benign(2, 'device', () => `${path} is a device node or link for a GPU, sound, input or virtual device: drivers' helpers create and refresh them`));
    else if (SERIAL_PORT_RE.test(path) && !strict(kind, f) && kind !== 'service')
      s.push(benign(2, 'serial-port', () => `${path} is a serial port: ${aKind(kind)} talking to a device on it (a terminal, a board being flashed, a sensor)`));
    else if (DEV_RE.test(path)) s.push(benign(1, 'device', () => `${path} is a device node`));
    return;
  }
  if (reads || f.mask.includes('m')) {
    if (sensitiveRead(path, f)) return;
    const home = HOME_RE.test(path);
    const w = strict(kind, f) && home ? 1 : 2;
    s.push(benign(w, 'ordinary-read', () => `${path} holds nothing an intruder is after (not a credential, key or another process's secrets): ${who} reading its configuration or system state`));
    return;
  }
  if (LOCK_MASK_RE.test(f.mask)) s.push(benign(2, 'lock', () => `a file lock (${path}): harmless by itself`));
}

/** Ubuntu 23.10+: unprivileged user namespaces are restricted; sandboxes create them by design. */
export function usernsSignals(f: DenialFacts, out: Findings): void {
  const kind = f.program.kind;
  if (strict(kind)) {
    out.signals.push({ side: 'attack', weight: 1, tag: 'userns', reason: () => `${f.subject} tried to create a user namespace: a server has little reason to, and kernel exploits start there` });
    return;
  }
  out.signals.push(
    benign(
      3,
      'userns-restriction',
      `user namespace creation stopped by Ubuntu's unprivileged user-namespace restriction: browsers, Electron apps and sandboxing tools do this by design (the app needs a profile that allows userns)`,
    ),
  );
}

/** A container runtime handing a new container its profile (change_onexec), or a profile switch. */
export function changeProfileSignals(f: DenialFacts, out: Findings): void {
  const fl = f.r.fields;
  const target = fl.target ?? fl.name ?? '';
  const comm = fl.comm ?? '';
  const notLoaded = NOT_LOADED_RE.test(fl.info ?? '');
  if (f.program.kind === 'container' || RUNTIME_COMM_RE.test(comm) || CONTAINER_TARGET_RE.test(target)) {
    out.signals.push(
      benign(
        3,
        'runtime-profile',
        () => `a container runtime switching a new container to ${target || 'its profile'}${notLoaded ? ': that profile is not loaded (reload it or restart the runtime)' : ''}`,
      ),
    );
  } else if (notLoaded) {
    out.signals.push(benign(2, 'profile-not-loaded', () => `the profile ${target || '?'} is not loaded: a service started while its profile was being reloaded, or before it was loaded`));
  } else if (f.program.kind !== 'network service' && f.program.kind !== 'service') {
    out.signals.push(benign(2, 'profile-switch', () => `${f.subject} switching profile to ${target || '?'}: a launcher or sandbox handing a child its own profile`));
  }
}
