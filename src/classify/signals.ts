/**
 * Signals: each one a short sentence naming what fired, a side (attack or benign) and a weight
 * (3 strong, 2 medium, 1 weak). Pure: the facts of one denial and its profile in, findings out.
 * Sequence signals (what the same pid did before) are added by the classifier.
 */
import { dbusMember, recordCapability } from '../model/record.js';
import { dirOf } from '../model/path.js';
import { literalPrefix } from '../profiles/glob.js';
import { matchedRulesAllow, permCovered } from '../profiles/index.js';
import { matcherFor } from '../profiles/matcher.js';
import type { FileRule, ProfileIndex, ProfileInfo, Rule } from '../profiles/types.js';
import { basenameOf, dotComponent, verb, type DenialFacts } from './facts.js';
import { changeProfileSignals, INTERPRETER_COMM, KERNEL_KNOB_RE, ordinaryFileSignals, sameUser, usernsSignals } from './families.js';
import { ioUringSignals, mqueueSignals } from './newer-classes.js';
import { aKind, isContainerRuntime, programOf, PROCESS_VIEWERS, TRACERS, usernsRestricted } from './programs.js';
import {
  BUILTIN_ABSTRACTIONS,
  credentialFact,
  execClass,
  highCap,
  hiddenComponent,
  masqueradeName,
  MEDIUM_CAPS,
  persistenceLabel,
  ROUTINE_CAPS,
  SENSITIVE_DBUS_RE,
  SERVICE_SIGNALS,
  stagingDir,
  systemRead,
  TLS_KEY_RE,
  WEBSHELL_RE,
  lookupFailure,
  revokedDescriptor,
  tempCopyOf,
} from './knowledge.js';

// The expressions tried on every denial examined, made once: a regular expression written inside a
// function is a new object each time the function runs.
const WRITE_LETTERS_RE = /[wacdl]/;
const WRITE_OPS_RE = /^(?:mknod|rename_|unlink|link|chmod|chown|truncate|mkdir|rmdir|symlink)/;
const FROM_SPACE_RE = / .*/;
const VOWEL_START_RE = /^[aeiou]/;
const SHARED_LIBRARY_RE = /\.so(?:\.[0-9.]+)?$/;
const PROC_PID_ENTRY_RE = /^\/proc\/(\d+)\/(environ|mem|maps|auxv|cmdline|status|stat|fd\/?.*)$/;
const DB_TOOL_WORD_RE = /backup|postgres|pg_|mysql|mariadb|barman|restic|borg/;
const EXEC_OR_MAP_RE = /[xm]/;
const ROOT_LABEL_RE = /^\/(run|var\/run|var\/lib|var\/log|var\/cache|var\/spool|etc|srv|opt|usr\/share|usr\/lib|usr\/libexec|usr\/local\/lib|var\/www|tmp|var\/tmp)\//;
const CHANGES_OR_EXECS_RE = /[wacdx]/;
const RECEIVE_RE = /receive/;
const STOPPING_SIGNAL_RE = /^(?:kill|9|term|15|stop|19)$/;
const TRACE_RE = /\btrace\b/;
const TRACEDBY_RE = /tracedby/;
const TARGET_MASK_RE = /\b(?:readby|tracedby)\b/;
const READBY_RE = /readby/;
const READ_RE = /\bread\b/;
const READ_ONLY_MEMBER_RE = /^(?:Get|GetAll|Introspect|Ping|GetMachineId)$/;
/** An X server's display lock, and the temporary name it links it from: `/tmp/.X0-lock`, `/tmp/.tX0-lock`. */
const X_LOCK_RE = /^\.t?X\d+-lock$/;
/** X servers, by their profile's program. */
const X_SERVER_RE = /^(?:X|Xorg|Xorg\.bin|Xwayland|Xvfb|Xvnc|Xtigervnc|Xephyr|Xnest|Xdummy|Xdmx)$/;

