/**
 * The profile index: from a profile name in a log to the file that declares it and what it allows.
 * Pure: file texts in, index out (src/profiles/load.ts reads the directories).
 *
 * Files are indexed by the profiles they declare, never by their file name. Files under
 * abstractions/, tunables/, local/ (and the abi/ definitions) are not searched for declarations;
 * they are what includes resolve to. disable/, force-complain/, cache/ and editor or package
 * manager backups are ignored entirely.
 */
import { join } from 'node:path/posix';
import { compileGlob, type Variables } from './glob.js';
import { generatedOwner } from './managed.js';
import { matcherFor } from './matcher.js';
import { parseRule, takeQualifiers, tokenize, unquote } from './rules.js';
import { parseSyntax, type SyntaxNode } from './syntax.js';
import { BranchChain, definedSoFar, type ConditionEnv } from './condition.js';
import { chooseLocalInclude, localIncludesOf } from './local-include.js';
import type { CapabilityRule, FileRule, NetworkRule, ProfileIndex, ProfileInfo, Qualifiers, Rule } from './types.js';

export type { ProfileIndex, ProfileInfo } from './types.js';
export { generatedOwner, managedAdvice } from './managed.js';

export interface PolicyFile {
  path: string;
  text: string;
}

export interface BuildOptions {
  /** The profile directories the files came from: include `<x>` resolves to ROOT/x (first root wins). */
  roots?: string[];
}

/** Variables AppArmor's own tunables define, used when a file's tunables are not available. */
export const DEFAULT_VARIABLES: ReadonlyMap<string, string[]> = new Map([
  ['HOME', ['/home/*/', '/root/']],
  ['HOMEDIRS', ['/home/']],
  ['PROC', ['/proc/']],
  ['sys', ['/sys/']],
  ['run', ['/run/', '/var/run/']],
  ['pid', ['{[1-9],[1-9][0-9],[1-9][0-9][0-9],[1-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9][0-9],[1-4][0-9][0-9][0-9][0-9][0-9][0-9]}']],
  ['pids', ['{[1-9],[1-9][0-9],[1-9][0-9][0-9],[1-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9][0-9],[1-4][0-9][0-9][0-9][0-9][0-9][0-9]}']],
  ['tid', ['{[1-9],[1-9][0-9],[1-9][0-9][0-9],[1-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9][0-9],[1-4][0-9][0-9][0-9][0-9][0-9][0-9]}']],
  [
    'uid',
    [
      '{[0-9],[1-9][0-9],[1-9][0-9][0-9],[1-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9][0-9][0-9],[1-4][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]}',
    ],
  ],
  ['multiarch', ['*-linux-gnu*']],
  ['etc_ro', ['/etc/', '/usr/etc/']],
  ['etc_rw', ['/etc/']],
  ['user_share_dirs', ['/home/*/.local/share/', '/root/.local/share/']],
  ['user_cache_dirs', ['/home/*/.cache/', '/root/.cache/']],
  ['user_config_dirs', ['/home/*/.config/', '/root/.config/']],
]);

