/**
 * Where an applied rule goes in the text of a profile, and how it comes out again. Pure: texts in,
 * texts and the exact lines added out.
 *
 * A rule goes where the distribution expects local additions: the profile's own `local/` include
 * when its block has one (profiles/local-include.ts); when the profile has neither a local include
 * nor a `local/NAME` file, both are created (the include line is added before the block's closing
 * brace); otherwise a marked block before the closing brace of the profile's own block. Children
 * and hats always get the marked block (the local include belongs to the top-level profile), and so
 * does a profile whose every local include other profiles of the file include too. Undo removes
 * exactly the lines added, and only from a file that is still as the action left it.
 */
import type { LineReplacement } from '../model/action.js';
import { basenameOf } from '../model/path.js';
import { parseProfileHeader } from '../profiles/index.js';
import { chooseLocalInclude, localIncludesOf, type LocalIncludes } from '../profiles/local-include.js';
import { parseSyntax, type BlockNode, type SyntaxNode } from '../profiles/syntax.js';
import { BranchChain, definedSoFar, type ConditionEnv } from '../profiles/condition.js';

export interface Block {
  /** 0-based line of the header and of the closing brace. */
  start: number;
  end: number;
  /** Its `local/` includes, and which of them the file includes elsewhere too (profiles/local-include.ts). */
  locals: LocalIncludes;
}

/**
 * The block of the profile named `name` (`parent//child` for children and hats), read as the
 * profile index reads the file (profiles/syntax.ts, parseProfileHeader): a header and its `{` on
 * lines of their own, bare flags, quoted names, a profile inside a conditional block. Undefined
 * when there is none, or when its closing brace shares the header's line (nothing can be put
 * before it inside the block).
 */
export function findBlock(text: string, name: string): Block | undefined {
  const nodes = parseSyntax(text).nodes;
  const found = findNode(nodes, name);
  if (!found) return undefined;
  return { start: found.start, end: found.end, locals: localIncludesOf(nodes, found.node) };
}

/** The syntax node of the block findBlock finds (its children and hats are inside it). */
export function findProfileNode(text: string, name: string): BlockNode | undefined {
  return findNode(parseSyntax(text).nodes, name)?.node;
}

function findNode(nodes: SyntaxNode[], name: string): Found | undefined {
  const bools = new Map<string, boolean>();
  const vars = new Set<string>();
  // the file's own variables, as defined before each conditional; what its includes define is
  // not read here, so a condition on it may or may not hold, and its branch is looked into
  const env = definedSoFar(bools, vars, () => false);
  return findIn(nodes, name, undefined, env, bools, vars);
}

type Found = Omit<Block, 'locals'> & { node: BlockNode };

function findIn(nodes: SyntaxNode[], name: string, parent: string | undefined, env: ConditionEnv, bools: Map<string, boolean>, vars: Set<string>): Found | undefined {
  const chain = new BranchChain(env);
  for (const node of nodes) {
    if (node.type === 'bool') bools.set(node.name, node.value);
    else if (node.type === 'var') vars.add(node.name);
    if (node.type !== 'block') {
      chain.other();
      continue;
    }
    // a branch apparmor_parser does not take: a rule added there would change nothing
    if (!chain.enter(node.header)) continue;
    const decl = parseProfileHeader(node.header);
    const own = decl ? (parent ? `${parent}//${decl.name}` : decl.name) : parent;
    if (decl && own === name) {
      if (node.end === undefined || node.end === node.line) return undefined;
      return { start: node.line - 1, end: node.end - 1, node };
    }
    // a child's name starts with its parent's: only a block on the way is looked into (a
    // conditional or qualifier block belongs to the profile around it)
    if (!decl || name.startsWith(`${own}//`)) {
      const found = findIn(node.body, name, own, env, bools, vars);
      if (found) return found;
    }
  }
  return undefined;
}

/** The indentation of the block's rules (two spaces more than its header). */
function indentOf(lines: string[], block: Block): string {
  const head = /^\s*/.exec(lines[block.start])?.[0] ?? '';
  return `${head}  `;
}

export function markerLines(id: string, rules: string[], indent: string, when: string): string[] {
  return [`${indent}# aa-triage allow ${id} ${when}`, ...rules.map((r) => `${indent}${r}`), `${indent}# end aa-triage allow ${id}`];
}

/** `text` with `added` inserted before 0-based line `at`. */
export function insertAt(text: string, at: number, added: string[]): string {
  const lines = text.split('\n');
  lines.splice(at, 0, ...added);
  return lines.join('\n');
}

/** Where new lines go at the end of a file: before the final empty "line" a trailing newline leaves. */
export function endOf(text: string): number {
  const lines = text.split('\n');
  return lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
}

/** `text` with exactly `added` removed at `at`, or undefined when those lines are not there. */
export function removeAt(text: string, at: number, added: string[]): string | undefined {
  const lines = text.split('\n');
  for (let k = 0; k < added.length; k++) if (lines[at + k] !== added[k]) return undefined;
  lines.splice(at, added.length);
  return lines.join('\n');
}

export interface FileEdit {
  file: string;
  /** The file does not exist yet: it is created with `after` as content. */
  created: boolean;
  before: string;
  after: string;
  /** 0-based line where `added` was inserted (the first line replaced, for a mode flag). */
  at: number;
  added: string[];
  /** Lines replaced in place (a profile's flags: actions/mode-flags.ts), instead of lines added. */
  replaced?: LineReplacement[];
}

