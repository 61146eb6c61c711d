/**
 * Rules that will match next time: the parts of a logged path that change from run to run (a
 * terminal's number, a pid, a thread id, a uid, a cgroup session, a UUID, a container's hash, a
 * temporary copy's random letters) become
 * the glob or variable profile authors write for them; and the rule forms for accesses that are not
 * files (mounts, profile changes, user namespaces, disconnected paths).
 *
 * A path is generalised only where every literal part is plain (letters, digits, `._-+:` and `/`),
 * so nothing from the log can widen the rule: anything else is left to the literal rule path.
 */
import type { DenialFacts } from './facts.js';
import { tempCopyOf } from './knowledge.js';

// The expressions tried on every denial examined, made once: a regular expression written inside a
// function is a new object each time the function runs.
const UUID_IN_RE = /^(.*?)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(.*)$/i;
const CGROUP_ROOT_RE = /^\/sys\/fs\/cgroup\//;
const CGROUP_UNIT_RE = /^([a-z][\w-]*?[-@])[a-z]?([0-9]+)(\.(?:scope|slice|service))$/i;
const COUNTER_ROOT_RE = /^\/(?:dev\/shm|run\/shm|run|var\/run|tmp|var\/tmp)\//;
const COUNTER_NAME_RE = /^([\w.+-]*?[.-])?([0-9]+)(\.[a-z]+)?$/i;
const DIGITS_RE = /^[0-9]+$/;
const TTY_RE = /^tty[0-9]+$/;
const SNAP_DIR_RE = /^\/snap\/[^/]+$/;
const HOME_SNAP_DIR_RE = /^\/(?:@\{HOME\}|root)\/snap\/[^/]+$/;
const VARIABLE_ROOT_RE = /^\/@\{(PROC|HOME)\}/;
const FLAG_SEPARATOR_RE = /[\s,]+/;
const FLAG_WORD_RE = /^[a-z_]+$/;
const TRAILING_SLASH_RE = /\/$/;
const FSTYPE_RE = /^[\w.-]+$/;
/** A mount source written as it is: a device or directory, a file system's word, a server's `host:/export`. */
const MOUNT_SOURCE_RE = /^[\w.:/+-]+$/;
const REMOUNT_RE = /\bremount\b/;
const PROFILE_NAME_RE = /^[\w./:-]+$/;