const SUPPORT_DIRS = ['abstractions', 'tunables', 'local', 'abi'];
const IGNORED_DIRS = ['disable', 'force-complain', 'cache', 'cache.d'];
/** Editor and package-manager leftovers that apparmor_parser itself skips. */
const BACKUP_RE = /(?:~|\.(?:bak|orig|rej|swp|swo|tmp|old|save|dpkg-(?:old|new|dist|bak|tmp)|rpm(?:new|save|orig)|ucf-(?:old|new|dist)|pacnew|pacsave))$|(?:^|\/)(?:#[^/]*#|\.[^/]*|README[^/]*)$/;
/** Abstractions worth suggesting: narrow, read-mostly, widely installed. Never ssl_keys or user-* ones. */
const SUGGESTABLE_ABSTRACTIONS = [
  'abstractions/fonts',
  'abstractions/nameservice',
  'abstractions/ssl_certs',
  'abstractions/openssl',
  'abstractions/base',
  'abstractions/mesa',
  'abstractions/dri-common',
  'abstractions/freedesktop.org',
  'abstractions/audio',
  'abstractions/p11-kit',
];

/** The flags that set a profile's mode (the rest, `attach_disconnected` and the like, change what it mediates). */
export const MODE_FLAGS: ReadonlySet<string> = new Set(['complain', 'kill', 'unconfined', 'prompt', 'default_allow', 'enforce']);

type FileRole = 'profile' | 'support' | 'ignored';

interface Builder {
  info: ProfileInfo;
  rules: Rule[];
  topName: string;
}

function roleAndKey(path: string, roots: string[]): { role: FileRole; key: string } {
  if (BACKUP_RE.test(path)) return { role: 'ignored', key: path };
  let rel: string | undefined;
  for (const r of roots) {
    const root = r.endsWith('/') ? r : `${r}/`;
    if (path.startsWith(root)) {
      rel = path.slice(root.length);
      break;
    }
  }
  if (rel === undefined) {
    // no known root: take the key from the last support/ignored directory in the path
    const parts = path.split('/');
    let at = -1;
    for (let i = parts.length - 2; i >= 0 && at < 0; i--) if (SUPPORT_DIRS.includes(parts[i]) || IGNORED_DIRS.includes(parts[i])) at = i;
    rel = at >= 0 ? parts.slice(at).join('/') : parts[parts.length - 1];
  }
  const first = rel.split('/')[0];
  if (IGNORED_DIRS.includes(first)) return { role: 'ignored', key: rel };
  if (SUPPORT_DIRS.includes(first) && rel.includes('/')) return { role: 'support', key: rel };
  return { role: 'profile', key: rel };
}

/**
 * Where a header's flags are written: `flags=(a, b)`, `flags=a`, or the bare `(a, b)` form the
 * grammar also accepts; `xattrs=(...)` is not flags. `at`, `length`: the span in `header`.
 */
export function findHeaderFlags(header: string): { at: number; length: number; flags: string[] } | undefined {
  // xattrs' parentheses blanked, so the positions stay the header's own
  const masked = header.replace(/\bxattrs\s*=\s*\([^)]*\)/, (x) => ' '.repeat(x.length));
  const m = /\bflags\s*=\s*(?:\(([^)]*)\)|([^\s(){]+))|(?<=\s)\(([^)]*)\)/.exec(masked);
  if (!m) return undefined;
  return { at: m.index, length: m[0].length, flags: (m[1] ?? m[2] ?? m[3]).split(/[\s,]+/).filter(Boolean) };
}

function parseFlags(header: string): { rest: string; flags: string[] } {
  const f = findHeaderFlags(header);
  if (!f) return { rest: header, flags: [] };
  return { rest: header.slice(0, f.at) + header.slice(f.at + f.length), flags: f.flags };
}

/** A block header that declares a profile or hat: its name, attachment and flags. */
export function parseProfileHeader(header: string): { name: string; attachment?: string; flags: string[]; hat: boolean } | undefined {
  const { rest: withXattrs, flags } = parseFlags(header);
  const rest = withXattrs.replace(/\bxattrs\s*=\s*\([^)]*\)/, '');
  const t = tokenize(rest);
  const q = takeQualifiers(t); // `audit profile x {` is legal
  void q;
  if (t.length === 0) return undefined;
  if (t[0] === 'profile') {
    if (!t[1]) return undefined;
    const attachment = t[2] !== undefined && t[2] !== '->' ? unquote(t[2]) : undefined;
    return { name: unquote(t[1]), attachment, flags, hat: false };
  }
  if (t[0] === 'hat' && t[1]) return { name: unquote(t[1]), flags, hat: true };
  if (t[0].startsWith('^') && t[0].length > 1) return { name: unquote(t[0].slice(1)), flags, hat: true };
  const first = unquote(t[0]);
  if (first.startsWith('/') || first.startsWith('@{')) return { name: first, attachment: first, flags, hat: false };
  if (first.startsWith(':')) {
    // `:ns:name`, or `:ns://name`
    return { name: first, attachment: t[1] !== undefined ? unquote(t[1]) : undefined, flags, hat: false };
  }
  return undefined;
}

function modeOf(flags: string[]): ProfileInfo['mode'] {
  for (const f of flags) if (MODE_FLAGS.has(f)) return f;
  return 'enforce';
}

/** Where the walk of a policy file stands: the variables defined so far, the profile being read. */
interface WalkContext {
  file: string;
  topFile: string;
  vars: Map<string, string[]>;
  bools: Booleans;
  q: Qualifiers;
  b?: Builder;
  declared: ProfileInfo[];
  stack: string[];
  /** The top file's syntax, where a top-level profile's `local/` includes are looked for (a policy file's walk only). */
  topNodes?: SyntaxNode[];
}

/**
 * What a condition sees: the variables defined so far in the file and what it included. A set
 * variable the tunables define, when they were not read, may or may not be defined on the host.
 */
