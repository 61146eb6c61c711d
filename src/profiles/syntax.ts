/**
 * The statement structure of an AppArmor policy file: rules (ending in `,`), blocks (`HEADER {
 * ... }`: profiles, hats, qualifier and conditional blocks), includes and variable assignments
 * (one line each, no comma), comments. Pure text in, tree out; what a statement means is decided
 * by the index builder.
 *
 * The one subtle point is `{`: it opens a block when it stands alone (whitespace before, whitespace
 * or end after), and is a glob alternation otherwise (`/etc/{a,b}`, `{,*.conf}`), where commas do
 * not end the rule.
 */

export type SyntaxNode =
  | { type: 'rule'; text: string; line: number }
  | { type: 'include'; ref: string; quoted: boolean; ifExists: boolean; line: number }
  | { type: 'var'; name: string; append: boolean; values: string[]; line: number }
  /** `$NAME = true` or `false`: what a conditional block tests (profiles/condition.ts). */
  | { type: 'bool'; name: string; value: boolean; line: number }
  | BlockNode;

/** `HEADER { ... }`: `line` is where the header starts, `end` the line of its closing brace (unset
 * when the file ends first). */
export interface BlockNode {
  type: 'block';
  header: string;
  line: number;
  end?: number;
  body: SyntaxNode[];
}

const INCLUDE_RE = /^#?include(\s+if\s+exists)?\s*(?:<([^>]*)>|"([^"]*)"|(\S+))/;
// `@{NAME} = ...`, or `@NAME = ...`, which apparmor_parser reads as the same variable
const VAR_RE = /^@(?:\{([A-Za-z0-9_:+-]+)\}|([A-Za-z0-9_]+))\s*(\+?)=\s*(.*)$/;
const BOOLEAN_VAR_RE = /^\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))\s*=\s*(true|false)\s*$/i;

/** Splits a variable's value list: words separated by spaces, quoted words kept whole. */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]);
  return out;
}

export function parseSyntax(text: string): { nodes: SyntaxNode[]; problems: string[] } {
  const rd = new SyntaxReader(text);
  const n = text.length;
  while (rd.i < n) {
    const c = text[rd.i];
    if (c === '\n') {
      rd.line++;
      rd.i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      rd.i++;
    } else if (c === '#' || text.startsWith('include', rd.i)) {
      rd.includeOrComment(c);
    } else if (c === '@' && rd.variable()) {
      // a variable assignment; otherwise a rule that starts with a variable (`@{PROC}/... r,`)
    } else if (c === '$' && rd.booleanVariable()) {
      // `$FOO = true`: what a conditional block tests
    } else if (c === '}') {
      rd.closeBlock();
    } else {
      rd.statement();
    }
  }
  if (rd.stack.length > 1) rd.problems.push('unclosed block at end of file');
  return { nodes: rd.root, problems: rd.problems };
}

/** A position in a policy file's text and the tree read so far: one method per kind of statement. */
class SyntaxReader {
  i = 0;
  line = 1;
  readonly root: SyntaxNode[] = [];
  /** The open blocks' bodies, innermost last. */
  readonly stack: SyntaxNode[][] = [this.root];
  /** The open blocks themselves, innermost last (one fewer than `stack`: the file is no block). */
  private readonly open: BlockNode[] = [];
  readonly problems: string[] = [];

  constructor(private readonly text: string) {}

  /** The body new statements go to. */
  private get top(): SyntaxNode[] {
    return this.stack[this.stack.length - 1];
  }

  private restOfLine(): string {
    let j = this.text.indexOf('\n', this.i);
    if (j < 0) j = this.text.length;
    const s = this.text.slice(this.i, j);
    this.i = j;
    return s;
  }

