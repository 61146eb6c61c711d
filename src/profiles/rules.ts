/**
 * One rule statement (text without its trailing comma) to a typed rule. Unknown rule kinds are
 * kept as OtherRule so nothing a profile says is silently lost; statements that are not access
 * rules (abi, alias, set rlimit) give undefined.
 */
import { compileGlob, type Variables } from './glob.js';
import type { Qualifiers, Rule, RuleOrigin } from './types.js';

const QUALIFIERS = new Set(['audit', 'deny', 'allow', 'owner', 'other', 'quiet', 'kill', 'complain']);
const EXEC_RE = /^(?:[pcu]?ix|[pPcCuU]x|[pPcC]ix|[pPcC]ux|[pPcC]?[uU]x|ix)$/;
const PERM_RE = /^[rwamlkxiupcPUCLIxdt]+$/;
const OTHER_KINDS = new Set(['signal', 'ptrace', 'unix', 'dbus', 'mount', 'umount', 'remount', 'pivot_root', 'change_profile', 'userns', 'io_uring', 'mqueue', 'all']);

/** Splits on whitespace, keeping quoted strings and (...) groups together. */
export function tokenize(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      cur += c;
      if (c === '\\' && i + 1 < s.length) cur += s[++i];
      else if (c === '"') quoted = false;
    } else if (c === '"') {
      quoted = true;
      cur += c;
    } else if (c === '(') {
      depth++;
      cur += c;
    } else if (c === ')') {
      depth = Math.max(0, depth - 1);
      cur += c;
    } else if (/\s/.test(c) && depth === 0) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) out.push(cur);
  return out;
}

/** Strips the quotes; `\"` and `\\` become the character, other escapes stay for the glob compiler. */
export function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replace(/\\(["\\])/g, '$1') : s;
}

/** `(a, b c)` or `a` to its words. */
function words(s: string): string[] {
  const inner = s.startsWith('(') && s.endsWith(')') ? s.slice(1, -1) : s;
  return inner
    .split(/[\s,]+/)
    .map((w) => unquote(w))
    .filter(Boolean);
}

/** Leading qualifiers (`audit deny owner ...`) off a token list. */
export function takeQualifiers(tokens: string[]): Qualifiers {
  const q: Qualifiers = { deny: false, audit: false, owner: false };
  while (tokens.length && (QUALIFIERS.has(tokens[0]) || /^priority=/.test(tokens[0]))) {
    const t = tokens.shift()!;
    if (t === 'deny') q.deny = true;
    else if (t === 'audit') q.audit = true;
    else if (t === 'owner') q.owner = true;
  }
  return q;
}

function parseParams(tokens: string[]): { perms: string[]; params: Record<string, string> } {
  const perms: string[] = [];
  const params: Record<string, string> = {};
  for (const t of tokens) {
    const eq = t.indexOf('=');
    if (eq < 0 || t.startsWith('(')) {
      if (t === '->') continue;
      perms.push(...words(t));
      continue;
    }
    const key = t.slice(0, eq);
    const val = t.slice(eq + 1);
    if (key === 'peer' && val.startsWith('(')) {
      for (const inner of tokenize(val.slice(1, -1).replace(/,/g, ' '))) {
        const e = inner.indexOf('=');
        if (e > 0) params[`peer.${inner.slice(0, e)}`] = words(inner.slice(e + 1)).join(' ');
      }
    } else params[key] = words(val).join(' ');
  }
  return { perms, params };
}

function fileRule(tokens: string[], q: Qualifiers, vars: Variables, text: string, origin: RuleOrigin): Rule | undefined {
  // `[file] PATH PERMS [-> TARGET]` or `PERMS PATH [-> TARGET]`
  if (tokens[0] === 'file') tokens.shift();
  if (tokens.length === 0) {
    // bare `file,`: every file access
    return { kind: 'file', ...q, glob: compileGlob('/**', vars), perms: 'rwamlkx', text, origin };
  }
  let path: string | undefined;
  let permTok: string | undefined;
  const isPath = (t: string) => /^("?\/|"?@\{)/.test(t);
  if (isPath(tokens[0])) {
    path = unquote(tokens[0]);
    permTok = tokens[1];
  } else if (tokens[1] !== undefined && isPath(tokens[1])) {
    permTok = tokens[0];
    path = unquote(tokens[1]);
  } else return undefined;
  const arrow = tokens.indexOf('->');
  const target = arrow >= 0 && tokens[arrow + 1] ? unquote(tokens[arrow + 1]) : undefined;
  let perms = '';
  let exec: string | undefined;
  if (permTok && permTok !== '->') {
    if (EXEC_RE.test(permTok)) {
      exec = permTok;
      perms = 'x';
    } else if (PERM_RE.test(permTok)) {
      // split off an exec mode written together with other letters (`mrix`, `rPx`)
      const m = /([pPcCuU]?i?[xX])$/.exec(permTok);
      if (m && /x$/i.test(permTok) && permTok.length > 1 && /[iupcPUC]/.test(m[1])) {
        exec = m[1];
        perms = permTok.slice(0, -m[1].length).replace(/[iupcPUC]/g, '') + 'x';
      } else perms = permTok.replace(/[iupcPUC]/g, '');
    } else return undefined;
  }
  if (perms === '' && permTok === undefined && target === undefined) return undefined;
  return { kind: 'file', ...q, glob: compileGlob(path, vars), perms, exec, target, text, origin };
}

export function parseRule(text: string, vars: Variables, origin: RuleOrigin): Rule | undefined {
  const tokens = tokenize(text);
  const q = takeQualifiers(tokens);
  const head = tokens[0];
  if (head === undefined) return undefined;
  if (head === 'abi' || head === 'alias' || head === 'set' || head === 'change_hat' || head.startsWith('^')) return undefined;
  if (head === 'capability') {
    return { kind: 'capability', ...q, caps: tokens.slice(1).flatMap(words), text, origin };
  }
  if (head === 'network') {
    const rest = tokens.slice(1).filter((t) => !t.includes('='));
    const ws = rest.flatMap(words);
    // `network [domain] [type|protocol]`; a single word can be either
    const types = new Set(['stream', 'dgram', 'seqpacket', 'rdm', 'raw', 'packet']);
    const protocols = new Set(['tcp', 'udp', 'icmp', 'icmpv6']);
    let domain: string | undefined;
    let type: string | undefined;
    let protocol: string | undefined;
    for (const w of ws) {
      if (types.has(w)) type = w;
      else if (protocols.has(w)) protocol = w;
      else if (domain === undefined) domain = w;
    }
    return { kind: 'network', ...q, domain, type, protocol, text, origin };
  }
  if (OTHER_KINDS.has(head)) {
    const { perms, params } = parseParams(tokens.slice(1));
    return { kind: head, ...q, perms, params, text, origin };
  }
  return fileRule(tokens, q, vars, text, origin);
}