function conditionEnv(vars: ReadonlyMap<string, string[]>, bools: Booleans): ConditionEnv {
  return definedSoFar(
    bools,
    vars,
    () => !bools.unread,
    (name) => DEFAULT_VARIABLES.has(name),
  );
}

/** The boolean variables defined so far; `unread`: an include that was not found may define more
 * variables, boolean or set. */
class Booleans extends Map<string, boolean> {
  unread = false;
}

class Index implements ProfileIndex {
  readonly problems: string[] = [];
  private readonly byName = new Map<string, ProfileInfo>();
  private readonly lookupCache = new Map<string, ProfileInfo | undefined>();
  private readonly support = new Map<string, PolicyFile>();
  private readonly supportByPath = new Map<string, PolicyFile>();
  private readonly parsed = new Map<string, SyntaxNode[]>();
  private abstractionRules?: Map<string, FileRule[]>;
  private readonly roots: string[];

  constructor(files: PolicyFile[], opts: BuildOptions) {
    this.roots = opts.roots ?? [];
    const profileFiles: PolicyFile[] = [];
    for (const f of files) {
      const { role, key } = roleAndKey(f.path, this.roots);
      if (role === 'support') {
        if (!this.support.has(key)) this.support.set(key, f);
        this.supportByPath.set(f.path, f);
      } else if (role === 'profile') profileFiles.push(f);
    }
    for (const f of profileFiles) this.indexFile(f);
  }

  private nodesOf(f: PolicyFile): SyntaxNode[] {
    let nodes = this.parsed.get(f.path);
    if (!nodes) {
      const r = parseSyntax(f.text);
      for (const p of r.problems) this.problems.push(`${f.path}: ${p}`);
      nodes = r.nodes;
      this.parsed.set(f.path, nodes);
    }
    return nodes;
  }

  /** The files an include names: one file, or every file of an included directory. */
  private resolveInclude(ref: string, quoted: boolean, fromFile: string): PolicyFile[] {
    if (quoted && ref.startsWith('/')) {
      const f = this.supportByPath.get(ref);
      if (f) return [f];
      return [...this.supportByPath.values()].filter((x) => x.path.startsWith(ref.endsWith('/') ? ref : `${ref}/`));
    }
    const key = quoted ? this.relativeKey(join(fromFile, '..', ref)) : ref.replace(/^\/+/, '');
    const f = this.support.get(key);
    if (f) return [f];
    const dir = key.endsWith('/') ? key : `${key}/`;
    return [...this.support.entries()].filter(([k]) => k.startsWith(dir)).map(([, v]) => v);
  }

  private relativeKey(path: string): string {
    return roleAndKey(path, this.roots).key;
  }

  private rootOf(file: string): string {
    for (const r of this.roots) if (file.startsWith(r.endsWith('/') ? r : `${r}/`)) return r.replace(/\/$/, '');
    return join(file, '..');
  }

  private indexFile(f: PolicyFile): void {
    const vars = new Map<string, string[]>();
    const declared: ProfileInfo[] = [];
    const topNodes = this.nodesOf(f);
    this.walk(topNodes, { file: f.path, topFile: f.path, vars, bools: new Booleans(), q: { deny: false, audit: false, owner: false }, declared, stack: [f.path], topNodes });
    const names = declared.map((p) => p.name);
    for (const p of declared) {
      p.fileProfiles = names;
      const first = this.byName.get(p.name);
      if (!first) this.byName.set(p.name, p);
      else {
        this.problems.push(`${f.path}: profile ${p.name} is also declared in ${first.file}; the first one is used`);
        if (first.file !== f.path) (first.alsoDeclaredIn ??= []).push(f.path);
      }
    }
  }