/** logind's own calls for a login session (made by pam_systemd in the program that logs a user in). */
const SESSION_MEMBER_RE = /^(?:CreateSession|CreateSessionWithPIDFD|ReleaseSession)$/;
const LOGIN1_RE = /^org\.freedesktop\.login1(?:\.Manager)?$/;
const ASKING_MEMBER_RE = /^(?:Inhibit|CheckAuthorization|CancelCheckAuthorization|Can\w+|Get\w*|List\w*|Subscribe|Unsubscribe|RegisterAuthenticationAgent|UnregisterAuthenticationAgent)$/;
const LEADING_SLASH_RE = /^\//;
const REMOUNT_OR_BIND_RE = /\b(?:remount|bind|rbind)\b/;
const DISK_SOURCE_RE = /^\/dev\/(?!pts|shm|mqueue)/;
const MOUNT_BY_HAND_RE = /^(?:mount|sh|bash|dash|ash|busybox|python[0-9.]*|perl)$/;
const UNIT_COMM_RE = /^\(.*\)$/;
const MOVE_FLAG_RE = /\bmove\b/;
/** A process's own /proc entry (a mount over it hides the process). */
const PROC_PID_DIR_RE = /^\/proc\/\d+(?:\/|$)/;
/** File-system drivers and mount helpers: mounting a disk or a share is what their profiles are for. */
const MOUNT_HELPER_RE = /^(?:mount\.[\w.-]+|ntfs-3g|ntfsfix|fusermount3?|sshfs|rclone|s3fs|gocryptfs|encfs|cryfs|mergerfs|bindfs|udisksd|autofs|automount)$/;
const RUNTIME_SETUP_RE = /^runc|^crun|pivot/;
const MODULE_LOADER_RE = /^(?:kmod|modprobe|insmod_helper|nvidia[_-]modprobe|hwctl|lsmod)$/;
const POLICY_LOADER_RE = /^(?:apparmor_parser|aa-[\w-]+|snapd|snap-confine|lxd|incusd|libvirtd|virt-aa-helper)$/;
const SHELL_RUNNING_SERVER_RE = /^(?:sshd|master|postfix|exim4?|cupsd)$/;
const SSHD_RE = /^sshd(?:-session|-auth)?$/;
const GNUPG_LOCK_RE = /\/\.gnupg\/(?:[^/]+\/)*\.#lk0x[^/]*$/;
/** Credential stores whose names do not say their owners: the store, the programs it is made for, what to call it. */
const STORE_OWNERS: [RegExp, RegExp, string][] = [
  [/\/\.gnupg\//, /^(?:gpg[\w-]*|gpgsm|scdaemon|dirmngr|keyboxd|pinentry[\w-]*)$/, "GnuPG's own keyring directory (~/.gnupg)"],
  [/\/\.ssh\/(?!authorized_keys)/, /^(?:ssh|ssh-agent|ssh-add|ssh-keygen|ssh-keyscan|scp|sftp)$/, "the SSH client's own keys and configuration (~/.ssh)"],
  [/\/\.local\/share\/keyrings\//, /^gnome-keyring[\w-]*$/, "GNOME Keyring's own store"],
  [/\/\.local\/share\/kwalletd\//, /^(?:kwalletd[0-9]*|ksecretd)$/, "KWallet's own store"],
];
const SSH_TRUST_RE = /\/\.ssh\/(?:authorized_keys2?|known_hosts)$|^\/etc\/ssh\//;
const PASSWORD_TOOL_RE =
  /^(?:unix[-_]chkpwd|passwd|chpasswd|chage|chfn|chsh|useradd|usermod|userdel|groupadd|groupmod|gpasswd|newusers|pwck|grpck|vipw|login|su|sudo|visudo|polkit-agent-helper-1|gdm-session-worker|lightdm|sddm-helper)$/;
const PASSWORD_STORE_RE = /^\/etc\/(?:shadow|gshadow|sudoers|security\/opasswd)/;
/**
 * The tools that change the account database, and its files with the locks, backups and copies
 * they write beside them (shadow-utils locks /etc/shadow by linking /etc/shadow.PID to
 * /etc/shadow.lock): a write there by one of them is its job, not a foothold.
 */
const ACCOUNT_WRITER_RE = /^(?:passwd|chpasswd|chage|chfn|chsh|useradd|usermod|userdel|groupadd|groupmod|groupdel|gpasswd|newusers|pwck|grpck|vipw|vigr|pwconv|grpconv|visudo)$/;
const ACCOUNT_FILE_RE = /^\/etc\/(?:passwd|shadow|group|gshadow|subuid|subgid|sudoers)(?:$|[-+.])|^\/etc\/sudoers\.d\//;
const DAEMON_SUFFIX_RE = /d$/;

/**
 * A reason: the sentence itself, or how to write it. Most denials of a long log are never shown,
 * so a sentence that names the record's values is written only when a result's reasons are read
 * (reasonText).
 */
export type Reason = string | (() => string);

export interface Signal {
  side: 'attack' | 'benign';
  weight: number;
  reason: Reason;
  /** Short stable name, for sequence memory and tests. */
  tag: string;
}

export interface Findings {
  signals: Signal[];
  /** An explicit `deny` rule that matches: the author forbade this on purpose. */
  explicitDeny?: Rule;
  /** The profile file already allows the whole access: the loaded policy is older than the file. */
  alreadyAllowed?: FileRule;
  /** An abstraction that covers the access and the profile does not include yet. */
  abstraction?: string;
  /** Allowed rules next to the path, for the suggestion's glob. */
  neighbours: FileRule[];
  /** An allowed literal path with the same file name elsewhere (a moved pid file). */
  movedFrom?: FileRule;
}

const GENERIC_DIRS = new Set([
  '/',
  '/etc/',
  '/usr/',
  '/usr/lib/',
  '/usr/share/',
  '/usr/bin/',
  '/usr/sbin/',
  '/usr/local/',
  '/usr/local/bin/',
  '/usr/local/lib/',
  '/var/',
  '/var/lib/',
  '/var/log/',
  '/var/cache/',
  '/var/spool/',
  '/run/',
  '/var/run/',
  '/tmp/',
  '/var/tmp/',
  '/dev/',
  '/dev/shm/',
  '/home/',
  '/root/',
  '/proc/',
  '/sys/',
  '/srv/',
  '/opt/',
  '/bin/',
  '/sbin/',
  '/lib/',
  '/lib64/',
  '/mnt/',
  '/media/',
  '/run/user/',
]);
const HELPER_ROOTS_RE = /^\/(?:usr\/lib|usr\/libexec|usr\/local\/lib|opt)\//;
const TMP_ROOTS_RE = /^\/(?:tmp|var\/tmp)\/[^/.]/;
const SERVICE_ROOTS_RE = /^\/(?:run|var\/run|var\/lib|var\/log|var\/cache|var\/spool|etc|srv|opt|usr\/share|usr\/lib|usr\/libexec|var\/www)\//;

const attack = (weight: number, tag: string, reason: Reason): Signal => ({ side: 'attack', weight, tag, reason });
const benign = (weight: number, tag: string, reason: Reason): Signal => ({ side: 'benign', weight, tag, reason });

/** A signal's sentence, written now if it was not yet (and kept on the signal: a record decided in
 * two sequence contexts reads it twice). */
export function reasonText(x: Signal): string {
  const r = x.reason;
  if (typeof r === 'string') return r;
  const text = r();
  x.reason = text;
  return text;
}

/** The longest common directory prefix of two paths (ending in `/`), without allocating per component. */
function sharedDir(a: string, b: string): string {
  return a.slice(0, sharedDirLength(a, b));
}

/** The length of sharedDir(a, b), without making it. */
function sharedDirLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let lastSlash = -1;
  for (let i = 0; i < n; i++) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) break;
    if (a.charCodeAt(i) === 47) lastSlash = i;
  }
  return lastSlash + 1;
}

/** GENERIC_DIRS by length, so a prefix of a path is looked up without cutting it out. */
const GENERIC_BY_LENGTH: string[][] = [];
for (const d of GENERIC_DIRS) (GENERIC_BY_LENGTH[d.length] ??= []).push(d);

/** Whether the first `n` characters of `path` are one of GENERIC_DIRS. */
function genericPrefix(path: string, n: number): boolean {
  const list = GENERIC_BY_LENGTH[n];
  if (list !== undefined) for (const d of list) if (path.startsWith(d)) return true;
  return false;
}

/** Whether a rule starting with `lit` is a neighbour of `path`: they share a directory that is
 * not one every service shares (measured, not cut out: this runs for every rule of a profile). */
export function neighbourDir(lit: string, path: string): boolean {
  const shared = sharedDirLength(lit, path);
  return shared > 1 && !genericPrefix(path, shared);
}

/** neighbourDir with the shared directory cut out (the reference the measure is tested against). */
export function neighbourDirPlain(lit: string, path: string): boolean {
  const shared = sharedDir(lit, path);
  return shared.length > 1 && !GENERIC_DIRS.has(shared);
}

interface OwnRule {
  rule: FileRule;
  /** Per expansion: its literal start, whether it is a plain path (no glob at all), and the path's
   * last component and directory (basenameOf, dirOf: made once here, not for every denial). */
  alts: { lit: string; plain: boolean; path: string; name: string; dir: string }[];
  /** appTail of the first expansion's literal start (null: none; undefined: not worked out yet). */
  tail?: { root: string; dir: string } | null;
}

/** Rules the profile author wrote (its file and local/ include), not the generic abstractions; computed once per profile. */
const ownRuleCache = new WeakMap<ProfileInfo, OwnRule[]>();
function ownRules(info: ProfileInfo): OwnRule[] {
  let own = ownRuleCache.get(info);
  if (!own) {
    own = info.fileRules
      .filter((r) => !r.deny && !r.origin.file.includes('/abstractions/'))
      .map((rule) => ({ rule, alts: rule.glob.expanded.map((e) => ({ lit: literalPrefix(e), plain: literalPrefix(e) === e, path: e, name: basenameOf(e), dir: dirOf(e) })) }));
    ownRuleCache.set(info, own);
  }
  return own;
}

/** The profile's first rule that runs a shell, once per profile. */
const shellRules = new WeakMap<ProfileInfo, FileRule | null>();
function shellRule(info: ProfileInfo): FileRule | undefined {
  let r = shellRules.get(info);
  if (r === undefined) shellRules.set(info, (r = info.fileRules.find((x) => !x.deny && x.perms.includes('x') && execClass(x.glob.source) === 'shell') ?? null));
  return r ?? undefined;
}

function ruleRef(info: ProfileInfo, rule: { text: string; origin: { file: string; line: number } }): string {
  return `\`${rule.text},\` (${rule.origin.file === info.file ? basenameOf(info.file) : rule.origin.file}:${rule.origin.line})`;
}

/** Whether the kernel logs what this deny rule of the profile denies: `audit deny`, or a profile
 * with `flags=(audit)`, which logs every access it mediates, quiet denials included. */
export function denyLogs(info: ProfileInfo | undefined, deny: Rule): boolean {
  return deny.audit || (info?.flags.includes('audit') ?? false);
}

/**
 * What an explicit deny rule matching the access says. `audit deny` logs what it denies: the
 * author asked to hear of this access, an attack signal of `weight`. A plain `deny` keeps the
 * kernel quiet (the rule's permissions are in the profile's quiet mask), so a logged denial under
 * it came from a policy without that rule, or from a kernel set to log quiet denials; and a quiet
 * deny is how profiles silence an access they expect and do not want (`deny capability net_admin,
 * # noisy setsockopt() calls`): no sign of an attack.
 */
