/**
 * The facts of one denial the signals reason about: which profile (and what the index knows of it),
 * what kind of access, the object, the mask, and how to name the subject in a reason.
 */
import type { AppArmorRecord } from '../model/record.js';
import { basenameOf } from '../model/path.js';
import { recordMask, recordProfile } from '../model/record.js';
import type { ProfileIndex, ProfileInfo } from '../profiles/types.js';
import { generatedOwner } from '../profiles/managed.js';
import type { ManagedBy } from '../profiles/types.js';
import { roleOf, type Role } from './knowledge.js';
import { commDecides, programOf, type Program } from './programs.js';

export type AccessClass = 'file' | 'exec' | 'net' | 'unix' | 'cap' | 'signal' | 'ptrace' | 'dbus' | 'mount' | 'userns' | 'change-profile' | 'io-uring' | 'mqueue' | 'other';

export interface DenialFacts {
  r: AppArmorRecord;
  /** ALLOWED: complain mode let it happen. */
  happened: boolean;
  profile: string;
  info?: ProfileInfo;
  /** Why there is no info: no index, or no file declares the profile. */
  missingInfo?: 'no-index' | 'not-declared';
  managedBy?: ManagedBy;
  role?: Role;
  /** Who the program is (network service, sandbox, snap, container, ...). */
  program: Program;
  access: AccessClass;
  op: string;
  path?: string;
  /** Kernel mask letters for file accesses (`r`, `wc`, `x`, ...), words for the others. */
  mask: string;
  pid?: string;
  /** The profile's own short names (profileWords). */
  words: string[];
  /** How reasons name the actor: `web server /usr/sbin/nginx (pid 2211)`. */
  subject: string;
}

const FILE_OPS = new Set([
  'open',
  'mknod',
  'file_mmap',
  'file_mprotect',
  'exec',
  'link',
  'unlink',
  'rename_src',
  'rename_dest',
  'chmod',
  'chown',
  'truncate',
  'mkdir',
  'rmdir',
  'file_perm',
  'file_lock',
  'file_receive',
  'file_inherit',
  'getattr',
  'setattr',
  'symlink',
  'change_onexec',
]);

function accessClass(f: Record<string, string>): AccessClass {
  const op = f.operation ?? '';
  const cls = f.class ?? '';
  if (op.startsWith('dbus') || f.bus !== undefined) return 'dbus';
  // an exec is one whatever else the record holds (a test line carries stray socket fields)
  if (op === 'exec' && (cls === '' || cls === 'file')) return 'exec';
  if (cls === 'cap' || op === 'capable') return 'cap';
  if (cls === 'signal' || op === 'signal') return 'signal';
  if (cls === 'ptrace' || op === 'ptrace') return 'ptrace';
  if (cls === 'unix' || (f.family === 'unix' && cls !== 'file')) return 'unix';
  if (cls === 'net' || cls === 'network' || (f.family !== undefined && f.sock_type !== undefined)) return 'net';
  if (cls === 'namespace' || op === 'userns_create') return 'userns';
  // AppArmor 4's classes: a message queue's `open`, `create` or `getattr` is not a file's
  if (cls === 'io_uring' || op === 'uring_sqpoll' || op === 'uring_override') return 'io-uring';
  if (cls === 'posix_mqueue' || cls === 'sysv_mqueue' || op === 'sysv_mqueue') return 'mqueue';
  if (op === 'change_onexec' || op === 'change_profile' || op === 'change_hat') return 'change-profile';
  if (cls === 'mount' || op === 'mount' || op === 'umount' || op === 'pivotroot' || op === 'pivot_root') return 'mount';
  if (cls === 'file' || FILE_OPS.has(op) || (f.name !== undefined && (f.denied_mask ?? f.requested_mask) !== undefined && !cls)) {
    const mask = f.denied_mask ?? f.requested_mask ?? '';
    // a link's mask names the target's permissions the new name must not exceed: an x there is no exec
    return op === 'exec' || (op !== 'link' && ownerHalfExecutes(mask)) ? 'exec' : 'file';
  }
  return 'other';
}

/** Whether the mask before any `::` (to the end of its line) holds an `x`. */
function ownerHalfExecutes(mask: string): boolean {
  const cut = mask.indexOf('::');
  if (cut < 0) return mask.includes('x');
  // the kernel's masks are one line; anything else is read as the regular expression reads it
  if (/[\n\r\u2028\u2029]/.test(mask)) return /x/.test(mask.replace(/::.*/, ''));
  return mask.lastIndexOf('x', cut) >= 0;
}

/** File mask letters as the kernel reports them, owner/other halves merged (`r::` / `::r`). */
export function maskLetters(mask: string): string {
  let out = '';
  for (let i = 0; i < mask.length; i++) {
    const code = mask.charCodeAt(i);
    // printable ASCII is never white space: the regular expression only for the rest
    if (code === 58 || (code > 32 && code < 127 ? false : /\s/.test(mask[i]))) continue;
    const c = mask[i];
    if (!out.includes(c)) out += c;
  }
  return out;
}

/** `..` or `.` as a path component: the kernel reports resolved paths, so a name holding one was not resolved by it. */
export function dotComponent(path: string): boolean {
  // either component starts the path or follows a slash
  if (path.charCodeAt(0) !== 46 && !path.includes('/.')) return false;
  return /(?:^|\/)\.\.?(?:\/|$)/.test(path);
}

export { basenameOf };

