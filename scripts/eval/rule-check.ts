/**
 * Is a suggested rule one rule line that will match the access next time and is no wider than it?
 * Checked from the rule's text against the record's fields; and, where apparmor_parser is installed
 * (or named by $APPARMOR_PARSER), compiled without loading it (-QK) inside a throw-away profile.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { AppArmorRecord, Suggestion } from '../../src/model/record.js';

export interface RuleVerdict {
  /** One rule line (or one include, or one flag). */
  single: boolean;
  /** Matches the access and grants no more than it asked for. */
  minimal: boolean;
  /** apparmor_parser accepted it; undefined when not checked. */
  parses?: boolean;
  problem?: string;
}

/** The variables rules use, as the tunables define them on Debian and Ubuntu. */
const VARIABLES: Record<string, string> = {
  '@{PROC}': '/proc',
  '@{pid}': '{[1-9],[1-9][0-9]*}',
  '@{pids}': '{[1-9],[1-9][0-9]*}',
  '@{tid}': '{[1-9],[1-9][0-9]*}',
  '@{uid}': '{[0-9],[1-9][0-9]*}',
  '@{sys}': '/sys',
  '@{run}': '/run',
  '@{HOME}': '/home/*',
  '@{HOMEDIRS}': '/home',
};

/** An AppArmor path glob as a regular expression (`*` one component, `**` any, `{a,b}`, `[...]`). */
export function globRegex(glob: string): RegExp | undefined {
  let g = glob;
  for (const [k, v] of Object.entries(VARIABLES)) g = g.split(k).join(v);
  if (g.includes('@{')) return undefined;
  let re = '';
  let depth = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '\\' && i + 1 < g.length) re += `\\${g[++i]}`;
    else if (c === '*') {
      if (g[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      re += '(?:';
      depth++;
    } else if (c === '}' && depth > 0) {
      re += ')';
      depth--;
    } else if (c === ',' && depth > 0) re += '|';
    else if (c === '[') {
      const end = g.indexOf(']', i);
      if (end < 0) return undefined;
      re += `[${g
        .slice(i + 1, end)
        .replace(/^\^/, '^')
        .replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += c.replace(/[.+^$()|\\/]/g, '\\$&');
  }
  try {
    return new RegExp(`^${re}$`);
  } catch {
    return undefined;
  }
}

/** The profile permission letters a kernel mask can need. */
function permsFor(mask: string): Set<string> {
  const out = new Set<string>();
  for (const k of mask.replace(/:/g, '')) {
    if (k === 'r') out.add('r');
    else if (k === 'w' || k === 'c' || k === 'd' || k === 't') out.add('w');
    else if (k === 'a') (out.add('a'), out.add('w'));
    else if (k === 'm') out.add('m');
    else if (k === 'k') out.add('k');
    else if (k === 'l') out.add('l');
    else if (k === 'x') ['i', 'x', 'P', 'C', 'U', 'p', 'c', 'u'].forEach((x) => out.add(x));
  }
  return out;
}

/** A glob component is narrow when what it stands for in the path is an id (digits) or it keeps a literal word. */
function narrowComponents(rawGlob: string, path: string): boolean {
  // a variable the tunables define for exactly this part (a pid, a uid, a home) is as narrow as it gets
  let glob = rawGlob
    .replace(/@\{HOME\}/g, 'home/\u0000')
    .replace(/@\{PROC\}/g, '/proc')
    .replace(/@\{(?:pid|pids|tid|uid)\}/g, '\u0000');
  if (/@\{/.test(glob) || glob.includes('**')) return false;
  if (glob.startsWith('home/')) glob = `/${glob}`;
  const g = glob.split('/');
  const p = path.split('/');
  if (g.length !== p.length) return false;
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '\u0000') continue;
    if (!/[*?[{]/.test(c.replace(/\\./g, ''))) continue;
    const literal = c.replace(/\\./g, 'x').replace(/\{[^}]*\}|\[[^\]]*\]|[*?]/g, '');
    if (!/[0-9]/.test(p[i]) && literal.length < 3) return false;
  }
  return true;
}

const IDIOMATIC_ABSTRACTIONS = new Set([
  'base',
  'fonts',
  'nameservice',
  'ssl_certs',
  'openssl',
  'ssl_keys',
  'consoles',
  'authentication',
  'dbus-session-strict',
  'dbus-strict',
  'X',
  'wayland',
  'gnome',
  'kde',
  'freedesktop.org',
  'user-tmp',
  'bash',
  'python',
  'perl',
  'php',
  'mesa',
  'dri-common',
  'dri-enumerate',
  'nvidia',
  'audio',
  'video',
  'opencl',
]);

/** Splits `a (x, y) b=(c d)` into words, keeping parenthesised groups whole. */
function words(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const c of s) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (/\s/.test(c) && depth === 0) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) out.push(cur);
  return out;
}

const listOf = (v: string | undefined) =>
  (v ?? '')
    .replace(/[()]/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);

/** Checks one rule against the record it was suggested for (without apparmor_parser). */
export function checkRuleText(rule: string, r: AppArmorRecord): { minimal: boolean; problem?: string } {
  const f = r.fields;
  const no = (problem: string) => ({ minimal: false, problem });
  const text = rule.trim();
  const inc = /^include(?: if exists)? <abstractions\/([\w.-]+)>$/.exec(text);
  if (inc) return IDIOMATIC_ABSTRACTIONS.has(inc[1]) ? { minimal: true } : no(`abstraction ${inc[1]} is not an idiomatic fix`);
  if (/^flags=\(.*\)$/.test(text)) return { minimal: true };
  if (!text.endsWith(',')) return no('no trailing comma');
  const body = text.slice(0, -1).trim();
  const w = words(body.replace(/^(?:audit\s+)?(?:owner\s+)?/, ''));
  const kind = w[0];
  switch (kind) {
    case 'capability':
      return w.length === 2 && w[1] === (f.capname ?? f.capability) ? { minimal: true } : no(`capability does not name ${f.capname}`);
    case 'network': {
      if (w[1] !== f.family) return no('network family differs');
      if (w.length > 3 || (w[2] && w[2] !== f.sock_type)) return no('network type differs');
      return { minimal: true };
    }
    case 'signal': {
      const set = /set=\(?([\w,\s]+)\)?/.exec(body)?.[1];
      if (f.signal && (!set || listOf(set).some((s) => s !== f.signal))) return no('signal set wider than the signal');
      const peer = /peer=(\S+)/.exec(body)?.[1];
      if ((f.peer ?? f.peer_label) && !peer) return no('no peer');
      return { minimal: true };
    }
    case 'ptrace': {
      const perms = listOf(/^ptrace\s*\(([^)]*)\)/.exec(body)?.[1]);
      const asked = listOf(f.denied_mask ?? f.requested_mask ?? f.denied ?? f.requested);
      if (perms.some((p) => !asked.includes(p))) return no('ptrace perms wider than asked');
      if ((f.peer ?? f.peer_label) && !/peer=/.test(body)) return no('no peer');
      return { minimal: true };
    }
    case 'unix': {
      const perms = listOf(/^unix\s*\(([^)]*)\)/.exec(body)?.[1]);
      const asked = listOf(f.denied_mask ?? f.requested_mask ?? f.denied ?? f.requested);
      if (!perms.length || perms.some((p) => !asked.includes(p))) return no('unix perms wider than asked');
      // each named end is a condition: its address, or the glob of an address the kernel chose
      const own = /(?:^|\s)addr="?([^"\s)]+)"?/.exec(body.replace(/peer=\([^)]*\)/, ''))?.[1];
      const peer = /peer=\(addr="?([^"\s)]+)"?\)/.exec(body)?.[1];
      const named = (v: string | undefined) => (v === undefined || v === 'none' ? undefined : v);
      const fits = (want: string | undefined, got: string | undefined) => want === undefined || got === want || (got !== undefined && /^@\[0-9a-f\]/.test(got) && /^@[0-9a-f]{5}$/.test(want));
      if (f.peer_addr !== undefined) {
        if (!fits(named(f.addr), own) || !fits(named(f.peer_addr), peer)) return no('unix addresses differ from the record');
      } else if (named(f.addr) && own !== f.addr && peer !== f.addr) return no('unix address left out');
      return { minimal: true };
    }
    case 'io_uring': {
      const perms = listOf(/^io_uring\s+(\([^)]*\)|\w+)/.exec(body)?.[1]);
      const asked = listOf(f.denied ?? f.requested ?? f.denied_mask ?? f.requested_mask);
      if (!perms.length || perms.some((p) => !asked.includes(p))) return no('io_uring perms wider than asked');
      if (perms.includes('override_creds') && !/label=\S/.test(body)) return no('override_creds without a label');
      return { minimal: true };
    }
    case 'mqueue': {
      const perms = listOf(/^mqueue\s+(\([^)]*\)|\w+)/.exec(body)?.[1]);
      const asked = listOf(f.denied ?? f.requested ?? f.denied_mask ?? f.requested_mask);
      if (!perms.length || perms.some((p) => !asked.includes(p))) return no('mqueue perms wider than asked');
      if (!/type=(?:posix|sysv)\b/.test(body)) return no('mqueue without its type');
      if (!f.name || w[w.length - 1] !== f.name) return no('mqueue does not name the queue');
      return { minimal: true };
    }
    case 'dbus': {
      if (/:\d+\.\d+/.test(body)) return no('names a unique connection name');
      for (const k of ['bus', 'path', 'interface', 'member'] as const) if ((k === 'member' ? (f.member ?? f.method) : f[k]) && !body.includes(`${k}=`)) return no(`no ${k}=`);
      return { minimal: true };
    }
    case 'mount':
    case 'remount':
    case 'umount':
    case 'pivot_root': {
      if (kind === 'pivot_root' && f.srcname && !body.includes(`oldroot=${f.srcname}`)) return no('pivot_root without its old root');
      if (kind === 'mount' && f.srcname && !w.includes(f.srcname)) return no('mount without its source');
      if (kind !== 'pivot_root' && kind !== 'umount' && /options=\(/.test(body) === false && f.flags && f.flags.replace(/remount|[\s,]/g, '')) return no('mount without options');
      if (f.name && !body.includes(f.name.replace(/\/$/, ''))) {
        const point = /->\s*(\S+)$/.exec(body)?.[1] ?? w[w.length - 1];
        const re = globRegex(point);
        if (!re || !(re.test(f.name) || re.test(f.name.replace(/\/$/, '')))) return no('mount point does not match');
        if (!narrowComponents(point.replace(/\/$/, ''), f.name.replace(/\/$/, ''))) return no('mount point glob too wide');
      }
      return { minimal: true };
    }
    case 'userns':
      return { minimal: true };
    case 'change_profile':
      return { minimal: true };
    default: {
      // a file rule: PATH PERMS [-> target]
      const m = /^(\S+|"[^"]*")\s+([rwamlkixPCUpcu]+)(?:\s+->\s*\S+)?$/.exec(w.join(' '));
      if (!m) return no(`not a rule form this check knows: ${body}`);
      const path = f.name ?? f.path ?? '';
      const glob = m[1].replace(/^"|"$/g, '');
      const re = globRegex(glob);
      if (!re) return no('path glob not understood');
      if (!re.test(path)) return no(`${glob} does not match ${path}`);
      if (!narrowComponents(glob, path)) return no(`${glob} is wider than ${path}`);
      const need = permsFor(f.denied_mask ?? f.requested_mask ?? '');
      for (const k of m[2]) if (!need.has(k)) return no(`permission ${k} was not asked for`);
      return { minimal: true };
    }
  }
}

/** Rule kinds AppArmor 3's parser cannot read. */
const NEEDS_APPARMOR_4 = /^(?:userns|io_uring|mqueue)\b/;

/** apparmor_parser from $APPARMOR_PARSER or PATH, with the base directory its includes resolve against. */
export function findParser(): { bin: string; base: string } | undefined {
  const candidates = [process.env.APPARMOR_PARSER, ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'apparmor_parser')), '/sbin/apparmor_parser', '/usr/sbin/apparmor_parser'];
  const bin = candidates.find((c) => c && existsSync(c));
  if (!bin) return undefined;
  const base = process.env.APPARMOR_BASE ?? '/etc/apparmor.d';
  if (!existsSync(join(base, 'tunables', 'global'))) return undefined;
  return { bin, base };
}

export class ParserCheck {
  private readonly dir = mkdtempSync(join(tmpdir(), 'aa-eval-rule-'));
  private readonly seen = new Map<string, boolean>();
  readonly major: number;
  constructor(readonly parser: { bin: string; base: string }) {
    const v = spawnSync(parser.bin, ['--version'], { encoding: 'utf8' });
    this.major = Number(/version (\d+)\./.exec(v.stdout ?? '')?.[1] ?? 0);
  }
  /** Compiles the rule inside a profile (or, for a flag, on the profile line) without loading it. */
  /** undefined: the rule needs a newer parser than the one installed (userns, io_uring and mqueue rules need AppArmor 4). */
  parses(rule: string): boolean | undefined {
    if (NEEDS_APPARMOR_4.test(rule) && this.major < 4) return undefined;
    const hit = this.seen.get(rule);
    if (hit !== undefined) return hit;
    const flag = /^flags=\((.*)\)$/.exec(rule);
    const text = `include <tunables/global>\nprofile aa-triage-eval${flag ? ` flags=(${flag[1]})` : ''} {\n  ${flag ? '' : rule}\n}\n`;
    const file = join(this.dir, 'profile');
    writeFileSync(file, text);
    const r = spawnSync(this.parser.bin, ['-QK', '--base', this.parser.base, file], { encoding: 'utf8', timeout: 20000 });
    const ok = r.status === 0;
    this.seen.set(rule, ok);
    return ok;
  }
  /** Compiles many rules at once (one profile each, one parser run); per rule only when that fails. */
  prime(rules: string[]): void {
    const todo = [...new Set(rules)].filter((r) => !this.seen.has(r) && !(NEEDS_APPARMOR_4.test(r) && this.major < 4));
    if (!todo.length) return;
    const text =
      [
        'include <tunables/global>',
        ...todo.map((r, i) => {
          const flag = /^flags=\((.*)\)$/.exec(r);
          return `profile aa-triage-eval-${i}${flag ? ` flags=(${flag[1]})` : ''} {\n  ${flag ? '' : r}\n}`;
        }),
      ].join('\n') + '\n';
    const file = join(this.dir, 'batch');
    writeFileSync(file, text);
    const r = spawnSync(this.parser.bin, ['-QK', '--base', this.parser.base, file], { encoding: 'utf8', timeout: 60000 });
    if (r.status === 0) for (const rule of todo) this.seen.set(rule, true);
  }
  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The suggestion's rules judged: one line, minimal, and (when a parser is at hand) accepted by it. */
export function checkSuggestion(s: Suggestion | undefined, r: AppArmorRecord, parser?: ParserCheck): RuleVerdict {
  const rules = s?.rules ?? [];
  if (s?.kind !== 'rule' || rules.length === 0) return { single: false, minimal: false, problem: 'no rule suggested' };
  if (rules.length !== 1) return { single: false, minimal: false, problem: `${rules.length} rule lines` };
  const t = checkRuleText(rules[0], r);
  const out: RuleVerdict = { single: true, minimal: t.minimal, problem: t.problem };
  if (parser) {
    out.parses = parser.parses(rules[0]);
    if (out.parses === false) out.problem = `apparmor_parser rejects it${t.problem ? `; ${t.problem}` : ''}`;
  }
  return out;
}