function denySignal(info: ProfileInfo, deny: Rule, weight: number, onPurpose: () => string): Signal {
  if (denyLogs(info, deny)) return attack(weight, 'explicit-deny', onPurpose);
  return benign(
    0,
    'quiet-deny',
    () =>
      `the file denies this without logging it (${ruleRef(info, deny)}), as profiles silence an access they expect: the kernel logged it, so the loaded policy is older than the file (or the kernel is set to log quiet denials)`,
  );
}

function fileSignals(f: DenialFacts, index: ProfileIndex | undefined, out: Findings): void {
  const path = f.path ?? '';
  const s = out.signals;
  const info = f.info;
  const mask = f.mask;
  const writes = WRITE_LETTERS_RE.test(mask) || WRITE_OPS_RE.test(f.op);
  const reads = mask.includes('r');
  const staging = stagingDir(path);
  const own = f.words;

  if (dotComponent(path)) {
    // the kernel reports the path it resolved: `..` in it was put there by whoever wrote the line
    s.push(attack(3, 'path-traversal', () => `${path} has . or .. components: the kernel reports resolved paths, so this name is a traversal or a forged record`));
  }

  if (f.access === 'exec') {
    const cls = execClass(path);
    const spawner = f.role === 'login or scheduler';
    const kind = f.program.kind;
    const server = (f.role !== undefined && !spawner) || kind === 'network service' || kind === 'document filter';
    // programs that run shells and helpers by nature: a shell from them is one weak signal, not an alarm
    const runsThings =
      kind === 'sandbox' ||
      kind === 'snap' ||
      kind === 'container' ||
      kind === 'hypervisor' ||
      kind === 'admin tool' ||
      kind === 'desktop app' ||
      (kind === 'service' && INTERPRETER_COMM.test(f.r.fields.comm ?? ''));
    const runsShells = info && shellRule(info);
    if (cls === 'shell' && runsShells && !server && !staging) {
      // the profile already lets it run a shell: another path to one (/bin/sh vs /usr/bin/bash) gives nothing new
      s.push(benign(2, 'runs-shells', () => `${f.profile}'s profile already runs shells (${runsShells.text}): ${path} is another one`));
    } else if (spawner && !staging) {
      // login and display managers, cron and terminals start the user's sessions and jobs
      s.push(benign(2, 'session-exec', () => `${f.profile.split('//')[0]} starts login sessions, jobs or terminals: running ${path} in one is its job`));
    } else if (cls && !spawner) {
      const strong = cls === 'shell' || cls === 'network tool' || server;
      const w = runsThings && !server ? 1 : cls === 'reconnaissance command' || cls === 'compiler' ? (server ? 2 : 1) : strong ? 3 : 2;
      s.push(attack(w, `exec-${cls.replace(FROM_SPACE_RE, '')}`, () => `${f.subject} ${verb(f, 'tried to execute', 'executed')} ${VOWEL_START_RE.test(cls) ? 'an' : 'a'} ${cls} (${path})`));
    }
    if (staging) s.push(attack(3, 'exec-staging', () => `${f.subject} ${verb(f, 'tried to execute', 'executed')} a program from ${staging} (${path})`));
    const hidden = staging ? hiddenComponent(path) : undefined;
    if (hidden) s.push(attack(1, 'hidden', () => (hidden === basenameOf(path) ? `the program has a hidden name (${hidden})` : `the program sits in a hidden directory (${hidden})`)));
  } else if (!mask.includes('m') && reads && staging && f.program.kind === 'network service' && SHARED_LIBRARY_RE.test(path)) {
    s.push(
      attack(
        1,
        'library-staging',
        () => `${f.subject} ${verb(f, 'tried to read', 'read')} a shared library from ${staging} (${path}): loading code from a world-writable directory is how libraries are injected`,
      ),
    );
  } else if (mask.includes('m') && staging) {
    s.push(attack(3, 'mmap-staging', () => `${f.subject} ${verb(f, 'tried to map', 'mapped')} ${path} as executable code from ${staging}`));
  }

  if (reads) readSignals(f, path, s);
  if (writes) writeSignals(f, path, staging, s);
  if (path === '/etc/ld.so.preload' && reads && !writes) s.push(benign(2, 'system-read', `every program reads /etc/ld.so.preload at start`));
  // GnuPG takes a lock on its keyring by creating `.#lk0x...` and linking it: no key is read
  if (GNUPG_LOCK_RE.test(path) && !reads)
    s.push(benign(2, 'gnupg-lock', () => `${basenameOf(path)} is a GnuPG lock file beside its keyring: ${f.r.fields.comm ?? f.program.name} taking a lock, not reading keys`));

  // a name the kernel could not make (disconnected, deleted): no rule was matched by it, so what
  // the profile says about the name says nothing about the denial
  const lookup = lookupFailure(f.r.fields.info);
  // what the profile says about this path: every rule is matched once
  if (info && !lookup) {
    // an `owner` rule holds only for a file the process's fsuid owns: for another's file (both
    // ids logged and different) it neither allows nor denies
    const fl = f.r.fields;
    const notOwner = notFileOwner(f);
    const all = matcherFor(info.fileRules).matching(path);
    const matching = notOwner ? all.filter((r) => !r.owner) : all;
    const deny = matching.find((r) => r.deny && [...mask].some((k) => permCovered(r.perms, k)));
    const allows = matching.filter((r) => !r.deny);
    const ownerOnly = notOwner && !deny ? all.find((r) => r.owner && !r.deny && mask !== '' && matchedRulesAllow([r], mask)) : undefined;
    if (ownerOnly && !matchedRulesAllow(allows, mask))
      s.push(
        benign(0, 'owner-only', () => `the profile allows ${path} only to the file's owner (${ruleRef(info, ownerOnly)}): the file is owned by uid ${fl.ouid}, the process works as uid ${fl.fsuid}`),
      );
    if (deny) {
      out.explicitDeny = deny;
      s.push(denySignal(info, deny, 1, () => `the profile forbids this on purpose: ${ruleRef(info, deny)}`));
    } else if (mask && allows.length && matchedRulesAllow(allows, mask)) {
      // name the rule that grants the most of the mask (the Cx rule, not the library rule, for an exec)
      const score = (r: FileRule) => [...mask].filter((k) => permCovered(r.perms, k)).length;
      const rule = allows.reduce((a, b) => (score(b) > score(a) ? b : a));
      out.alreadyAllowed = rule;
      s.push(benign(3, 'already-allowed', () => `the file declaring ${f.profile} already allows ${path} with '${mask}' (${ruleRef(info, rule)}): the loaded policy is older than the file`));
    } else if (allows.length && !EXEC_OR_MAP_RE.test(mask)) {
      s.push(benign(2, 'wider-mask', () => `the profile already allows ${path} with '${allows.map((r) => r.perms).join('')}' (${ruleRef(info, allows[0])}); this needs '${mask}'`));
      out.neighbours.push(...allows);
    }
  }

  if (f.access === 'file' && (reads || mask.includes('m')) && !writes && systemRead(path) && !credentialFact(path)) {
    const how = reads ? verb(f, 'tried to read', 'read') : verb(f, 'tried to map', 'mapped');
    s.push(benign(2, 'system-read', () => `${f.subject} ${how} ${path}, a system file services read (libraries, shared data, locale, certificates)`));
  }

  const abstraction = lookup ? undefined : abstractionFor(index, info, path, mask, !notFileOwner(f));
  if (abstraction && !writes && f.access === 'file') {
    out.abstraction = abstraction;
    s.push(benign(2, 'abstraction', () => `${path} is covered by <${abstraction}>, which the profile does not include`));
  }

  const suspicious = s.some((x) => x.side === 'attack' && x.weight >= 2);
  if (!out.alreadyAllowed && !out.explicitDeny && !suspicious) {
    const svc = serviceWord(path, own);
    // its own helper programs (/usr/lib/SERVICE/...) and its own files under the usual roots
    const root = f.access === 'exec' ? HELPER_ROOTS_RE : staging ? TMP_ROOTS_RE : SERVICE_ROOTS_RE;
    if (svc && root.test(path)) s.push(benign(2, 'own-tree', () => `${path} is in ${svc}'s own ${rootLabel(path)} tree`));
    if (info && !staging && !lookup) neighbourSignals(f, info, path, out);
  }
  if (f.op === 'file_inherit') s.push(benign(2, 'inherit', () => `file_inherit: a descriptor passed on at exec (${path}), not an open by the program`));
  // AppArmor's own null file is disconnected too, but nothing was opened (ordinaryFileSignals says what it is)
  if (lookup?.flag === 'attach_disconnected') {
    if (!revokedDescriptor(path)) s.push(benign(2, 'disconnected', () => `disconnected path (${path}): a file opened outside the process's mount namespace view`));
  }
  // running a deleted program is also how fileless malware starts: only other accesses are excused
  else if (lookup && f.access !== 'exec')
    s.push(benign(2, 'deleted-entry', () => `deleted entry (${path}): a file already deleted, such as a temporary file published with link, which the profile does not mediate by name`));
  ordinaryFileSignals(f, out, reads, writes);
}