  private walk(nodes: SyntaxNode[], ctx: WalkContext): void {
    const chain = new BranchChain(conditionEnv(ctx.vars, ctx.bools));
    for (const node of nodes) {
      if (node.type !== 'block') chain.other();
      if (node.type === 'bool') {
        ctx.bools.set(node.name, node.value);
      } else if (node.type === 'var') {
        const prev = node.append ? (ctx.vars.get(node.name) ?? []) : [];
        ctx.vars.set(node.name, [...prev, ...node.values]);
      } else if (node.type === 'include') {
        if (ctx.b) ctx.b.info.includes.push(node.ref);
        const targets = this.resolveInclude(node.ref, node.quoted, ctx.file);
        if (targets.length === 0) {
          if (!node.ifExists) {
            if (ctx.b) ctx.b.info.missingIncludes.push(node.ref);
            // what it defines is not known here (apparmor_parser would read it, or fail)
            ctx.bools.unread = true;
          }
          continue;
        }
        for (const t of targets) {
          if (ctx.stack.includes(t.path) || ctx.stack.length > 16) continue;
          this.walk(this.nodesOf(t), { ...ctx, file: t.path, stack: [...ctx.stack, t.path] });
        }
      } else if (node.type === 'rule') {
        if (!ctx.b) continue;
        const qual = [ctx.q.audit && 'audit', ctx.q.deny && 'deny', ctx.q.owner && 'owner'].filter(Boolean).join(' ');
        const rule = parseRule(qual ? `${qual} ${node.text}` : node.text, this.varsWithDefaults(ctx.vars), { file: ctx.file, line: node.line });
        if (rule) ctx.b.rules.push(rule);
      } else {
        // a branch of a conditional that apparmor_parser does not take is not in the policy
        if (!chain.enter(node.header)) continue;
        const decl = parseProfileHeader(node.header);
        if (decl) {
          const child = this.startProfile(decl, node.line, ctx);
          ctx.declared.push(child.info);
          // where act allow writes a top-level profile's rules, for the suggestion to say so
          if (ctx.topNodes && !ctx.b && ctx.file === ctx.topFile) {
            const ref = chooseLocalInclude(localIncludesOf(ctx.topNodes, node), child.info.name, ctx.topFile);
            if (ref) child.info.localInclude = this.resolveInclude(ref, false, ctx.file)[0]?.path ?? join(this.rootOf(ctx.topFile), ref);
          }
          this.walk(node.body, { ...ctx, b: child, q: { deny: false, audit: false, owner: false } });
          this.finishProfile(child);
          continue;
        }
        const words = tokenize(node.header);
        const q = takeQualifiers(words);
        if (words.length === 0 && node.header) {
          // `owner {`, `audit deny {`: the qualifiers apply to every rule inside
          this.walk(node.body, { ...ctx, q: { deny: ctx.q.deny || q.deny, audit: ctx.q.audit || q.audit, owner: ctx.q.owner || q.owner } });
        } else {
          // a branch taken (or that may be), and anything unknown: the rules still belong to the profile
          this.walk(node.body, ctx);
        }
      }
    }
  }

  private varsWithDefaults(vars: Map<string, string[]>): Variables {
    if (vars.size === 0) return DEFAULT_VARIABLES;
    const merged = new Map(DEFAULT_VARIABLES);
    for (const [k, v] of vars) merged.set(k, v);
    return merged;
  }

  private startProfile(decl: NonNullable<ReturnType<typeof parseProfileHeader>>, line: number, ctx: { topFile: string; vars: Map<string, string[]>; b?: Builder }): Builder {
    const parent = ctx.b;
    const name = parent ? `${parent.info.name}//${decl.name}` : decl.name;
    const topName = parent ? parent.topName : name;
    const info: ProfileInfo = {
      name,
      file: ctx.topFile,
      line,
      parent: parent ? topName : undefined,
      attachment: decl.attachment,
      attachmentGlob: decl.attachment && /^[/@]/.test(decl.attachment) ? compileGlob(decl.attachment, this.varsWithDefaults(ctx.vars)) : undefined,
      isHat: decl.hat,
      flags: decl.flags,
      mode: modeOf(decl.flags),
      hasNetworkRules: false,
      denyNetwork: false,
      managedBy: generatedOwner(name, ctx.topFile),
      fileProfiles: [],
      includes: [],
      missingIncludes: [],
      fileRules: [],
      networkRules: [],
      capabilityRules: [],
      otherRules: [],
    };
    return { info, rules: [], topName };
  }

  private finishProfile(b: Builder): void {
    const i = b.info;
    for (const r of b.rules) {
      // OtherRule's open-ended kind keeps TypeScript from narrowing the union: cast after the check
      if (r.kind === 'file') i.fileRules.push(r as FileRule);
      else if (r.kind === 'network') i.networkRules.push(r as NetworkRule);
      else if (r.kind === 'capability') i.capabilityRules.push(r as CapabilityRule);
      else i.otherRules.push(r as ProfileInfo['otherRules'][number]);
    }
    i.hasNetworkRules = i.networkRules.some((r) => !r.deny) || i.otherRules.some((r) => r.kind === 'all' && !r.deny);
    i.denyNetwork = i.networkRules.some((r) => r.deny && r.domain === undefined && r.type === undefined);
  }

  lookup(name: string): ProfileInfo | undefined {
    if (this.lookupCache.has(name)) return this.lookupCache.get(name);
    const found = this.resolve(name, 0);
    if (this.lookupCache.size > 10000) this.lookupCache.clear();
    this.lookupCache.set(name, found);
    return found;
  }

