/**
 * A profile put in complain or enforce mode by its own flags: `complain` written into (or taken
 * out of) the header of the profile and of each child and hat inside its block, and nothing else
 * of the file touched. Pure: the file's text in, the text and the exact lines replaced out.
 *
 * Used where aa-complain and aa-enforce cannot do the job: they edit every profile a file
 * declares (Debian's dhclient file holds four), and they come with apparmor-utils, which many
 * servers lack. The edit is the smallest one that says it: a word added to or taken out of the
 * flags as written (`flags=(attach_disconnected)` becomes `flags=(complain,attach_disconnected)`),
 * `flags=(complain)` added to a header without flags, the flags taken out when complain was the
 * only one. Every header changed is read again afterwards and must declare the same profile with
 * the flags asked for; anything else is refused, for an edit by hand.
 */
import type { LineReplacement } from '../model/action.js';
import { findHeaderFlags, MODE_FLAGS, parseProfileHeader } from '../profiles/index.js';
import type { BlockNode } from '../profiles/syntax.js';
import { findProfileNode } from './rule-edit.js';

export type ModeFlag = 'complain' | 'enforce';

export type ModeFlagEdit = { ok: true; after: string; replaced: LineReplacement[] } | { ok: false; reason: string };

/** Mode flags other than the two this edit moves between: a profile declaring one is left alone. */
const OTHER_MODES = [...MODE_FLAGS].filter((f) => f !== 'complain' && f !== 'enforce');

/**
 * `text` with `profile` (a top-level profile of the file) and its children and hats declared in
 * `mode`. `replaced` is empty when the file already says so.
 */
export function setModeFlag(text: string, profile: string, mode: ModeFlag): ModeFlagEdit {
  const node = findProfileNode(text, profile);
  if (!node) return { ok: false, reason: `cannot find the block of ${profile}` };
  const lines = text.split('\n');
  const replaced: LineReplacement[] = [];
  for (const b of profileBlocks(node)) {
    const decl = parseProfileHeader(b.header)!;
    const other = decl.flags.find((f) => OTHER_MODES.includes(f));
    if (other) return { ok: false, reason: `${decl.name} declares flags=(${decl.flags.join(',')}): its mode is ${other}, which this does not change; edit the flags by hand` };
    const at = b.line - 1;
    const line = lines[at];
    const hs = line.indexOf(b.header);
    // a header written over several lines, or with a comment inside it
    if (hs < 0) return { ok: false, reason: `the header of ${decl.name} (line ${b.line}) is not on one line: edit its flags by hand` };
    const header = editHeader(b.header, mode);
    if (header === b.header) continue;
    const to = line.slice(0, hs) + header + line.slice(hs + b.header.length);
    // the edited header must declare the same profile, with the flags asked for and the others kept
    const now = parseProfileHeader(header);
    const want = mode === 'complain' ? [...decl.flags.filter((f) => f !== 'enforce' && f !== 'complain'), 'complain'] : decl.flags.filter((f) => f !== 'complain');
    if (!now || now.name !== decl.name || now.attachment !== decl.attachment || now.hat !== decl.hat || !sameSet(now.flags, want))
      return { ok: false, reason: `the flags of ${decl.name} (line ${b.line}) cannot be edited safely: edit them by hand` };
    lines[at] = to;
    replaced.push({ at, from: line, to });
  }
  return { ok: true, after: lines.join('\n'), replaced };
}

/** The block and the profile and hat blocks inside it, at any depth (a conditional block is looked into). */
function profileBlocks(node: BlockNode): BlockNode[] {
  const out: BlockNode[] = [node];
  const walk = (list: BlockNode['body']): void => {
    for (const n of list) {
      if (n.type !== 'block') continue;
      if (parseProfileHeader(n.header)) out.push(n);
      walk(n.body);
    }
  };
  walk(node.body);
  return out;
}

/** The header with `complain` added (replacing `enforce`) or taken out. */
function editHeader(header: string, mode: ModeFlag): string {
  const f = findHeaderFlags(header);
  if (!f) return mode === 'complain' ? `${header} flags=(complain)` : header;
  const span = header.slice(f.at, f.at + f.length);
  const open = span.indexOf('(');
  const inner = open >= 0 ? span.slice(open + 1, span.lastIndexOf(')')) : span.slice(span.indexOf('=') + 1).trim();
  const words = [...inner.matchAll(/[^\s,]+/g)];
  let edited: string;
  if (mode === 'complain') {
    if (words.some((w) => w[0] === 'complain')) return header;
    const enforce = words.find((w) => w[0] === 'enforce');
    edited = enforce ? inner.slice(0, enforce.index) + 'complain' + inner.slice(enforce.index! + 'enforce'.length) : inner.trim() ? `complain,${inner}` : 'complain';
  } else {
    const gone = words.filter((w) => w[0] === 'complain');
    if (!gone.length) return header;
    edited = inner;
    // from the last, so the earlier positions stay right; each word with the separator after it (or before it, at the end)
    for (const w of gone.reverse()) {
      const start = w.index!;
      let end = start + w[0].length;
      let from = start;
      const after = /^[\s,]+/.exec(edited.slice(end));
      if (after && end + after[0].length < edited.length) end += after[0].length;
      else from = start - (/[\s,]*$/.exec(edited.slice(0, start))?.[0].length ?? 0);
      edited = edited.slice(0, from) + edited.slice(end);
    }
    if (!edited.trim()) {
      // complain was the only flag: the flags go, with the space before them
      const before = header.slice(0, f.at).replace(/\s+$/, '');
      const rest = header.slice(f.at + f.length);
      return before + (rest && !/^\s/.test(rest) ? ' ' : '') + rest;
    }
  }
  const written = open >= 0 ? `${span.slice(0, open + 1)}${edited}${span.slice(span.lastIndexOf(')'))}` : `flags=(${edited})`;
  return header.slice(0, f.at) + written + header.slice(f.at + f.length);
}

function sameSet(a: string[], b: string[]): boolean {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
}
