/**
 * How much a rule allows, compared with what was denied. Pure. The rule an engineer applies can be
 * edited (narrow a glob, add `owner`), and an edit must never make it wider: its path must lie
 * inside the suggested pattern and still match the denied path, its permissions must be among the
 * denied ones, qualifiers may be added but `owner` not dropped. Without a denial (`act allow` from a
 * runbook) only rules that name one object are accepted: no class-wide rules, no `**`, no
 * unconfined exec.
 *
 * Pattern containment is decided on the glob syntax itself (literals, `?`, `*`, `**`, `[...]`,
 * `@{var}`): a sound check that may refuse some narrower patterns it cannot prove, never the reverse.
 */

export type RuleCheck = { ok: true; rule: string } | { ok: false; reason: string };

export interface DeniedAccess {
  /** The denied path (file and exec denials). */
  path?: string;
  /** The permission letters a rule needs for it (the suggestion's minimal mask). */
  perms?: string;
}

/** A file rule as written: `[audit] [owner] PATH PERMS [-> TARGET],`. */
export interface FileRuleText {
  audit: boolean;
  owner: boolean;
  path: string;
  perms: string;
  transition?: string;
}

const FILE_RULE_RE = /^(?:(audit)\s+)?(?:(owner)\s+)?("[^"]*"|\/\S*|@\{[A-Za-z_]+\}\S*)\s+([rwaxmlkiuUpPcC]+)(?:\s+->\s+([^\s,]+))?\s*,$/;
/** Rule words that, alone, allow a whole class of access. */
const CLASS_WIDE = /^(?:audit\s+)?(?:owner\s+)?(?:allow\s+)?(?:capability|network|file|dbus|unix|signal|ptrace|mount|umount|remount|pivot_root|change_profile|mqueue|io_uring|userns|all)\s*,$/;

/** `flags=(...)`: what a profile's own line carries (attach_disconnected, mediate_deleted), never a rule inside it. */
export function isProfileFlag(rule: string): boolean {
  return /^\s*flags\s*=/.test(rule);
}