/** What reading `path` says: credentials, TLS keys, other processes' /proc entries. */
function readSignals(f: DenialFacts, path: string, s: Signal[]): void {
  const info = f.info;
  const cred = credentialFact(path);
  const procPid = PROC_PID_ENTRY_RE.exec(path);
  const ownStore = cred && credentialsOwnedBy(path, f.program.name, f.words);
  if (cred && ownStore) {
    s.push(benign(2, 'own-credentials', () => `${path} belongs to ${f.program.name} itself (${ownStore}): reading it is its job`));
  } else if (cred) {
    const dbTool = cred.db && f.words.some((w) => DB_TOOL_WORD_RE.test(w));
    if (dbTool) {
      s.push(
        attack(1, 'credential-read', () => `${f.subject} ${verb(f, 'tried to read', 'read')} ${cred.label} (${path}): a credential read, although a backup or database tool can have a reason to`),
      );
    } else if (cred.history && (f.program.kind === 'sandbox' || f.program.kind === 'snap' || f.program.kind === 'desktop app')) {
      s.push(attack(1, 'credential-read', () => `${f.subject} ${verb(f, 'tried to read', 'read')} ${cred.label} (${path}): desktop apps start login shells that read it, but it can hold secrets`));
    } else s.push(attack(cred.weight, 'credential-read', () => `${f.subject} ${verb(f, 'tried to read', 'read')} ${cred.label} (${path})`));
  } else if (TLS_KEY_RE.test(path)) {
    const sameStore = info && ownRules(info).some((o) => o.rule.perms.includes('r') && o.alts.some((a) => sharedDir(a.lit, path) === dirOf(path)));
    if (sameStore) s.push(benign(2, 'own-tls-key', () => `TLS server ${f.profile} already reads keys in ${dirOf(path)}: a renewed or added certificate key`));
    else if (info && !info.hasNetworkRules)
      s.push(attack(3, 'credential-read', () => `${f.subject} ${verb(f, 'tried to read', 'read')} a TLS private key (${path}) but its profile allows no network: it serves no TLS`));
    else s.push(attack(2, 'credential-read', () => `${f.subject} ${verb(f, 'tried to read', 'read')} a TLS private key (${path}) outside the keys its profile allows`));
  } else if (procPid) {
    const [, pid, what] = procPid;
    if (pid === f.r.fields.pid) s.push(benign(2, 'own-proc', () => `${path} is the process's own /proc entry (pid ${pid})`));
    else if ((what === 'environ' || what === 'mem') && sameUser(f) && f.program.kind !== 'network service' && f.program.kind !== 'service') {
      s.push(attack(1, 'proc-other', () => `${f.subject} ${verb(f, 'tried to read', 'read')} the ${what === 'environ' ? 'environment' : 'memory'} of another process of the same user (${path})`));
    } else if (what === 'environ' || what === 'mem')
      s.push(attack(3, 'proc-other', () => `${f.subject} ${verb(f, 'tried to read', 'read')} the ${what === 'environ' ? 'environment (secrets, tokens)' : 'memory'} of another process (${path})`));
    else if (what.startsWith('fd') && !viewsProcesses(f)) s.push(attack(1, 'proc-other', () => `${f.subject} looked at the open files of another process (${path})`));
  }
}

/** What writing `path` says: persistence, kernel settings, web shells, hidden and masquerading names in a staging directory. */
function writeSignals(f: DenialFacts, path: string, staging: string | undefined, s: Signal[]): void {
  const p = persistenceLabel(path);
  if (p && ACCOUNT_WRITER_RE.test(f.program.name) && ACCOUNT_FILE_RE.test(path))
    s.push(benign(2, 'own-credentials', () => `${path} is part of the account database ${f.program.name} exists to change: writing it is its job`));
  else if (p) s.push(attack(3, 'persistence', () => `${f.subject} ${verb(f, 'tried to write', 'wrote')} ${p} (${path}): a persistence foothold`));
  const kernel = KERNEL_KNOB_RE.exec(path);
  if (kernel && f.program.kind === 'container' && !f.program.runtime)
    s.push(
      attack(
        3,
        'kernel-knob',
        () =>
          `${f.subject} ${verb(f, 'tried to write', 'wrote')} ${path} from inside a container: ${kernel[1] ? 'a cgroup release agent runs on the host (container escape)' : 'a host kernel setting'}`,
      ),
    );
  else if (kernel && (kernel[1] || f.program.kind === 'network service' || f.program.kind === 'document filter'))
    s.push(attack(kernel[1] ? 3 : 2, 'kernel-knob', () => `${f.subject} ${verb(f, 'tried to write', 'wrote')} ${path}: a kernel setting`));
  if (WEBSHELL_RE.test(path) && f.role === 'web server') s.push(attack(3, 'webshell', () => `${f.subject} ${verb(f, 'tried to write', 'wrote')} a script into a web root (${path}): a web shell`));
  if (staging) {
    let hidden = hiddenComponent(path);
    // the hidden name is the last part of the path: a file, unless a directory is what was made
    const last = hidden === basenameOf(path);
    const what = last && f.op !== 'mkdir' ? 'a hidden file' : 'a hidden directory';
    // a file saved whole through a temporary copy beside it: hidden only until it is renamed
    const temp = last && f.op !== 'mkdir' && hidden !== undefined ? tempCopyOf(hidden) : undefined;
    if (temp !== undefined) {
      s.push(benign(1, 'temp-copy', () => `${path} is a temporary copy of ${temp.of} written beside it and renamed onto it once written: hidden only until then`));
      hidden = undefined;
    } else if (last && hidden !== undefined && staging === '/tmp' && X_LOCK_RE.test(hidden) && X_SERVER_RE.test(basenameOf(f.profile.split('//')[0]))) {
      // the display's lock (and the copy it is linked from): the name every X server uses for display N
      s.push(benign(2, 'x-lock', () => `${path} is the lock of an X display, which ${basenameOf(f.profile.split('//')[0])} makes for the display it serves`));
      hidden = undefined;
    }
    // a write to a file that is there (truncate, open for writing) made nothing
    const made = f.op === 'mknod' || f.op === 'mkdir' || f.mask.includes('c') ? verb(f, 'tried to create', 'created') : verb(f, 'tried to write', 'wrote');
    if (hidden) s.push(attack(2, 'hidden', () => `${f.subject} ${made} ${path}: ${what} (${hidden}) in ${staging}`));
    if (masqueradeName(path)) s.push(attack(2, 'masquerade', () => `${basenameOf(path)} in ${staging} is named like a system process`));
  }
}

