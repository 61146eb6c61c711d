/**
 * What to do about a denial. For a missing rule: the rule in profile syntax with the minimal mask
 * (a glob where the neighbouring rules show one, an abstraction where one covers it) and the file it
 * belongs in. For a likely attack: what to do instead of loosening the profile.
 *
 * Every value here comes from a log line: a path with glob or variable characters is escaped so
 * the suggested rule allows exactly that path and nothing wider; one with control characters or
 * quotes gets no rule at all.
 */
import { dbusMember, recordCapability, recordMask, type Suggestion } from '../model/record.js';
import { hasGlob } from '../profiles/glob.js';
import { managedAdvice } from '../profiles/managed.js';
import type { FileRule, ProfileIndex, ProfileInfo } from '../profiles/types.js';
import { basenameOf, dotComponent, type DenialFacts } from './facts.js';
import { denyLogs, type Findings } from './signals.js';
import { isCapabilityName, lookupFailure, revokedDescriptor } from './knowledge.js';
import { changeProfileRule, generalisedPath, mountRule } from './rule-shapes.js';
import { usernsRestricted } from './programs.js';
import { ioUringPerms, ioUringTarget } from './newer-classes.js';

// The expressions tried on every denial examined, made once: a regular expression written inside a
// function is a new object each time the function runs.
const PATH_QUOTE_RE = /[\s,#]/;
const WORD_QUOTE_RE = /[\s,#()=]/;
const OWNER_ROOT_RE = /^\/(?:home|tmp|var\/tmp|run\/user)\//;
const RECEIVE_RE = /receive/;
const WORD_SEPARATOR_RE = /[\s,]+/;
const PTRACE_PERM_RE = /^(?:read|trace|readby|tracedby)$/;
const UNIX_PERM_RE = /^[a-z_]+$/;
const UNIX_ADDR_RE = /^@?[\w./:-]+$/;
const HEX_ADDR_RE = /^@?[0-9A-F]{16,}$/;
const LOCAL_OP_RE = /^(?:bind|listen|accept|create)$/;
const AUTOBIND_RE = /^@[0-9a-f]{5}$/;
const DBUS_PERM_RE = /^(?:send|receive|bind|eavesdrop)$/;
const NOT_LOADED_RE = /label not found|profile not found/;
const EXE_PATH_RE = /^\/[\w./+-]+$/;
const DOT_COMPONENT_RE = /\/\.\.?(?:\/|$)/;
const FILE_WORD_RE = /^[\w+-][\w.+-]*$/;

/** Characters AppArmor reads as a pattern (globs, alternations, variables) wherever it matches a value. */
const PATTERN_CHARS_RE = /[*?[\]{}^@]/g;
/**
 * Never written into a rule: a control character (a rule is one line), a quote, a backslash, a line
 * or paragraph separator, an invisible or direction-changing character (the rule would not read as
 * what it allows).
 */
const UNWRITABLE_RE = /[\u0000-\u001f\u007f-\u009f"\\\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/;

/**
 * A value from a log written so that a rule matches exactly it: pattern characters escaped, quoted
 * when it holds a space or a comma; undefined when that cannot be done (escapes inside quotes are
 * not read the same way by every parser version, so a value needing both gets nothing).
 */
function literal(v: string, quoteRe: RegExp): string | undefined {
  if (v === '' || UNWRITABLE_RE.test(v)) return undefined;
  const needsQuotes = quoteRe.test(v);
  PATTERN_CHARS_RE.lastIndex = 0;
  const globby = PATTERN_CHARS_RE.test(v);
  if (needsQuotes && globby) return undefined;
  if (needsQuotes) return `"${v}"`;
  return globby ? v.replace(PATTERN_CHARS_RE, (c) => `\\${c}`) : v;
}

/** A network domain or socket type as a rule writes it: a keyword. */
const NETWORK_WORD_RE = /^[a-z][a-z0-9_]*$/;

/** Quotes and escapes a path from a log so it reads as exactly that path in a rule, or undefined. */
export function rulePath(path: string): string | undefined {
  if (!path.startsWith('/') || dotComponent(path)) return undefined;
  return literal(path, PATH_QUOTE_RE);
}

/** A value for a rule condition (peer label, signal, interface, member, ...), escaped to match only itself, or undefined. */
function ruleWord(v: string | undefined): string | undefined {
  return v === undefined ? undefined : literal(v, WORD_QUOTE_RE);
}

/** Profile mask letters for the kernel's: create and delete need `w`; exec gets a transition. */
export function minimalPerms(mask: string): string {
  // which of m r w a l k, as bits: a mask is a few letters, and this runs for most denials
  let has = 0;
  for (let i = 0; i < mask.length; i++) has |= PERM_BIT[mask.charCodeAt(i)] ?? 0;
  if (has & 4) has &= ~8;
  let out = '';
  for (let b = 0; b < 6; b++) if (has & (1 << b)) out += 'mrwalk'[b];
  return out;
}

/** Mask letters by character code: the bit of the profile letter each stands for (c, d, t: w). */
const PERM_BIT = new Uint8Array(128);
for (const [k, bit] of [
  ['m', 1],
  ['r', 2],
  ['w', 4],
  ['c', 4],
  ['d', 4],
  ['t', 4],
  ['a', 8],
  ['l', 16],
  ['k', 32],
] as const)
  PERM_BIT[k.charCodeAt(0)] = bit;

/** A glob from a neighbouring rule in the same directory that, widened by a trailing `*`, covers the name. */
function neighbourGlob(path: string, neighbours: FileRule[]): string | undefined {
  const dir = path.slice(0, path.lastIndexOf('/') + 1);
  const name = basenameOf(path);
  for (const r of neighbours) {
    for (const e of r.glob.expanded) {
      const edir = e.slice(0, e.lastIndexOf('/') + 1);
      const ebase = e.slice(e.lastIndexOf('/') + 1);
      if (edir !== dir || !hasGlob(ebase) || ebase.includes('**')) continue;
      if (r.glob.re.test(path)) continue; // it already matches: only the mask is missing, keep the path literal
      const widened = `${ebase}*`;
      const re = new RegExp(
        `^${widened
          .replace(/[.+^${}()|\\]/g, '\\$&')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]')}$`,
      );
      if (re.test(name)) {
        // keep the directory as the profile wrote it (variables included)
        const src = r.glob.source;
        return `${src}*`;
      }
    }
  }
  return undefined;
}

function own(path: string, f: DenialFacts): boolean {
  if (ownerHalfOnly(recordMask(f.r))) return true;
  return f.r.fields.fsuid !== undefined && f.r.fields.fsuid === f.r.fields.ouid && f.r.fields.fsuid !== '0' && OWNER_ROOT_RE.test(path);
}

/** An older kernel's mask split into the owner's and the others' halves (`r::`): the owner's alone was asked. */
function ownerHalfOnly(mask: string | undefined): boolean {
  const cut = mask?.indexOf('::') ?? -1;
  return cut > 0 && mask!.slice(cut + 2).trim() === '';
}

/** Where a profile's rules go, once per profile file: the text is shared by every suggestion that
 * says no more than it (the classifier keeps each one-off denial's suggestion for a while). */
const whereByProfile = new WeakMap<ProfileInfo, { file?: string; text: string }>();

function where(f: DenialFacts, generated: string | undefined): { file?: string; text: string } {
  if (generated) return { text: generated };
  const info = f.info;
  if (!info) return { text: `add it to the file that declares ${f.profile}` };
  if (info.parent) return { file: info.file, text: `add it inside \`profile ${f.profile.split('//').pop()} { ... }\` in ${info.file}` };
  let w = whereByProfile.get(info);
  if (w === undefined) {
    w = info.localInclude
      ? { file: info.localInclude, text: `add it to ${info.localInclude} (the profile's local include), then reload ${info.file}` }
      : { file: info.file, text: `add it to ${info.file}, then reload it` };
    whereByProfile.set(info, w);
  }
  return w;
}

function fileRule(f: DenialFacts, find: Findings, index: ProfileIndex | undefined): { rules: string[]; note?: string } | undefined {
  const path = f.path ?? '';
  // a traversal is not a file to allow: the kernel never reports one
  if (dotComponent(path)) return undefined;
  if (find.abstraction) return { rules: [`include <${find.abstraction}>`], note: `<${find.abstraction}> covers ${path}` };
  const lookup = lookupFailure(f.r.fields.info);
  if (lookup?.flag === 'attach_disconnected' && revokedDescriptor(path))
    return {
      rules: [`flags=(${lookup.flag})`],
      note: `nothing needs allowing for the program to work: it lost a descriptor it was given and runs without it; to quiet these records, \`profile ${f.profile.split('//').pop()} flags=(${lookup.flag}) {\`, keeping any flags it has, names the file /apparmor/.null, which \`/apparmor/.null rw,\` then allows`,
    };
  if (lookup && (lookup.flag === 'attach_disconnected' || f.access !== 'exec'))
    return {
      rules: [`flags=(${lookup.flag})`],
      note: `a ${lookup.what} is fixed on the profile line, not by a path rule: \`profile ${f.profile.split('//').pop()} flags=(${lookup.flag}) {\`, keeping any flags it has`,
    };
  // the parts that change from run to run (pid, terminal, ids) become the variable or glob for them
  const general = generalisedPath(path, f);
  let target: string | undefined = general?.path;
  const glob = neighbourGlob(path, find.neighbours);
  let note: string | undefined;
  if (!target && glob) {
    target = glob;
    note = `the glob follows the neighbouring rule ${glob.slice(0, -1)}`;
  }
  target ??= rulePath(path);
  if (!target) return undefined;
  if (f.access === 'exec') {
    const cx = f.info?.fileProfiles.find((n) => n.startsWith(`${f.profile}//`) && index?.lookup(n)?.attachmentGlob?.re.test(path));
    if (cx) return { rules: [`${target} Cx -> ${cx.split('//').pop()},`] };
    const px = index?.byAttachment(path)[0];
    if (px) return { rules: [`${target} Px,`], note: `${px.name} confines ${path}` };
    return { rules: [`${target} ix,`], note: 'ix runs it under the same profile; use Px if it has a profile of its own' };
  }
  const perms = minimalPerms(f.mask);
  if (!perms) return undefined;
  if (find.movedFrom) note = `the profile allows the same file at ${find.movedFrom.glob.source}`;
  return { rules: [`${own(path, f) || general?.owner ? 'owner ' : ''}${target} ${perms},`], note };
}

const UNIX_OP_PERMS: Record<string, string> = {
  connect: 'connect',
  sendmsg: 'send',
  recvmsg: 'receive',
  create: 'create',
  bind: 'bind',
  listen: 'listen',
  accept: 'accept',
  getattr: 'getattr',
  setattr: 'setattr',
  getsockopt: 'getopt',
  setsockopt: 'setopt',
  getopt: 'getopt',
  setopt: 'setopt',
  shutdown: 'shutdown',
};

/** A D-Bus rule for binding a name (with the bus and the name) or eavesdropping (with the bus alone); undefined when a value cannot be written. */
function serviceRule(perm: string, fl: Record<string, string>): string | undefined {
  const parts = [`dbus ${perm}`];
  const bus = fl.bus === undefined ? undefined : ruleWord(fl.bus);
  if (fl.bus !== undefined && !bus) return undefined;
  if (bus) parts.push(`bus=${bus}`);
  if (perm === 'bind' && fl.name !== undefined && !fl.name.startsWith(':')) {
    const name = ruleWord(fl.name);
    if (!name) return undefined;
    parts.push(`name=${name}`);
  }
  return `${parts.join(' ')},`;
}

/**
 * The rule for a non-file denial, with every condition the record names. A condition left out
 * would allow more than was denied (`network inet,` is every socket type, a signal rule without a
 * peer reaches every process): when one is missing or cannot be written, no rule.
 */
function otherRule(f: DenialFacts): string | undefined {
  const fl = f.r.fields;
  switch (f.access) {
    case 'net': {
      // a network rule's domain and type are keywords, never quoted: the kernel writes their names,
      // or unknown(N) for one it has no name for, which no rule can name
      const fam = fl.family;
      const type = fl.sock_type;
      return fam !== undefined && type !== undefined && NETWORK_WORD_RE.test(fam) && NETWORK_WORD_RE.test(type) ? `network ${fam} ${type},` : undefined;
    }
    case 'cap': {
      // a capability's name is a keyword: one the kernel does not have is no rule
      const cap = recordCapability(f.r);
      return cap !== undefined && isCapabilityName(cap) ? `capability ${cap},` : undefined;
    }
    case 'signal': {
      const perm = RECEIVE_RE.test(f.mask) ? 'receive' : 'send';
      const sig = ruleWord(fl.signal);
      const peer = ruleWord(fl.peer ?? fl.peer_label);
      return sig && peer ? `signal (${perm}) set=(${sig}) peer=${peer},` : undefined;
    }
    case 'ptrace': {
      const perm = f.mask.split(WORD_SEPARATOR_RE).filter((w) => PTRACE_PERM_RE.test(w));
      const peer = ruleWord(fl.peer ?? fl.peer_label);
      return perm.length && peer ? `ptrace (${perm.join(', ')}) peer=${peer},` : undefined;
    }
    case 'unix': {
      const masked = f.mask.split(WORD_SEPARATOR_RE).filter((w) => UNIX_PERM_RE.test(w));
      // no mask: the operation names the permission (sendmsg -> send); one it does not name gets no rule
      // (an own property only: an operation named like one of Object's is no key to it)
      const perms = masked.length ? masked : Object.hasOwn(UNIX_OP_PERMS, f.op) ? [UNIX_OP_PERMS[f.op]] : [];
      if (!perms.length) return undefined;
      const type = ruleWord(fl.sock_type);
      if (!type) return undefined;
      let addr = '';
      if (fl.peer_addr !== undefined) {
        // a record that names both ends (AppArmor 4's): addr is the socket's own, peer_addr the other's
        const own = unixAddr(fl.addr);
        const peer = unixAddr(fl.peer_addr);
        if (own === null || peer === null) return undefined;
        addr = `${own ? ` addr=${own}` : ''}${peer ? ` peer=(addr=${peer})` : ''}`;
      } else if (fl.addr !== undefined && fl.addr !== 'none') {
        const one = unixAddr(fl.addr);
        if (!one) return undefined;
        // one address only: bind, listen and accept name the socket's own; the others the peer's
        addr = LOCAL_OP_RE.test(f.op) ? ` addr=${one}` : ` peer=(addr=${one})`;
      }
      return `unix (${perms.join(', ')}) type=${type}${addr},`;
    }
    case 'dbus': {
      const perms = (fl.mask ?? '').split(WORD_SEPARATOR_RE).filter((w) => DBUS_PERM_RE.test(w));
      if (!perms.length) return undefined;
      // binding a name and eavesdropping are rules of their own forms: `dbus bind bus=B name=N,`
      // and `dbus eavesdrop bus=B,`; neither takes a message's conditions, nor shares a rule
      if (perms.includes('bind') || perms.includes('eavesdrop')) return perms.length === 1 ? serviceRule(perms[0], fl) : undefined;
      const parts = [`dbus ${perms.length === 1 ? perms[0] : `(${perms.join(', ')})`}`];
      for (const k of ['bus', 'path', 'interface', 'member'] as const) {
        const value = k === 'member' ? dbusMember(fl) : fl[k];
        if (value === undefined) continue;
        const v = ruleWord(value);
        if (!v) return undefined;
        parts.push(`${k}=${v}`);
      }
      const peer: string[] = [];
      for (const [k, v] of [
        ['name', fl.name],
        // older bus daemons write the peer's label as peer_profile
        ['label', fl.peer_label ?? fl.peer_profile],
      ] as const) {
        // a unique connection name (`:1.42`) changes with every connection: never in a rule
        if (v === undefined || (k === 'name' && v.startsWith(':'))) continue;
        const w = ruleWord(v);
        if (!w) return undefined;
        peer.push(`${k}=${w}`);
      }
      if (peer.length) parts.push(`peer=(${peer.join(', ')})`);
      return `${parts.join(' ')},`;
    }
    case 'mount':
      return mountRule(f);
    case 'change-profile':
      return changeProfileRule(f);
    case 'userns':
      return 'userns,';
    case 'io-uring': {
      const perms = ioUringPerms(f);
      if (!perms.length) return undefined;
      // override_creds is allowed towards a label: without the record's, the rule would allow any
      let label = '';
      if (perms.includes('override_creds')) {
        const target = ruleWord(ioUringTarget(f));
        if (!target) return undefined;
        label = ` label=${target}`;
      }
      return `io_uring ${perms.length > 1 ? `(${perms.join(', ')})` : perms[0]}${label},`;
    }
    case 'mqueue':
      return mqueueRule(f);
    default:
      return undefined;
  }
}

/**
 * An abstract unix address (`@name`) or a path as a rule writes it: '' for none, null when it
 * cannot be written (pattern characters, or the kernel's hex for a name holding a NUL). An address
 * the kernel chose itself (autobind: `@` and five hex digits) is new each time: its glob.
 */
function unixAddr(a: string | undefined): string | null {
  if (a === undefined || a === 'none') return '';
  if (AUTOBIND_RE.test(a)) return '"@[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]"';
  if (!UNIX_ADDR_RE.test(a) || HEX_ADDR_RE.test(a)) return null;
  return `"${a}"`;
}

/** The kernel's message-queue permission words a rule can name (`unlink` is logged as `delete`). */
const MQUEUE_PERMS = new Set(['read', 'write', 'create', 'open', 'delete', 'getattr', 'setattr']);
const MQUEUE_POSIX_NAME_RE = /^\/[\w.:+-]+$/;
const MQUEUE_SYSV_KEY_RE = /^[0-9]+$/;

/** `mqueue PERMS type=posix|sysv NAME,` with the queue's own name (a POSIX name or a System V key); undefined without one. */
function mqueueRule(f: DenialFacts): string | undefined {
  const fl = f.r.fields;
  const sysv = fl.class === 'sysv_mqueue' || f.op === 'sysv_mqueue';
  const perms = [...new Set(f.mask.split(WORD_SEPARATOR_RE))].filter((w) => MQUEUE_PERMS.has(w));
  const name = f.path;
  if (!perms.length || name === undefined || !(sysv ? MQUEUE_SYSV_KEY_RE : MQUEUE_POSIX_NAME_RE).test(name)) return undefined;
  return `mqueue ${perms.length > 1 ? `(${perms.join(', ')})` : perms[0]} type=${sysv ? 'sysv' : 'posix'} ${name},`;
}

export function missingRuleSuggestion(f: DenialFacts, find: Findings, index: ProfileIndex | undefined): Suggestion {
  const generated = f.managedBy ? managedAdvice(f.managedBy) : undefined;
  if (find.alreadyAllowed && f.info) {
    return {
      kind: 'none',
      text: `${f.info.file} already allows this (\`${find.alreadyAllowed.text},\`): reload the profile (apparmor_parser -r ${f.info.file}) instead of adding a rule`,
      file: f.info.file,
    };
  }
  if (f.access === 'change-profile' && NOT_LOADED_RE.test(f.r.fields.info ?? '')) {
    const target = f.r.fields.target ?? f.r.fields.name ?? 'the target profile';
    return { kind: 'none', text: `no rule is missing: ${target} is not loaded; load it (apparmor_parser -r with its file) or restart the service or runtime that generates it` };
  }
  const userns = usernsProfileAdvice(f);
  if (userns) return userns;
  const loc = where(f, generated);
  let rules: string[] | undefined;
  let note: string | undefined;
  if (f.access === 'file' || f.access === 'exec') {
    const fr = fileRule(f, find, index);
    rules = fr?.rules;
    note = fr?.note;
  } else {
    const r = otherRule(f);
    rules = r ? [r] : undefined;
  }
  if (!rules) {
    const why = f.access === 'file' || f.access === 'exec' ? 'the log values cannot be written safely as a rule' : 'the record leaves out a condition the rule needs, or has one no rule can name';
    return { kind: 'none', text: `no rule is suggested: ${why}; ${loc.text}` };
  }
  return { kind: 'rule', text: note ? `${loc.text} (${note})` : loc.text, rules, file: loc.file };
}

/**
 * Ubuntu's user-namespace restriction: a program without a profile of its own that creates a user
 * namespace is denied, or moved to `unprivileged_userns` where its sandbox's capabilities are
 * denied. The fix is a profile for the program that allows user namespaces (AppArmor 4), never a
 * rule in unconfined or unprivileged_userns.
 */
function usernsProfileAdvice(f: DenialFacts): Suggestion | undefined {
  const stacked = usernsRestricted(f.profile);
  if (!stacked && !(f.access === 'userns' && f.profile === 'unconfined')) return undefined;
  const fl = f.r.fields;
  const exe = fl.execpath ?? fl.exe;
  const program = exe && EXE_PATH_RE.test(exe) && !DOT_COMPONENT_RE.test(exe) ? exe : undefined;
  // a file name is built from it: a plain word only (no `/`, no leading dot)
  const word = program ? basenameOf(program) : fl.comm;
  const name = word && FILE_WORD_RE.test(word) ? word : 'the-program';
  const generated = f.managedBy ? ` (${managedAdvice(f.managedBy)})` : '';
  // a command name is the executable's name cut at 15 characters: one that long may be cut
  const cut = !program && name === word && word.length === 15 ? " (the command name, which the kernel cuts at 15 characters: use the program's full name)" : '';
  return {
    kind: 'rule',
    rules: ['userns,'],
    text: `${f.profile} is not the program's own profile: give ${name}${cut} a profile that allows user namespaces, e.g. /etc/apparmor.d/${name} with \`profile ${name} ${program ?? '/path/to/' + name} flags=(unconfined) { userns, }\` (AppArmor 4), then load it${generated}`,
  };
}

export function explicitDenySuggestion(f: DenialFacts, find: Findings): Suggestion {
  const d = find.explicitDeny!;
  const file = f.info?.file;
  if (file !== undefined && !denyLogs(f.info, d)) {
    // a quiet deny rule: the policy that logged this did not have it (signals.ts denySignal)
    return {
      kind: 'none',
      text: `adding a rule would not help: \`${d.text},\` in ${d.origin.file}:${d.origin.line} denies it without logging it (deny wins over allow, even in complain mode); the policy that logged it is older than the file (unless the kernel logs quiet denials): reload the profile (apparmor_parser -r ${file}) and it is denied quietly`,
      file,
    };
  }
  return {
    kind: 'none',
    text: `adding a rule would not help: \`${d.text},\` in ${d.origin.file}:${d.origin.line} denies it on purpose (deny wins over allow, even in complain mode); if the service truly needs it, that deny rule is a policy decision for the profile's owner`,
    file,
  };
}

export function respondSuggestion(f: DenialFacts): Suggestion {
  const first = f.happened
    ? `It was ALLOWED: complain mode let it happen, so treat it as done and put ${f.profile} back in enforce mode${f.info ? ` (aa-enforce ${f.info.file})` : ''}.`
    : `Keep ${f.profile} in enforce mode: the profile stopped this.`;
  return {
    kind: 'respond',
    text: `${first} Isolate the host from the network if the signals hold, preserve evidence (this log, ${f.pid ? `/proc/${f.pid} while the process runs, ` : ''}the files it touched) and investigate the service. No rule is suggested and a one-key complain is not offered: complain mode would let exactly this through, and AppArmor gives no protection in complain mode against a hostile process.`,
  };
}