const DAEMON_RE = /^([a-z][a-z0-9-]{2,})d$/;
/** Stems that name no service but a part of every file tree (`bind` is no daemon of `bin`). */
const PATH_WORDS = new Set([
  'bin',
  'lib',
  'sbin',
  'share',
  'local',
  'system',
  'etc',
  'run',
  'var',
  'usr',
  'opt',
  'srv',
  'tmp',
  'home',
  'root',
  'dev',
  'proc',
  'sys',
  'boot',
  'mnt',
  'media',
  'log',
  'cache',
  'spool',
  'www',
  'data',
  'conf',
  'config',
  'user',
]);

/** The profile's own short names: `/usr/sbin/nginx` -> nginx; `thumbnail-renderer//helper` -> both parts. */
export function profileWords(profile: string, info?: ProfileInfo): string[] {
  const out = new Set<string>();
  for (const part of profile.split('//')) {
    if (part.startsWith('null-')) continue;
    const b = basenameOf(part).replace(/[0-9.]+$/, '');
    if (b.length >= 3) out.add(b);
    // a daemon is named for its service with a `d` after it, and keeps its files under the
    // service's name: mysqld in /etc/mysql, sshd in /etc/ssh, cupsd in /var/spool/cups
    const stem = DAEMON_RE.exec(b)?.[1];
    if (stem !== undefined && !PATH_WORDS.has(stem)) out.add(stem);
  }
  if (info?.attachment && !/[*?[{]/.test(info.attachment)) out.add(basenameOf(info.attachment));
  return [...out];
}

interface PerProfile {
  /** The profile's name as a string of its own: the record's is often a slice of its whole log
   * line, which anything keeping the name would keep alive with it. */
  name: string;
  info?: ProfileInfo;
  role?: Role;
  managedBy?: ManagedBy;
  /** profileWords(profile, info) */
  words: string[];
  /** The last part of the profile's top name (`nginx` of `/usr/sbin/nginx//helper`). */
  base: string;
  /** The program, when the command name cannot change it (commDecides). */
  program?: Program;
  /** The subject last written, with the command name and pid text it was written for: a flood
   * repeats them, and the cache asks with one placeholder for every pid. */
  subjectComm?: string;
  subjectPid?: string;
  subject?: string;
}

/** How reasons name the actor: the role, the profile, then the command name (unless the profile
 * names it) and the pid. */
function subjectOf(pf: PerProfile, comm: string | undefined, pid: string | undefined): string {
  // the command name and the pid, comma-separated (no list: a subject is written per denial examined)
  let who = comm && comm !== pf.base && !pf.name.includes(comm) ? comm : '';
  if (pid) who = who ? `${who}, pid ${pid}` : `pid ${pid}`;
  const role = pf.role;
  return `${role && role !== 'login or scheduler' ? `${role} ` : ''}${pf.name}${who ? ` (${who})` : ''}`;
}

/** What depends on the profile alone, computed once per profile and index. */
const perProfile = new WeakMap<object, Map<string, PerProfile>>();
const NO_INDEX = {};
function profileFacts(profile: string, index: ProfileIndex | undefined): PerProfile {
  let byName = perProfile.get(index ?? NO_INDEX);
  if (!byName || byName.size > 4096) perProfile.set(index ?? NO_INDEX, (byName = new Map()));
  let p = byName.get(profile);
  if (!p) {
    const info = index?.lookup(profile);
    p = {
      name: ownCopy(profile),
      info,
      role: roleOf([profile, info?.attachment, info?.parent]),
      managedBy: info?.managedBy ?? generatedOwner(profile),
      words: profileWords(profile, info),
      base: basenameOf(profile.split('//')[0]),
      program: commDecides(profile, info?.attachment) ? undefined : programOf(profile, info?.attachment),
    };
    byName.set(profile, p);
  }
  return p;
}

/** A copy of a string that shares no storage with the text it was cut from. */
function ownCopy(s: string): string {
  return s.length < 13 ? s : s.split('').join('');
}

/** `pidText` stands in for the pid in the subject and texts (the classifier's cache fills it in per record). */
export function gatherFacts(r: AppArmorRecord, index: ProfileIndex | undefined, pidText?: string): DenialFacts {
  const f = r.fields;
  const pf = profileFacts(recordProfile(r) ?? 'unconfined', index);
  const profile = pf.name;
  const info = pf.info;
  const access = accessClass(f);
  const op = f.operation ?? '';
  const rawMask = recordMask(r) ?? '';
  const mask = access === 'file' || access === 'exec' ? maskLetters(rawMask) : rawMask;
  const role = pf.role;
  const pid = f.pid === undefined ? undefined : (pidText ?? f.pid);
  const comm = f.comm;
  let subject = pf.subject;
  if (subject === undefined || pf.subjectComm !== comm || pf.subjectPid !== pid) {
    subject = subjectOf(pf, comm, pid);
    pf.subjectComm = comm;
    pf.subjectPid = pid;
    pf.subject = subject;
  }
  return {
    r,
    happened: r.kind === 'ALLOWED',
    profile,
    info,
    missingInfo: index === undefined ? 'no-index' : info === undefined ? 'not-declared' : undefined,
    managedBy: pf.managedBy,
    role,
    program: pf.program ?? programOf(profile, info?.attachment, comm),
    access,
    op,
    path: f.name ?? f.path,
    mask,
    pid,
    words: pf.words,
    subject,
  };
}

/** "tried to read" for a denial, "read" for an access complain mode let through. */
export function verb(facts: DenialFacts, tried: string, did: string): string {
  return facts.happened ? did : tried;
}