function rootLabel(path: string): string {
  const m = ROOT_LABEL_RE.exec(path);
  return m ? `/${m[1]}` : dirOf(path);
}

/** A component of the path named after the service itself (`/run/nginx/`, `/var/lib/report-exporter/`). */
export function serviceWord(path: string, words: string[]): string | undefined {
  // every component but the one before the first slash (the empty one of an absolute path); a
  // path without a slash is one component
  const first = path.indexOf('/') < 0 ? 0 : path.indexOf('/') + 1;
  for (const w of words) {
    if (w.length < 3 || w.includes('/')) continue;
    for (let start = first; start <= path.length;) {
      let end = path.indexOf('/', start);
      if (end < 0) end = path.length;
      // the component is w, or starts with w and a dot, dash or underscore
      if (end - start >= w.length && path.startsWith(w, start)) {
        const next = start + w.length === end ? -1 : path.charCodeAt(start + w.length);
        if (next === -1 || next === 46 || next === 45 || next === 95) return w;
      }
      start = end + 1;
    }
  }
  return undefined;
}

/** serviceWord by splitting the path (the reference the scan is tested against). */
export function serviceWordPlain(path: string, words: string[]): string | undefined {
  const comps = path.split('/');
  for (const w of words) {
    if (w.length < 3) continue;
    // every component but the empty one before the leading slash
    for (let i = comps.length > 1 ? 1 : 0; i < comps.length; i++) {
      const c = comps[i];
      if (c === w || c.startsWith(`${w}.`) || c.startsWith(`${w}-`) || c.startsWith(`${w}_`)) return w;
    }
  }
  return undefined;
}

function neighbourSignals(f: DenialFacts, info: ProfileInfo, path: string, out: Findings): void {
  const dir = dirOf(path);
  const name = basenameOf(path);
  let near: FileRule | undefined;
  for (const o of ownRules(info)) {
    for (const a of o.alts) {
      if (neighbourDir(a.lit, path)) {
        out.neighbours.push(o.rule);
        near ??= o.rule;
        break;
      }
      // a directory (`/etc/ntpsec/ntp.d/`) has no file name: every other directory would share its empty one
      if (a.plain && !out.movedFrom && name !== '' && a.name === name && a.dir !== dir) out.movedFrom = o.rule;
    }
  }
  if (!near) {
    const tail = appTail(path);
    if (tail) {
      for (const o of ownRules(info)) {
        if (o.tail === undefined) o.tail = appTail(o.alts[0]?.lit ?? '') ?? null;
        const t = o.tail;
        if (t && t.dir === tail.dir && t.root !== tail.root) {
          out.signals.push(benign(2, 'parallel-tree', () => `${path} is the ${tail.root} side of ${t.root}/${t.dir} that the profile already allows (${ruleRef(info, o.rule)})`));
          break;
        }
      }
    }
  }
  if (near) out.signals.push(benign(2, 'neighbour', () => `${path} is next to what the profile already allows (${ruleRef(info, near)})`));
  const moved = out.movedFrom;
  if (moved) out.signals.push(benign(2, 'moved', () => `the profile allows the same file name elsewhere (${ruleRef(info, moved)}): the file moved to ${dir}`));
  void f;
}

const APP_ROOT_RE = /^(\/(?:etc|var\/lib|var\/log|var\/cache|var\/spool|run|var\/run|usr\/share|usr\/lib|opt|srv))\/([^/]+\/(?:[^/]+\/)*)/;
/** `/etc/postgresql/15/main/pg_hba.conf` -> root /etc, application directory postgresql/15/main/ (at least two levels). */
function appTail(path: string): { root: string; dir: string } | undefined {
  const m = APP_ROOT_RE.exec(path);
  if (!m || m[2].split('/').filter(Boolean).length < 2) return undefined;
  return { root: m[1], dir: m[2] };
}

/** Where no suggestable abstraction reaches: the service's own data, homes, /proc, scratch space. */
const NO_ABSTRACTION_RE = /^\/(?:proc|sys|tmp|var\/tmp|home|root|srv|var\/www|var\/lib|var\/log|var\/spool|opt|mnt|media)\//;

/** Both ids logged and different: the process works on another user's file, where `owner` rules do not hold. */
function notFileOwner(f: DenialFacts): boolean {
  const fl = f.r.fields;
  return fl.fsuid !== undefined && fl.ouid !== undefined && fl.fsuid !== fl.ouid;
}

function abstractionFor(index: ProfileIndex | undefined, info: ProfileInfo | undefined, path: string, mask: string, owner: boolean): string | undefined {
  if (!mask || CHANGES_OR_EXECS_RE.test(mask) || NO_ABSTRACTION_RE.test(path)) return undefined;
  let found = index?.abstractionFor(path, mask, owner);
  if (!found && !(index && info)) {
    for (const [re, perms, name] of BUILTIN_ABSTRACTIONS) if (re.test(path) && [...mask].every((k) => perms.includes(k))) found = name;
  }
  if (found && info?.includes.includes(found)) return undefined;
  return found;
}

function netSignals(f: DenialFacts, out: Findings): void {
  const fl = f.r.fields;
  const family = fl.family ?? '';
  const type = fl.sock_type ?? '';
  const s = out.signals;
  const info = f.info;
  const what = [family, type].filter(Boolean).join(' ') || 'a socket';
  const rawOrPacket = (type === 'raw' && (family === 'inet' || family === 'inet6')) || family === 'packet';
  if (rawOrPacket && RAW_SOCKET_USERS.test(f.program.name)) {
    s.push(benign(2, 'raw-socket-tool', () => `${f.program.name} uses ${family === 'packet' ? 'packet' : 'raw'} sockets by design (DHCP, ping, capture, virtual network filtering)`));
  } else if (rawOrPacket) {
    s.push(
      attack(
        3,
        'raw-socket',
        () =>
          `${f.subject} ${verb(f, 'tried to open', 'opened')} a ${family === 'packet' ? 'packet' : 'raw'} socket (${what}${fl.protocol ? `, protocol ${fl.protocol}${fl.protocol === '1' ? ' = ICMP' : ''}` : ''}): sniffing, scanning or crafting packets`,
      ),
    );
  }
  if (family === 'netlink' && !info) {
    s.push(benign(2, 'netlink', () => `a netlink socket (${what}): interface and route queries many libraries make`));
    return;
  }
  if (!info) {
    if (rawOrPacket || family === 'unix') return;
    const kind = f.program.kind;
    if (kind === 'document filter') s.push(attack(2, 'filter-network', () => `${f.subject} ${verb(f, 'tried to use', 'used')} the network (${what}): a document converter has no reason to`));
    else if (kind === 'service') s.push(benign(1, 'network-use', () => `${what}: a service using the network; its profile (not read here) says whether it may`));
    else s.push(benign(2, 'network-use', () => `${what} from ${aKind(kind)}: talking to the network is what it does`));
    return;
  }
  const deny = info.networkRules.find((r) => r.deny && (r.domain === undefined || r.domain === family) && (r.type === undefined || r.type === type));
  if (deny) {
    out.explicitDeny = deny;
    s.push(denySignal(info, deny, deny.domain === undefined && deny.type === undefined ? 3 : 2, () => `${f.profile} is forbidden the network on purpose: ${ruleRef(info, deny)}`));
    return;
  }
  if (family === 'netlink') {
    s.push(benign(2, 'netlink', () => `a netlink socket (${what}): interface and route queries many libraries make`));
    return;
  }
  if (!info.hasNetworkRules) {
    s.push(attack(3, 'no-network', () => `${f.subject} ${verb(f, 'tried to use', 'used')} the network (${what}) but its profile allows no network at all`));
    return;
  }
  if (family === 'inet' || family === 'inet6') {
    const has = info.networkRules.filter((r) => !r.deny).map((r) => [r.domain, r.type].filter(Boolean).join(' ') || 'all');
    const udpBesideTcp = type === 'dgram' && has.some((h) => h.includes('stream'));
    s.push(
      benign(2, 'has-network', () => `the profile already allows network ${has.join(', ')}${udpBesideTcp ? ': UDP next to TCP is usually name resolution' : ''}; ${what} is usually a missing rule`),
    );
  }
}