  /** `#include <...>`, `include if exists "..."`, or a comment: the rest of the line. */
  includeOrComment(c: string): void {
    const startLine = this.line;
    const l = this.restOfLine();
    const m = INCLUDE_RE.exec(l);
    if (m && (c !== '#' || l.startsWith('#include'))) {
      const ref = (m[2] ?? m[3] ?? m[4]).trim().replace(/,$/, '');
      this.top.push({ type: 'include', ref, quoted: m[2] === undefined, ifExists: !!m[1], line: startLine });
    } else if (c !== '#') {
      this.problems.push(`line ${startLine}: unreadable include: ${l.slice(0, 80)}`);
    }
  }

  /** `@{NAME} = values` or `+=`, one line; false (nothing read) when the line is no assignment. */
  variable(): boolean {
    const save = this.i;
    const m = VAR_RE.exec(stripComment(this.restOfLine()));
    if (m) {
      this.top.push({ type: 'var', name: m[1] ?? m[2], append: m[3] === '+', values: splitWords(m[4].replace(/,\s*$/, '')), line: this.line });
      return true;
    }
    this.i = save;
    return false;
  }

  /** `$NAME = true` or `false`, one line, with no comma. */
  booleanVariable(): boolean {
    const save = this.i;
    const m = BOOLEAN_VAR_RE.exec(stripComment(this.restOfLine()));
    if (m) {
      this.top.push({ type: 'bool', name: m[1] ?? m[2], value: m[3].toLowerCase() === 'true', line: this.line });
      return true;
    }
    this.i = save;
    return false;
  }

  /** A `}` between statements: the innermost block ends. */
  closeBlock(): void {
    if (this.stack.length > 1) {
      this.stack.pop();
      this.open.pop()!.end = this.line;
    } else this.problems.push(`line ${this.line}: unbalanced }`);
    this.i++;
  }

  /** An ordinary statement: up to `,` (a rule) or a standalone `{` (a block's header). */
  statement(): void {
    const { text } = this;
    const n = text.length;
    const top = this.top;
    const startLine = this.line;
    let stmt = '';
    let paren = 0;
    let brace = 0;
    let quoted = false;
    for (; this.i < n; this.i++) {
      const ch = text[this.i];
      if (ch === '\n') this.line++;
      if (quoted) {
        stmt += ch;
        if (ch === '\\' && this.i + 1 < n) stmt += text[++this.i];
        else if (ch === '"') quoted = false;
        continue;
      }
      if (ch === '"') {
        quoted = true;
        stmt += ch;
        continue;
      }
      if (ch === '#' && (stmt === '' || /\s$/.test(stmt))) {
        const j = text.indexOf('\n', this.i);
        this.i = (j < 0 ? n : j) - 1;
        continue;
      }
      if (ch === '(') paren++;
      else if (ch === ')') paren = Math.max(0, paren - 1);
      else if (ch === '{') {
        const standalone = (stmt === '' || /[\s)]$/.test(stmt)) && (this.i + 1 >= n || /[\s}]/.test(text[this.i + 1]));
        if (standalone && paren === 0 && brace === 0) {
          const block: BlockNode = { type: 'block', header: stmt.trim(), line: startLine, body: [] };
          top.push(block);
          this.stack.push(block.body);
          this.open.push(block);
          this.i++;
          return;
        }
        brace++;
      } else if (ch === '}') {
        if (brace > 0) brace--;
        else {
          // a rule without its comma right before the block ends: take it, let the loop close the block
          if (stmt.trim()) top.push({ type: 'rule', text: stmt.trim(), line: startLine });
          return;
        }
      } else if (ch === ',' && paren === 0 && brace === 0) {
        if (stmt.trim()) top.push({ type: 'rule', text: stmt.trim(), line: startLine });
        this.i++;
        return;
      }
      stmt += ch;
    }
    if (stmt.trim()) this.problems.push(`line ${startLine}: statement without its closing comma: ${stmt.trim().slice(0, 80)}`);
  }
}

const stripComment = (s: string): string => s.replace(/(^|\s)#.*$/, '$1').trim();