  private resolve(name: string, depth: number): ProfileInfo | undefined {
    const exact = this.byName.get(name);
    if (exact || depth > 4) return exact;
    if (name.includes('//&')) {
      // a stack: the first member this host declares (the others are usually generated namespaces)
      for (const part of name.split('//&')) {
        const p = this.resolve(part.replace(/^&/, ''), depth + 1);
        if (p) return p;
      }
      return undefined;
    }
    const nul = name.indexOf('//null-');
    if (nul > 0) return this.resolve(name.slice(0, nul), depth + 1);
    return undefined;
  }

  profiles(): ProfileInfo[] {
    return [...this.byName.values()];
  }

  byAttachment(path: string): ProfileInfo[] {
    return this.profiles().filter((p) => !p.parent && p.attachmentGlob?.re.test(path));
  }

  abstractionFor(path: string, perms: string, owner = true): string | undefined {
    if (!this.abstractionRules) {
      this.abstractionRules = new Map();
      const vars = new Map<string, string[]>();
      const bools = new Booleans();
      const tunables = this.support.get('tunables/global');
      if (tunables)
        this.walk(this.nodesOf(tunables), { file: tunables.path, topFile: tunables.path, vars, bools, q: { deny: false, audit: false, owner: false }, declared: [], stack: [tunables.path] });
      for (const key of SUGGESTABLE_ABSTRACTIONS) {
        const f = this.support.get(key);
        if (!f) continue;
        const b = this.startProfile({ name: key, flags: [], hat: false }, 0, { topFile: f.path, vars });
        this.walk(this.nodesOf(f), { file: f.path, topFile: f.path, vars, bools, q: { deny: false, audit: false, owner: false }, b, declared: [], stack: [f.path] });
        this.finishProfile(b);
        this.abstractionRules.set(key, b.info.fileRules);
      }
    }
    for (const [key, rules] of this.abstractionRules) {
      const matched = matcherFor(rules).matching(path);
      if (matchedRulesAllow(owner ? matched : matched.filter((r) => !r.owner), perms)) return key;
    }
    return undefined;
  }
}

/** Every permission letter in `perms` granted by some allow rule (and none denied) for `path`. */
export function fileRulesAllow(rules: readonly FileRule[], path: string, perms: string): boolean {
  return matchedRulesAllow(
    rules.filter((r) => r.glob.re.test(path)),
    perms,
  );
}

/** fileRulesAllow for rules already known to match the path (a RuleMatcher's answer). */
export function matchedRulesAllow(matched: readonly FileRule[], perms: string): boolean {
  if (perms.length === 0 || matched.length === 0) return false;
  if (perms.length > 30) return longPermsAllowed(matched, perms);
  // no Set per call: a mask is a few letters, so what is granted is a bit field by position
  let granted = 0;
  for (const r of matched) {
    for (let i = 0; i < perms.length; i++) {
      if (!permCovered(r.perms, perms[i])) continue;
      if (r.deny) return false;
      granted |= 1 << i;
    }
  }
  return granted === 2 ** perms.length - 1;
}

function longPermsAllowed(matched: readonly FileRule[], perms: string): boolean {
  const granted = new Set<string>();
  for (const r of matched) {
    for (const p of perms) {
      if (!permCovered(r.perms, p)) continue;
      if (r.deny) return false;
      granted.add(p);
    }
  }
  for (const p of perms) if (!granted.has(p)) return false;
  return true;
}

/**
 * Does a rule's permission string grant one kernel mask letter? The kernel reports create (c),
 * delete (d), append (a), chmod/chown/setattr (w-ish) separately; profile `w` covers them all and
 * `a` covers append and create.
 */
export function permCovered(rulePerms: string, k: string): boolean {
  switch (k) {
    case 'r':
      return rulePerms.includes('r');
    case 'w':
    case 'd':
    case 't':
      return rulePerms.includes('w');
    case 'a':
    case 'c':
      return rulePerms.includes('w') || rulePerms.includes('a');
    case 'x':
      return rulePerms.includes('x');
    case 'm':
      return rulePerms.includes('m');
    case 'l':
      return rulePerms.includes('l');
    case 'k':
      return rulePerms.includes('k');
    default:
      return rulePerms.includes(k);
  }
}

export function buildProfileIndex(files: PolicyFile[], opts: BuildOptions = {}): ProfileIndex {
  return new Index(files, opts);
}