const PLAIN = /^[\w.+:@-]*$/;
/** `@` is literal in a rule path only escaped (`@{` starts a variable). */
const lit = (c: string) => c.replace(/@/g, '\\@');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_ID = /^(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{16,}$/i;

/** One path component with its run-to-run parts globbed, or undefined when it has none. */
function genericComponent(c: string, under: string, last: boolean): string | undefined {
  // a UUID is 36 characters, a hex id at least 16: shorter components are never tried on them
  if (c.length >= 16) {
    if (UUID.test(c)) return '[0-9a-f]*-[0-9a-f]*-[0-9a-f]*-[0-9a-f]*-[0-9a-f]*';
    if (HEX_ID.test(c)) return '[0-9a-f]*';
    const uuidIn = UUID_IN_RE.exec(c);
    if (uuidIn && uuidIn[1].length + uuidIn[2].length >= 3) return `${uuidIn[1]}[0-9a-f]*-[0-9a-f]*-[0-9a-f]*-[0-9a-f]*-[0-9a-f]*${uuidIn[2]}`;
  }
  // cgroup and systemd names: session-3.scope, user-1000.slice, run-r1234.scope, app-gnome-x-4567.scope
  if (CGROUP_ROOT_RE.test(under)) {
    const m = CGROUP_UNIT_RE.exec(c);
    if (m) return `${lit(m[1])}[0-9]*${m[3]}`;
  }
  // a temporary copy's random letters: .#locale.conffbda0356a1df5f8b, .positions.yaml527638532
  if (last) {
    const t = tempCopyOf(c);
    if (t !== undefined) return t.glob;
  }
  // a pid or counter at the end of a shared-memory, lock or session file name: mono.20414, lttng-ust-wait-5, 27.ref
  if (last && COUNTER_ROOT_RE.test(under)) {
    const m = COUNTER_NAME_RE.exec(c);
    if (m && (m[1] ?? '').length + (m[3] ?? '').length >= 3) return `${m[1] ?? ''}[0-9]*${m[3] ?? ''}`;
  }
  return undefined;
}

/**
 * The path as a rule that matches it next time, with `owner` when it is the process's own /proc
 * entry; undefined when nothing in it changes from run to run (the caller writes it literally).
 */
export function generalisedPath(path: string, f: DenialFacts): { path: string; owner: boolean } | undefined {
  const pid = f.r.fields.pid;
  const parts = path.split('/');
  if (parts[0] !== '') return undefined;
  // (a temporary copy's `#` only as its last part: the rule is then quoted, `#` starting a comment)
  for (let i = 1; i < parts.length; i++) if (!PLAIN.test(parts[i]) && !(i === parts.length - 1 && tempCopyOf(parts[i]) !== undefined)) return undefined;
  let changed = false;
  let owner = false;
  // the rule so far: the parts written, each after a slash (grown as they are written: joining
  // them again for every component made most of what a first sighting allocated). Until a part
  // changes it is only the path's parts so far (`written` of them): it is written out when a test
  // needs it or a part changes, and most paths change nowhere
  let under = '';
  let written = 1;
  const upTo = (i: number): string => {
    for (; written < i; written++) under += `/${parts[written].includes('@') ? lit(parts[written]) : parts[written]}`;
    return under;
  };
  // a user's home: @{HOME}, as profiles write it (the user name is the host's, not the program's)
  // only with `owner` (the file is the process's user's): @{HOME} alone would reach every user's files
  const ownFile = f.r.fields.fsuid !== undefined && f.r.fields.fsuid === f.r.fields.ouid;
  for (let i = 1; i < parts.length; i++) {
    const c = parts[i];
    const prev = parts[i - 1];
    if (i === 1 && c === 'proc' && DIGITS_RE.test(parts[2] ?? '')) {
      const own = parts[2] === pid;
      under += own ? '/@{PROC}/@{pid}' : '/@{PROC}/@{pids}';
      owner = own;
      changed = true;
      i++;
      written = i + 1;
      continue;
    }
    if (i === 1 && c === 'home' && parts.length > 3 && parts[2] !== '' && ownFile) {
      under += '/@{HOME}';
      owner = true;
      changed = true;
      i++;
      written = i + 1;
      continue;
    }
    let g: string | undefined;
    const digits = DIGITS_RE.test(c);
    if (prev === 'task' && digits && upTo(i).startsWith('/@{PROC}')) g = '@{tid}';
    else if (digits && upTo(i) === '/dev/pts') g = '[0-9]*';
    else if (prev === 'dev' && TTY_RE.test(c) && upTo(i) === '/dev') g = 'tty[0-9]*';
    // a snap's revision directory changes with every refresh
    else if (digits && (SNAP_DIR_RE.test(upTo(i)) || HOME_SNAP_DIR_RE.test(under))) g = '[0-9]*';
    else if (digits && upTo(i) === '/run/user') g = '@{uid}';
    else g = genericComponent(c, path, i === parts.length - 1);
    if (g !== undefined) {
      under = `${upTo(i)}/${g}`;
      written = i + 1;
      changed = true;
    }
  }
  if (!changed) return undefined;
  upTo(parts.length);
  const rule = under.replace(VARIABLE_ROOT_RE, '@{$1}');
  return { path: rule.includes('#') ? `"${rule}"` : rule, owner };
}

/** The flags words of a mount record, as a rule's `options=(...)`. */
function mountOptions(flags: string | undefined): string | undefined {
  const words = (flags ?? '').split(FLAG_SEPARATOR_RE).filter(Boolean);
  if (!words.length || words.some((w) => !FLAG_WORD_RE.test(w))) return undefined;
  return `options=(${words.join(', ')})`;
}

const SAFE_POINT = /^\/[\w./+:-]*$/;

/** A mount, remount, umount or pivot_root rule for exactly this mount point (ids globbed). */
export function mountRule(f: DenialFacts): string | undefined {
  const fl = f.r.fields;
  const name = f.path ?? '';
  if (!SAFE_POINT.test(name)) return undefined;
  const point = generalisedPath(name.replace(TRAILING_SLASH_RE, ''), f)?.path ?? name.replace(TRAILING_SLASH_RE, '');
  const dir = name.endsWith('/') ? `${point}/` : point;
  if (f.op === 'umount') return `umount ${dir},`;
  if (f.op === 'pivotroot' || f.op === 'pivot_root') {
    // the old root's place (srcname) is a condition of the rule: left out, any would do
    const old = fl.srcname;
    if (old === undefined) return `pivot_root ${dir},`;
    return SAFE_POINT.test(old) ? `pivot_root oldroot=${old} ${dir},` : undefined;
  }
  const opts = mountOptions(fl.flags);
  // a condition the record names and the rule cannot write is no rule: left out, it would allow any
  if (fl.flags?.trim() && !opts) return undefined;
  if ((fl.fstype && !FSTYPE_RE.test(fl.fstype)) || (fl.srcname && !MOUNT_SOURCE_RE.test(fl.srcname))) return undefined;
  const fstype = fl.fstype ? ` fstype=${fl.fstype}` : '';
  const src = fl.srcname ? ` ${fl.srcname}` : '';
  if (REMOUNT_RE.test(fl.flags ?? '')) {
    const rest = (fl.flags ?? '').split(FLAG_SEPARATOR_RE).filter((w) => w && w !== 'remount');
    return `remount${rest.length ? ` options=(${rest.join(', ')})` : ''} ${dir},`;
  }
  return `mount${fstype}${opts ? ` ${opts}` : ''}${src} -> ${dir},`;
}

/** `change_profile -> TARGET,` for a profile change the profile did not allow. */
export function changeProfileRule(f: DenialFacts): string | undefined {
  const target = f.r.fields.target ?? f.r.fields.name;
  if (!target || !PROFILE_NAME_RE.test(target)) return undefined;
  return `change_profile -> ${target},`;
}