function capSignals(f: DenialFacts, out: Findings): void {
  const cap = recordCapability(f.r) ?? f.r.fields.capability ?? '';
  const s = out.signals;
  const info = f.info;
  let deny = info?.capabilityRules.find((r) => r.deny && (r.caps.length === 0 || r.caps.includes(cap)));
  const excuse = capabilityExcuse(f, cap);
  if (deny && info && excuse && f.program.kind === 'sandbox' && usernsRestricted(f.profile)) {
    // the user-namespace restriction's own deny: a sandbox's capability denied there is the
    // restriction at work, and the fix is a profile of the program's own (suggest.ts), not a
    // decision for the deny rule's owner
    const restriction = deny;
    s.push(benign(0, 'userns-restriction', () => `${f.profile} denies a sandbox's capabilities on purpose (${ruleRef(info, restriction)}): that is the restriction, not the program`));
    deny = undefined;
  }
  if (deny && info) {
    out.explicitDeny = deny;
    s.push(denySignal(info, deny, 1, () => `the profile forbids capability ${cap} on purpose: ${ruleRef(info, deny)}`));
  }
  if (excuse && !deny) s.push(benign(excuse.weight, 'cap-family', excuse.reason));
  else if (highCap(cap) !== undefined) s.push(attack(3, 'high-cap', () => `${f.subject} ${verb(f, 'tried to use', 'used')} capability ${cap} (${highCap(cap)})`));
  else if (cap === 'sys_chroot' && (f.program.kind === 'service' || f.program.kind === 'network service'))
    s.push(benign(2, 'routine-cap', `capability sys_chroot: daemons chroot themselves to drop privileges`));
  else if (MEDIUM_CAPS.has(cap)) s.push(attack(1, 'medium-cap', () => `${f.subject} ${verb(f, 'tried to use', 'used')} capability ${cap}, which services rarely need`));
  else if (ROUTINE_CAPS.has(cap)) s.push(benign(2, 'routine-cap', () => `capability ${cap} is one services routinely need`));
}

function signalSignals(f: DenialFacts, out: Findings): void {
  const fl = f.r.fields;
  const sig = fl.signal ?? '';
  const peer = fl.peer ?? fl.peer_label ?? '';
  const s = out.signals;
  const receiving = RECEIVE_RE.test(f.mask);
  if (receiving) {
    const fromManager = fl.comm === 'systemd' || fl.pid === '1';
    const peerProgram = programOf(peer);
    if (SERVICE_SIGNALS.has(sig) && (fromManager || peer === 'unconfined')) {
      s.push(
        benign(2, 'service-signal', () => `${sig} signal to ${f.profile} from ${fromManager ? 'systemd (pid 1)' : 'an unconfined process'}: a service manager or operator reloading or stopping it`),
      );
    } else if (peerProgram.runtime || isContainerRuntime(basenameOf(peer.split('//')[0])) || (f.program.kind === 'container' && !f.program.runtime && peer === 'unconfined')) {
      s.push(
        benign(2, 'runtime-signal', () =>
          peer === 'unconfined'
            ? `${sig} signal to the container (${f.profile}) from an unconfined process: its runtime (dockerd and runc run unconfined) or an operator stopping, pausing or killing it`
            : `${sig} signal to ${f.profile} from ${peer}, the runtime or orchestrator that manages it (stopping or killing its container)`,
        ),
      );
    } else if (peer === f.profile || peer.split('//')[0] === f.profile.split('//')[0]) {
      s.push(benign(2, 'signal-own', () => `${f.profile} receiving ${sig} from its own processes`));
    }
    return;
  }
  const ownFamily = peer === f.profile || peer.split('//')[0] === f.profile.split('//')[0];
  if (ownFamily) s.push(benign(2, 'signal-own', () => `${f.profile} signalling its own processes (${sig})`));
  else if (ownServicePeer(f.profile, peer))
    s.push(benign(2, 'signal-own-service', () => `${f.profile} signalling a process of its own service (${sig} to ${peer}): a master stopping or reloading its workers`));
  else if (f.program.runtime || f.program.kind === 'container' || f.program.kind === 'hypervisor' || f.program.kind === 'snap' || f.program.kind === 'admin tool')
    s.push(benign(2, 'signal-managed', () => `${f.program.name} (${aKind(f.program.kind)}) signalling a process it manages (${sig} to ${peer || '?'})`));
  else if (STOPPING_SIGNAL_RE.test(sig) && peer !== 'unconfined')
    s.push(attack(1, 'signal-other', () => `${f.subject} ${verb(f, 'tried to send', 'sent')} ${sig} to a process of another service (${peer})`));
}

/**
 * Whether `peer` is a profile of the service `profile` names: the workers a master process runs
 * under profiles of their own (dovecot and `dovecot-imap-login` or `/usr/lib/dovecot/imap`,
 * postfix and `/usr/lib/postfix/sbin/smtpd`). Both names are the profiles', never a command's.
 */
export function ownServicePeer(profile: string, peer: string): boolean {
  const stem = basenameOf(profile.split('//')[0]);
  if (stem.length < 4 || !SERVICE_STEM_RE.test(stem)) return false;
  const p = peer.split('//')[0];
  const name = basenameOf(p);
  if (name.startsWith(`${stem}-`) || name.startsWith(`${stem}_`)) return true;
  // a program under the service's own directory (`/usr/lib/dovecot/imap`)
  return p.startsWith('/') && p.split('/').slice(1, -1).includes(stem);
}

/** A program's name, not a directory every service shares (`/usr/lib/...`, `/bin/...`). */
const SERVICE_STEM_RE = /^(?!(?:bin|sbin|lib|libexec|usr|local|share|opt|snap|unconfined)$)[A-Za-z][A-Za-z0-9._+-]*$/;

