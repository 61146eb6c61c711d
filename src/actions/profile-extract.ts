/**
 * What apparmor_parser is given to load one profile of a file that declares several. AppArmor
 * loads, replaces and removes whole files: `apparmor_parser -r -C FILE` would put every profile
 * of Debian's usr.sbin.dhclient (dhclient, two NetworkManager helpers, connman's script) in
 * complain mode, and `-R FILE` would unload them all. Given this text on its standard input
 * instead, it acts on exactly the one profile, its children and hats.
 *
 * The text is the file itself with the lines of every other top-level profile blanked and nothing
 * after the profile's block: what the parser reads for the profile (the file's abi, variables and
 * tunables, then the block) is what the whole file would give it, and its line numbers stay the
 * file's own, so an error names the real line. Refused when the file's own text outside its
 * profiles could bring profiles of its own (an include other than tunables/ or abi/, a conditional
 * block) or the profile is not a top-level block. Pure.
 */
import { parseProfileHeader } from '../profiles/index.js';
import { parseSyntax } from '../profiles/syntax.js';

export type ProfileExtract = { ok: true; text: string; kept: string; left: string[] } | { ok: false; reason: string };

/** Includes outside any profile that declare none: the variables and the policy ABI. */
const PREAMBLE_INCLUDE_RE = /^(?:tunables|abi)\//;

/** `profile`: a top-level profile `file` declares (`text` is its content). */
export function profileExtract(text: string, profile: string, file: string): ProfileExtract {
  const lines = text.split('\n');
  const left: string[] = [];
  const blanked: [number, number][] = [];
  const { nodes, problems } = parseSyntax(text);
  if (problems.length) return { ok: false, reason: `${file} does not read cleanly (${problems[0]}): which lines are the profile's is not certain` };
  for (const node of nodes) {
    if (node.type === 'include') {
      if (node.quoted || !PREAMBLE_INCLUDE_RE.test(node.ref))
        return { ok: false, reason: `${file} includes ${node.quoted ? `"${node.ref}"` : `<${node.ref}>`} outside its profiles, which could declare profiles of its own` };
      continue;
    }
    if (node.type !== 'block') continue;
    const decl = parseProfileHeader(node.header);
    if (!decl) return { ok: false, reason: `${file} has a block outside its profiles (${node.header.trim()} {): which profiles it declares depends on it` };
    if (node.end === undefined) return { ok: false, reason: `the block of ${decl.name} in ${file} is not closed` };
    if (decl.name !== profile) {
      left.push(decl.name);
      blanked.push([node.line - 1, node.end - 1]);
      continue;
    }
    for (const [from, to] of blanked) for (let i = from; i <= to; i++) lines[i] = '';
    const without = left.map((name, k) => `${name} (lines ${blanked[k][0] + 1}-${blanked[k][1] + 1})`);
    const kept = `lines 1-${node.end} of ${file}${without.length ? `, without ${without.join(', ')}` : ''}`;
    return { ok: true, text: `${lines.slice(0, node.end).join('\n')}\n`, kept, left };
  }
  return { ok: false, reason: `${profile} is not a top-level profile block of ${file}` };
}
