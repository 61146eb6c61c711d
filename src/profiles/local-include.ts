/**
 * Which of a profile's `local/` includes its site additions go into. Pure: the file's syntax in,
 * a name out. Both the suggestion's text (profiles/index.ts) and `act allow`
 * (actions/rule-edit.ts) ask here, so what the one says is where the other writes.
 *
 * Not simply the first: Debian's smbd includes `local/usr.sbin.smbd-shares`, which samba's share
 * script rewrites, before `local/usr.sbin.smbd`; a file of several profiles (Debian's transmission)
 * includes a shared `local/transmission` and each profile's own `local/transmission-daemon`, and a
 * rule in the shared one widens every profile that includes it. So: one no other part of the file
 * includes, the one named after the file or the profile first.
 */
import { basename } from 'node:path/posix';
import type { BlockNode, SyntaxNode } from './syntax.js';

export interface LocalIncludes {
  /** The `local/` includes written directly in the profile's own body, in file order. */
  refs: string[];
  /**
   * Those of them the file includes somewhere else too: its preamble, another profile, a child,
   * or a conditional or qualifier block (a rule there holds only when that block applies).
   */
  shared: string[];
}

/** The `local/` includes of the profile whose block is `block`, one of the file's `nodes` (at any depth). */
export function localIncludesOf(nodes: readonly SyntaxNode[], block: BlockNode): LocalIncludes {
  const direct = new Set<SyntaxNode>(block.body);
  const refs = new Set<string>();
  for (const n of block.body) if (isLocal(n)) refs.add(n.ref);
  const elsewhere = new Set<string>();
  const walk = (list: readonly SyntaxNode[]): void => {
    for (const n of list) {
      if (n.type === 'include' && !direct.has(n)) elsewhere.add(n.ref);
      else if (n.type === 'block') walk(n.body);
    }
  };
  walk(nodes);
  return { refs: [...refs], shared: [...refs].filter((r) => elsewhere.has(r)) };
}

/**
 * The include the profile `profile`, declared in `file`, takes its site additions in: one of its
 * own, the one named after the file or the profile first. Undefined when every one is shared, or
 * when it has none.
 */
export function chooseLocalInclude(found: LocalIncludes, profile: string, file: string): string | undefined {
  const own = found.refs.filter((r) => !found.shared.includes(r));
  const named = [`local/${basename(file)}`, `local/${profile.replace(/^\//, '').replaceAll('/', '.')}`];
  return own.find((r) => named.includes(r)) ?? own[0];
}

function isLocal(n: SyntaxNode): n is Extract<SyntaxNode, { type: 'include' }> {
  return n.type === 'include' && !n.quoted && n.ref.startsWith('local/');
}
