/**
 * Which of a profile's file rules match a path, without running every rule's regular expression.
 *
 * Built once per rule list. A rule alternative without any glob character can only match itself:
 * it goes into an exact-path map and needs no regular expression at all. Any other alternative can
 * only match paths that start with its literal prefix (the text before its first glob character),
 * so it is filed under the directory part of that prefix; a path looks up each of its own
 * directory prefixes and runs the regular expression of only the rules found there. Answers are
 * exactly `rules.filter((r) => r.glob.re.test(path))`, in the same order.
 */
import { literalPrefix } from './glob.js';
import type { FileRule } from './types.js';

interface Candidate {
  /** Position of the rule in the list: answers keep the list's order. */
  at: number;
  lit: string;
}

export class RuleMatcher {
  private readonly exact = new Map<string, number[]>();
  /** By the hash of the directory part of their literal prefix (dirHash): a path's directory
   * prefixes are looked up by their hashes, made once per path (dirPrefixesOf), not cut out of it.
   * Two directories of one hash share a list: every candidate is still checked against the path. */
  private readonly byDir = new Map<number, Candidate[]>();
  /** Alternatives whose literal prefix holds no `/` (`**`, `{/usr,}/lib/...`): tried for every path. */
  private readonly always: Candidate[] = [];
  /** Scratch: which rules a lookup found, by position (reset after each lookup). */
  private readonly hit: Uint8Array;
  private static readonly NONE: readonly FileRule[] = Object.freeze([]);

  constructor(readonly rules: readonly FileRule[]) {
    this.hit = new Uint8Array(rules.length);
    rules.forEach((r, at) => {
      // a pattern that failed to compile matches nothing: never let the exact map widen it
      if (r.glob.re.source === '(?!)') return;
      for (const e of r.glob.expanded) {
        const lit = literalPrefix(e);
        if (lit === e) {
          const list = this.exact.get(e);
          if (list) list.push(at);
          else this.exact.set(e, [at]);
          continue;
        }
        const slash = lit.lastIndexOf('/');
        if (slash < 0) {
          this.always.push({ at, lit });
          continue;
        }
        const dir = dirHash(lit, slash + 1);
        const list = this.byDir.get(dir);
        if (list) list.push({ at, lit });
        else this.byDir.set(dir, [{ at, lit }]);
      }
    });
  }

  /** The rules whose pattern matches `path`, in list order (a shared empty array when none). */
  matching(path: string): readonly FileRule[] {
    const hit = this.hit;
    // 1 = matches for sure (exact), 2 = candidate whose expression must still be run
    const ex = this.exact.get(path);
    if (ex) for (const at of ex) hit[at] = 1;
    let any = ex !== undefined;
    for (const c of this.always) {
      if (hit[c.at] === 0 && path.startsWith(c.lit)) {
        hit[c.at] = 2;
        any = true;
      }
    }
    const dirs = dirPrefixesOf(path);
    for (let k = 0; k < dirs.count; k++) {
      const list = this.byDir.get(dirs.hashes[k]);
      if (!list) continue;
      for (const c of list) {
        if (hit[c.at] === 0 && path.startsWith(c.lit)) {
          hit[c.at] = 2;
          any = true;
        }
      }
    }
    if (!any) return RuleMatcher.NONE;
    let out: FileRule[] | undefined;
    for (let at = 0; at < hit.length; at++) {
      const h = hit[at];
      if (h === 0) continue;
      hit[at] = 0;
      const r = this.rules[at];
      if (h === 1 || r.glob.re.test(path)) (out ??= []).push(r);
    }
    return out ?? RuleMatcher.NONE;
  }
}

/** A hash of s[0, end) (FNV-1a, 31 bits: a map key that is always a small integer). */
function dirHash(s: string, end: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h & 0x7fffffff;
}

/**
 * The hashes of a path's directory prefixes (`/`, `/usr/`, `/usr/share/`, ...), as dirHash makes
 * them, in one pass; the last path's are kept, since a denial's path is matched against the
 * profile's rules and then against each abstraction's, one after the other.
 */
const dirs = { path: undefined as string | undefined, count: 0, hashes: [] as number[] };
function dirPrefixesOf(path: string): { count: number; hashes: number[] } {
  if (dirs.path === path) return dirs;
  // a path of thousands of components (a crafted name) leaves its long array behind only until the next
  if (dirs.hashes.length > 1024) dirs.hashes = [];
  let h = 0x811c9dc5;
  let n = 0;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    h = Math.imul(h ^ c, 0x01000193);
    if (c === 0x2f /* / */) dirs.hashes[n++] = h & 0x7fffffff;
  }
  dirs.count = n;
  dirs.path = path;
  return dirs;
}

const matchers = new WeakMap<readonly FileRule[], RuleMatcher>();

/** The matcher of a rule list, built on first use (rule lists are not changed once indexed). */
export function matcherFor(rules: readonly FileRule[]): RuleMatcher {
  let m = matchers.get(rules);
  if (!m) matchers.set(rules, (m = new RuleMatcher(rules)));
  return m;
}