function ptraceSignals(f: DenialFacts, out: Findings): void {
  const peer = f.r.fields.peer ?? f.r.fields.peer_label ?? 'another profile';
  const s = out.signals;
  const comm = f.r.fields.comm ?? '';
  const viewer = PROCESS_VIEWERS.test(comm) || f.program.kind === 'admin tool' || f.program.runtime === true;
  if (TRACE_RE.test(f.mask) && !TRACEDBY_RE.test(f.mask) && TRACERS.test(comm)) {
    s.push(attack(3, 'ptrace-trace', () => `${f.subject} ${verb(f, 'tried to attach to', 'attached to')} a process under ${peer} with ${comm} (a debugger or tracer: read and change its memory)`));
  } else if (TRACE_RE.test(f.mask) && !TRACEDBY_RE.test(f.mask) && viewer) {
    s.push(benign(2, 'ptrace-viewer', () => `${comm || f.program.name} looks at other processes for a living: reading /proc/PID of another process asks for ptrace (trace on older kernels)`));
  } else if (TARGET_MASK_RE.test(f.mask)) {
    const same = peer === f.profile || peer.split('//')[0] === f.profile.split('//')[0];
    s.push(benign(same || READBY_RE.test(f.mask) ? 2 : 1, 'ptrace-target', () => `${f.profile} was the target: ${peer} looked at it (${f.mask})`));
  } else if (
    TRACE_RE.test(f.mask) &&
    !TRACEDBY_RE.test(f.mask) &&
    (f.program.kind === 'sandbox' || f.program.kind === 'desktop app') &&
    (peer === f.profile || peer.split('//')[0] === f.profile.split('//')[0])
  ) {
    s.push(benign(2, 'ptrace-own-children', () => `${f.program.name} attaching to its own processes (crash reporters and sandboxes do)`));
  } else if (TRACE_RE.test(f.mask) && !TRACEDBY_RE.test(f.mask)) {
    if (peer === f.profile) s.push(attack(1, 'ptrace-self', () => `${f.subject} ${verb(f, 'tried to attach to', 'attached to')} a process of its own profile (ptrace trace)`));
    else s.push(attack(3, 'ptrace-trace', () => `${f.subject} ${verb(f, 'tried to attach to', 'attached to')} a process under ${peer} (ptrace trace: read and change its memory)`));
  } else if (READ_RE.test(f.mask) && !READBY_RE.test(f.mask)) {
    s.push(benign(2, 'ptrace-read', () => `ptrace read of ${peer}: a ps-style look at /proc, not an attach`));
  }
}