export interface Placement {
  edits: FileEdit[];
  /** One sentence: where the rule goes and what is created. */
  where: string;
}

export interface PlaceInput {
  id: string;
  when: string;
  rules: string[];
  /** The profile the rule is for (`parent//child` for a child or hat). */
  profile: string;
  file: string;
  text: string;
  /** The profiles directory (resolved): local includes are under <root>/local/. */
  root: string;
  /** The current content of `<root>/local/<ref>` (null: no such file) for the local include named. */
  readLocal(ref: string): string | null;
}

export type PlaceResult = { ok: true; placement: Placement } | { ok: false; reason: string };

const LOCAL_NAME_RE = /^local\/[A-Za-z0-9][A-Za-z0-9._+-]*$/;

export function placeRules(p: PlaceInput): PlaceResult {
  const lines = p.text.split('\n');
  const block = findBlock(p.text, p.profile);
  if (!block) {
    // a child or hat an include declares (Debian's evince includes abstractions/snap_browsers,
    // which declares `profile snap_browsers`): its rules are in that file, shared by whoever includes it
    const parent = p.profile.slice(0, p.profile.lastIndexOf('//'));
    if (parent && findBlock(p.text, parent))
      return {
        ok: false,
        reason: `${p.profile} is not declared in ${p.file} itself but in a file its block includes (an abstraction, shared with whatever else includes it): add the rule there by hand`,
      };
    return { ok: false, reason: `cannot find the block of ${p.profile} in ${p.file}` };
  }
  const child = p.profile.includes('//');
  const localName = `local/${basenameOf(p.file)}`;
  const inBlock = (): Placement => {
    const added = markerLines(p.id, p.rules, indentOf(lines, block), p.when);
    return {
      edits: [{ file: p.file, created: false, before: p.text, after: insertAt(p.text, block.end, added), at: block.end, added }],
      where: `a marked block at the end of ${p.profile}'s block in ${p.file}`,
    };
  };
  if (child) return { ok: true, placement: inBlock() };
  const localRef = chooseLocalInclude(block.locals, p.profile, p.file);
  const refs = block.locals.refs;
  // every local include of the block is shared with other profiles: the rule stays in its own block
  if (!localRef && refs.length) {
    const placement = inBlock();
    return {
      ok: true,
      placement: {
        ...placement,
        where: `${placement.where} (its local include${refs.length > 1 ? 's' : ''} ${refs.map((r) => `<${r}>`).join(', ')} ${refs.length > 1 ? 'are' : 'is'} included elsewhere in the file too)`,
      },
    };
  }
  if (localRef) {
    if (!LOCAL_NAME_RE.test(localRef)) return { ok: false, reason: `the profile's local include <${localRef}> is not a plain file name under local/: add the rule by hand` };
    const path = `${p.root}/${localRef}`;
    const current = p.readLocal(localRef);
    const added = markerLines(p.id, p.rules, '', p.when);
    if (current === null) {
      return {
        ok: true,
        placement: {
          edits: [{ file: path, created: true, before: '', after: `${added.join('\n')}\n`, at: 0, added }],
          where: `${path} (the profile's local include, created now: it did not exist yet)`,
        },
      };
    }
    const at = endOf(current);
    return { ok: true, placement: { edits: [{ file: path, created: false, before: current, after: insertAt(current, at, added), at, added }], where: `${path} (the profile's local include)` } };
  }
  if (p.readLocal(localName) === null) {
    const path = `${p.root}/${localName}`;
    const localAdded = markerLines(p.id, p.rules, '', p.when);
    const includeLine = [`${indentOf(lines, block)}include if exists <${localName}>`];
    return {
      ok: true,
      placement: {
        edits: [
          { file: path, created: true, before: '', after: `${localAdded.join('\n')}\n`, at: 0, added: localAdded },
          { file: p.file, created: false, before: p.text, after: insertAt(p.text, block.end, includeLine), at: block.end, added: includeLine },
        ],
        where: `${path}, created now, and the line include if exists <${localName}> added to ${p.file} (the profile had neither)`,
      },
    };
  }
  return { ok: true, placement: inBlock() };
}

/** A unified diff of two texts (whole-file hunks with 2 lines of context), for the dialog, the journal and a refused undo. */
export function lineDiff(before: string, after: string, file: string): string[] {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  // common prefix and suffix, then the middle as removed + added: enough for insertions and removals
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  if (pre === a.length && pre === b.length) return [];
  const ctx = 2;
  const from = Math.max(0, pre - ctx);
  const aEnd = a.length - suf;
  const bEnd = b.length - suf;
  const aTo = Math.min(a.length, aEnd + ctx);
  const out = [`--- ${file}`, `+++ ${file}`, `@@ -${from + 1},${aTo - from} +${from + 1},${Math.min(b.length, bEnd + ctx) - from} @@`];
  for (let i = from; i < pre; i++) out.push(` ${a[i]}`);
  for (let i = pre; i < aEnd; i++) out.push(`-${a[i]}`);
  for (let i = pre; i < bEnd; i++) out.push(`+${b[i]}`);
  for (let i = aEnd; i < aTo; i++) out.push(` ${a[i]}`);
  return out;
}