/** One rule, one line, nothing that opens a block, comments the rest or includes another file. */
export function ruleShapeProblem(rule: string): string | undefined {
  if (!rule.trim()) return 'the rule is empty';
  if (isProfileFlag(rule)) return `${rule.trim()} is a profile flag: it goes on the profile's own line (profile NAME flags=(...) {), which aa-triage does not edit; add it there by hand and reload`;
  if (/[\u0000-\u001f\u007f-\u009f]/.test(rule)) return 'the rule contains control characters (a rule is one line)';
  if (/[{}#]/.test(rule.replace(/@\{[A-Za-z_]+\}/g, ''))) return 'the rule contains {, } or #: one rule only, no block and no comment';
  if (!rule.trim().endsWith(',')) return 'a rule ends with a comma';
  if ((rule.match(/,/g) ?? []).length > 1 && !/\(.*,.*\)/.test(rule)) return 'one rule at a time (more than one comma outside parentheses)';
  if (/^\s*(?:deny|include|#include|abi|alias|profile|hat|\^)\b/.test(rule)) return 'only allow rules are applied (no deny, include, abi, alias or profile)';
  return undefined;
}

export function parseFileRule(rule: string): FileRuleText | undefined {
  const m = FILE_RULE_RE.exec(rule.trim().replace(/\s+/g, ' '));
  if (!m) return undefined;
  return { audit: !!m[1], owner: !!m[2], path: m[3], perms: m[4], transition: m[5] };
}

type Token = { t: 'lit'; c: string } | { t: 'any1' } | { t: 'star' } | { t: 'star2' } | { t: 'class'; s: string } | { t: 'var'; name: string };

/** Variables whose values never hold a slash. */
const SLASHLESS_VARS = new Set(['pid', 'pids', 'tid', 'uid']);

function tokens(pattern: string): Token[] | undefined {
  const p = pattern.startsWith('"') && pattern.endsWith('"') ? pattern.slice(1, -1) : pattern;
  const out: Token[] = [];
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      if (i + 1 >= p.length) return undefined;
      out.push({ t: 'lit', c: p[++i] });
    } else if (c === '*') {
      if (p[i + 1] === '*') {
        while (p[i + 1] === '*') i++;
        out.push({ t: 'star2' });
      } else out.push({ t: 'star' });
    } else if (c === '?') out.push({ t: 'any1' });
    else if (c === '[') {
      const end = p.indexOf(']', i + 1);
      if (end < 0) return undefined;
      out.push({ t: 'class', s: p.slice(i, end + 1) });
      i = end;
    } else if (c === '@' && p[i + 1] === '{') {
      const end = p.indexOf('}', i);
      if (end < 0) return undefined;
      out.push({ t: 'var', name: p.slice(i + 2, end) });
      i = end;
    } else if (c === '{' || c === '}')
      return undefined; // alternations: not decided here
    else out.push({ t: 'lit', c });
  }
  return out;
}

/** Every path `inner` matches, `outer` matches too (decided on the syntax; false when unsure). */
export function patternWithin(inner: string, outer: string): boolean {
  const a = tokens(inner);
  const b = tokens(outer);
  if (!a || !b) return inner === outer;
  const memo = new Map<number, boolean>();
  const noSlash = (x: Token) => (x.t === 'lit' && x.c !== '/') || x.t === 'any1' || x.t === 'class' || x.t === 'star' || (x.t === 'var' && SLASHLESS_VARS.has(x.name));
  const m = (i: number, j: number): boolean => {
    const k = i * (b.length + 1) + j;
    const hit = memo.get(k);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (j === b.length) r = i === a.length;
    else {
      const y = b[j];
      const x = a[i];
      if (y.t === 'star2') r = m(i, j + 1) || (i < a.length && m(i + 1, j));
      else if (y.t === 'star') r = m(i, j + 1) || (i < a.length && noSlash(x) && m(i + 1, j));
      else if (i === a.length) r = false;
      else if (y.t === 'any1') r = ((x.t === 'lit' && x.c !== '/') || x.t === 'any1' || x.t === 'class') && m(i + 1, j + 1);
      else if (y.t === 'lit') r = x.t === 'lit' && x.c === y.c && m(i + 1, j + 1);
      else if (y.t === 'class') r = x.t === 'class' && x.s === y.s && m(i + 1, j + 1);
      else r = x.t === 'var' && x.name === y.name && m(i + 1, j + 1);
    }
    memo.set(k, r);
    return r;
  };
  return m(0, 0);
}

/** Whether a literal path is matched by a pattern (variables: @{pid} stands for digits, @{PROC} for /proc). */
export function patternMatches(pattern: string, path: string): boolean {
  const a = tokens(pattern);
  if (!a) return false;
  let re = '';
  for (const x of a) {
    if (x.t === 'lit') re += x.c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else if (x.t === 'any1') re += '[^/]';
    else if (x.t === 'star') re += '[^/]*';
    else if (x.t === 'star2') re += '.*';
    else if (x.t === 'class') re += x.s.replace(/^\[\^/, '[^/').replace(/^\[/, '[');
    else if (x.name === 'PROC') re += '/proc/?';
    else if (SLASHLESS_VARS.has(x.name)) re += '[0-9]+';
    else return false;
  }
  try {
    return new RegExp(`^${re}$`).test(path.replace(/\/\/+/g, '/')) || new RegExp(`^${re}$`).test(path);
  } catch {
    return false;
  }
}

function permLetters(perms: string): { plain: Set<string>; exec?: string } {
  const exec = /[iuUpPcC]?x/.exec(perms)?.[0];
  const plain = new Set([...perms.replace(/[iuUpPcC]?x/, '')].filter((c) => 'rwamlk'.includes(c)));
  return { plain, exec };
}

/**
 * The edited rule, when it allows no more than the suggested one and still covers the denial.
 * `suggested` is the classifier's rule (itself built from the denied mask).
 */
export function checkEditedRule(edited: string, suggested: string, denied: DeniedAccess = {}): RuleCheck {
  const base = suggested.trim().replace(/\s+/g, ' ');
  if (/^include\b/.test(base)) return { ok: false, reason: `the suggestion is an abstraction (${base}), which allows more than this denial: apply a rule for the denied path instead` };
  const shape = ruleShapeProblem(edited);
  if (shape) return { ok: false, reason: shape };
  const rule = edited.trim().replace(/\s+/g, ' ');
  const e = parseFileRule(rule);
  const s = parseFileRule(base);
  if (!s) {
    // other classes: exactly the suggested rule, optionally audited
    if (rule === base || rule === `audit ${base}`) return { ok: true, rule };
    return { ok: false, reason: `only the suggested rule (${base}) can be applied for this kind of access, optionally with audit in front` };
  }
  if (!e) return { ok: false, reason: 'not a file rule of the form [owner] PATH PERMS, like the suggested one' };
  if (s.owner && !e.owner) return { ok: false, reason: "dropping owner would allow other users' files too" };
  const ep = permLetters(e.perms);
  const sp = permLetters(s.perms);
  const wider = [...ep.plain].filter((c) => !sp.plain.has(c));
  if (wider.length) return { ok: false, reason: `permission ${wider.join('')} was not denied (the denial needs ${s.perms})` };
  if (denied.perms) {
    const dp = permLetters(denied.perms);
    const beyond = [...ep.plain].filter((c) => !dp.plain.has(c));
    if (beyond.length) return { ok: false, reason: `permission ${beyond.join('')} was not denied (the denial needs ${denied.perms})` };
  }
  if (ep.exec !== sp.exec) return { ok: false, reason: ep.exec ? `exec mode ${ep.exec} differs from the suggested ${sp.exec ?? '(none)'}` : 'the exec permission is missing: the denial was an exec' };
  if ((e.transition ?? '') !== (s.transition ?? '')) return { ok: false, reason: `the exec target must stay ${s.transition ?? '(none)'}` };
  if (e.path !== s.path && !patternWithin(e.path, s.path)) return { ok: false, reason: `${e.path} is not inside the suggested ${s.path} (or it cannot be shown to be): narrow it, never widen it` };
  if (denied.path && !patternMatches(e.path, denied.path)) return { ok: false, reason: `${e.path} does not match the denied path ${denied.path}: the rule would not help` };
  return { ok: true, rule };
}

/** A rule typed for `act allow`, where no denial bounds it: it must name one object. */
export function checkStandaloneRule(rule: string): RuleCheck {
  const shape = ruleShapeProblem(rule);
  if (shape) return { ok: false, reason: shape };
  const r = rule.trim().replace(/\s+/g, ' ');
  if (CLASS_WIDE.test(r)) return { ok: false, reason: `${r} allows a whole class of access: name the object (a path, a capability, a family)` };
  if (/\bcapability\s+(?:[^,]*\s)?(?:sys_admin|mac_admin|mac_override|sys_module|sys_rawio)\b/.test(r))
    return { ok: false, reason: 'this capability gives control of the host: add it by hand after review' };
  const f = parseFileRule(r);
  if (f) {
    if (/\*\*/.test(f.path)) return { ok: false, reason: `${f.path} uses **, which reaches every directory below: name the files` };
    if (/^"?\/[^/]*[*?[]/.test(f.path)) return { ok: false, reason: `${f.path} has a wildcard in its first directory` };
    if (/[uU]x/.test(f.perms)) return { ok: false, reason: 'ux/Ux runs the program unconfined: add it by hand after review' };
    if (/x/.test(f.perms) && !/[iupcIPC]x/i.test(f.perms)) return { ok: false, reason: 'x needs an exec mode (ix, Px, Cx)' };
  } else if (/^(?:audit\s+)?(?:owner\s+)?["/@]/.test(r)) return { ok: false, reason: 'not a file rule of the form [owner] PATH PERMS,' };
  return { ok: true, rule: r };
}