function dbusSignals(f: DenialFacts, out: Findings): void {
  const fl = f.r.fields;
  const dest = fl.name ?? '';
  const iface = fl.interface ?? '';
  const member = dbusMember(fl);
  const s = out.signals;
  const readOnly = RECEIVE_RE.test(fl.mask ?? '') || f.op === 'dbus_signal' || READ_ONLY_MEMBER_RE.test(member ?? '') || iface === 'org.freedesktop.DBus.Introspectable';
  const asks = ASKING_MEMBER_RE.test(member ?? '');
  const desktopSide = f.program.kind === 'sandbox' || f.program.kind === 'snap' || f.program.kind === 'desktop app' || f.program.kind === 'admin tool';
  if (!readOnly && f.role === 'login or scheduler' && LOGIN1_RE.test(dest || iface) && SESSION_MEMBER_RE.test(member ?? '')) {
    // sshd, login and the display managers have logind make the session they start (pam_systemd)
    s.push(benign(2, 'dbus-session', () => `${f.profile.split('//')[0]} starts login sessions: asking logind to ${member} is its job`));
  } else if (!readOnly && asks && desktopSide && (SENSITIVE_DBUS_RE.test(dest) || SENSITIVE_DBUS_RE.test(iface))) {
    s.push(benign(2, 'dbus-desktop', () => `${member} on ${dest || iface}: desktop programs ask logind, polkit and systemd this routinely (inhibit sleep, check an authorization, list sessions)`));
  } else if (!readOnly && (SENSITIVE_DBUS_RE.test(dest) || SENSITIVE_DBUS_RE.test(iface) || SENSITIVE_DBUS_RE.test(fl.path?.replace(LEADING_SLASH_RE, '').replace(/\//g, '.') ?? ''))) {
    s.push(attack(2, 'dbus-sensitive', () => `${f.subject} ${verb(f, 'tried to call', 'called')} ${iface}.${member ?? '?'} on ${dest}: a request to change the system`));
  } else {
    s.push(benign(2, 'dbus-routine', () => `D-Bus ${fl.mask ?? 'call'} of ${member ?? '?'} on ${dest || iface} (${fl.bus ?? '?'} bus): an ordinary service request`));
  }
}

function unixSignals(f: DenialFacts, out: Findings): void {
  const info = f.info;
  const has = info && (info.otherRules.some((r) => r.kind === 'unix' && !r.deny) || info.networkRules.some((r) => !r.deny && (r.domain === 'unix' || r.domain === undefined)));
  // either end's address (`none` is the kernel's word for an unnamed socket)
  const addr = namedAddr(f.r.fields.peer_addr) ?? namedAddr(f.r.fields.addr);
  if (addr && RUNTIME_SOCKET_RE.test(addr) && f.program.kind !== 'container' && f.program.kind !== 'admin tool') {
    out.signals.push(attack(2, 'runtime-socket', () => `${f.subject} ${verb(f, 'tried to reach', 'reached')} a container runtime's socket (${addr}): it controls the host`));
    return;
  }
  out.signals.push(
    benign(
      has || !info ? 2 : 1,
      'unix',
      () => `a local (unix) socket${addr ? ` ${addr}` : ''}${has ? ': the profile already uses unix sockets' : ': processes on the same host talking to each other'}`,
    ),
  );
}

function namedAddr(a: string | undefined): string | undefined {
  return a === undefined || a === 'none' ? undefined : a;
}

function mountSignals(f: DenialFacts, out: Findings): void {
  const info = f.info;
  const fl = f.r.fields;
  const comm = fl.comm ?? '';
  const kind = f.program.kind;
  const fstype = fl.fstype ?? '';
  // a new file system mounted on scratch space (not a remount or bind of what is there)
  const fresh = !!fstype && !REMOUNT_OR_BIND_RE.test(fl.flags ?? '');
  const escape = MOUNT_ESCAPE_FS.test(fstype) || DISK_SOURCE_RE.test(fl.srcname ?? '') || (fresh && stagingDir(f.path ?? '') !== undefined && fstype !== 'tmpfs');
  const byHand = MOUNT_BY_HAND_RE.test(comm);
  // a mount moved to another place in the container's own tree brings no file system it did not
  // have (a nested container's setup moves /proc and /sys into its root); one moved over a
  // process's /proc entry hides that process
  const movedOnly = !escape && !fstype && MOVE_FLAG_RE.test(fl.flags ?? '') && !PROC_PID_DIR_RE.test(f.path ?? '');
  if (kind === 'container' && !f.program.runtime && (escape || (byHand && !movedOnly)) && !UNIT_COMM_RE.test(comm)) {
    out.signals.push(
      attack(3, 'container-mount', () =>
        `${f.subject} ${verb(f, 'tried to', 'did')} mount ${fstype || ''} ${fl.srcname ?? ''} on ${f.path ?? '?'} from inside a container${escape ? ': cgroup, proc and disk mounts are how containers are escaped' : ''}`.replace(
          /\s+/g,
          ' ',
        ),
      ),
    );
    return;
  }
  if (kind === 'container' || kind === 'hypervisor' || kind === 'snap' || kind === 'sandbox' || (kind === 'admin tool' && !escape)) {
    const unit = UNIT_COMM_RE.test(comm);
    const why = unit
      ? `systemd setting up the sandbox of ${comm} (private or read-only mounts for a unit)`
      : movedOnly && kind === 'container'
        ? 'a mount moved within what the container already has (a nested container setting up its root): no new file system'
        : RUNTIME_SETUP_RE.test(comm + f.op + (f.path ?? ''))
          ? 'a container runtime preparing a container root (pivot_root, bind mounts)'
          : comm === 'systemd' || comm === 'init'
            ? "a container's init mounting its own /run, /sys/fs/cgroup and the like"
            : `${f.program.name} (${aKind(kind)}) managing mounts for its sandbox or guests`;
    out.signals.push(benign(2, 'mount-family', () => `${f.op} ${fl.flags ? `(${fl.flags}) ` : ''}${f.path ?? ''}: ${why}`));
    return;
  }
  if (info?.otherRules.some((r) => (r.kind === 'mount' || r.kind === 'umount') && !r.deny)) out.signals.push(benign(2, 'mount-known', () => `${f.profile} already mounts file systems`));
  else if (MOUNT_HELPER_RE.test(f.program.name))
    out.signals.push(benign(2, 'mount-helper', () => `${f.program.name} is a file-system driver or mount helper: mounting ${fstype || 'file systems'} is what its profile is for`));
  else
    out.signals.push(
      attack(2, 'mount', () => `${f.subject} ${verb(f, 'tried to', 'did')} ${f.op} ${f.r.fields.fstype ?? ''} ${f.path ?? ''}`.replace(/\s+/g, ' ').trim() + ': changing mounts needs broad privilege'),
    );
}

export function collectSignals(f: DenialFacts, index: ProfileIndex | undefined): Findings {
  const out: Findings = { signals: [], neighbours: [] };
  switch (f.access) {
    case 'file':
    case 'exec':
      fileSignals(f, index, out);
      break;
    case 'net':
      netSignals(f, out);
      break;
    case 'cap':
      capSignals(f, out);
      break;
    case 'signal':
      signalSignals(f, out);
      break;
    case 'ptrace':
      ptraceSignals(f, out);
      break;
    case 'dbus':
      dbusSignals(f, out);
      break;
    case 'unix':
      unixSignals(f, out);
      break;
    case 'mount':
      mountSignals(f, out);
      break;
    case 'userns':
      usernsSignals(f, out);
      break;
    case 'change-profile':
      changeProfileSignals(f, out);
      break;
    case 'io-uring':
      ioUringSignals(f, out);
      break;
    case 'mqueue':
      mqueueSignals(f, out);
      break;
    default:
      break;
  }
  shellChildSignal(f, out);
  if (f.happened && f.info && (f.info.mode === 'complain' || f.profile.includes('//null-'))) {
    out.signals.push(benign(1, 'learning', () => `${f.profile} is in complain mode (learning): ALLOWED records are how its rules get written`));
  }
  return out;
}

/** Programs that need raw or packet sockets by design. */
const RAW_SOCKET_USERS =
  /^(?:dnsmasq|dhclient|dhcpcd|dhcpcd_run_hooks|dhcpd|dhcrelay|udhcpc|udhcpd|kea-dhcp4|fwknopd|arpwatch|snort|suricata|zeek|iftop|nethogs|NetworkManager|networkmanager|systemd-networkd|ping6?|traceroute6?|tracepath|mtr|mtr-packet|arping|tcpdump|tshark|dumpcap|wireshark|libvirtd|virtqemud|avahi-daemon|keepalived|chronyd|ntpd|lldpd|wpa_supplicant|hostapd|nmap|incus_dnsmasq[\w-]*)$/i;
/** Sockets that control a container runtime (and so the host). */
const RUNTIME_SOCKET_RE = /(?:^|\/)(?:docker|containerd|podman|crio|cri-dockerd)\.sock$|^\/run\/containerd\//;
/** File system types mounted to escape a container: cgroup v1 (release_agent), procfs, sysfs, disks. */
const MOUNT_ESCAPE_FS = /^(?:cgroup|proc|sysfs|ext[234]|xfs|btrfs|vfat|ntfs|debugfs|securityfs|bpf)$/;

/**
 * A capability the program's family asks for by design: a sandbox inside its own user namespace,
 * snap-confine probing, a container runtime or hypervisor helper setting up guests, an
 * administrator's tool, a root daemon overriding file permissions. Never for network services and
 * never for loading kernel modules or changing the MAC policy, except by the tools made for that.
 */
function capabilityExcuse(f: DenialFacts, cap: string): { weight: number; reason: Reason } | undefined {
  const p = f.program;
  const policy = cap === 'mac_admin' || cap === 'mac_override';
  if (cap === 'sys_module' && MODULE_LOADER_RE.test(p.name)) return { weight: 2, reason: `${p.name} loads kernel modules: that is its job` };
  if (policy && POLICY_LOADER_RE.test(p.name)) return { weight: 2, reason: `${p.name} loads AppArmor policy: that is its job` };
  if (cap === 'sys_module' || cap === 'sys_boot' || policy) return undefined;
  switch (p.kind) {
    case 'sandbox':
      return {
        weight: 3,
        reason: `${p.name === 'unprivileged_userns' ? 'a process moved to the unprivileged_userns profile (Ubuntu restricts user namespaces)' : `${p.name} is a browser, Electron app or sandboxing tool`}: its sandbox asks for ${cap} inside its own user namespace, and the denial only disables that sandbox layer`,
      };
    case 'snap':
      return p.runtime
        ? { weight: 3, reason: `snap-confine probes capabilities (${cap}) while it sets up a snap's sandbox` }
        : { weight: 2, reason: `a snap asking for ${cap}: a snap's capabilities come from its interfaces, so the real fix is an interface, not an attack` };
    case 'container':
      return p.runtime ? { weight: 2, reason: `${p.name} is a container runtime: ${cap} is how it builds containers` } : undefined;
    case 'hypervisor':
      return { weight: 2, reason: `${p.name} is a hypervisor helper: ${cap} for devices, TPM state and guest setup` };
    case 'desktop app':
      // portals, shells and session daemons look at the processes that call them through /proc
      return cap === 'sys_ptrace'
        ? { weight: 2, reason: `${p.name} is a desktop component: sys_ptrace to read /proc/PID of the applications that call it (asked when one is not dumpable), not to attach a debugger` }
        : undefined;
    case 'admin tool':
      return {
        weight: 2,
        reason: `${p.name} is an administrator's or monitoring tool: ${cap === 'sys_ptrace' ? 'sys_ptrace to read /proc/PID of processes it does not own' : `${cap} for what it inspects or configures`}`,
      };
    default:
      return undefined;
  }
}

/**
 * A shell or network tool running under a network server's profile (comm is the shell, the profile
 * the server's): the server has started one, and whatever the access, that is the alarming part.
 */
function shellChildSignal(f: DenialFacts, out: Findings): void {
  const comm = f.r.fields.comm ?? '';
  const p = f.program;
  if (!(p.kind === 'network service' || p.kind === 'document filter') || f.role === 'mail server' || f.role === 'login or scheduler' || SHELL_RUNNING_SERVER_RE.test(p.name)) return;
  const cls = execClass(`/${comm}`);
  if (cls === 'shell' || cls === 'network tool' || cls === 'download tool') {
    out.signals.push(attack(2, 'shell-child', () => `the process is ${comm}, running under ${p.name}'s profile: ${p.name} started a ${cls}`));
  }
}

/**
 * A credential store that belongs to the program reading it: sshd and authorized_keys, the docker
 * client and ~/.docker/config.json, a tool and its own dot directory. Its owner reading it is the job.
 */
function credentialsOwnedBy(path: string, program: string, words: string[]): string | undefined {
  if (SSHD_RE.test(program) && SSH_TRUST_RE.test(path)) return 'sshd reads the keys a user may log in with';
  // the programs that check or change passwords and sudo rights read the stores made for them
  if (PASSWORD_TOOL_RE.test(program) && PASSWORD_STORE_RE.test(path)) return `${program} checks or changes passwords and rights`;
  for (const [store, owners, what] of STORE_OWNERS) if (owners.test(program) && store.test(path)) return what;
  for (const w of [program, ...words]) {
    const n = w.replace(DAEMON_SUFFIX_RE, '');
    if (n.length >= 3 && (path.includes(`/.${n}/`) || path.includes(`/.config/${n}/`))) return `its own ~/.${n} directory`;
  }
  return undefined;
}

/** Programs whose job is to look at other processes: admin and monitoring tools, process viewers. */
function viewsProcesses(f: DenialFacts): boolean {
  return f.program.kind === 'admin tool' || PROCESS_VIEWERS.test(f.r.fields.comm ?? '');
}
