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
  | { type: 'block'; header: string; line: number; body: SyntaxNode[] };

const INCLUDE_RE = /^#?include(\s+if\s+exists)?\s*(?:<([^>]*)>|"([^"]*)"|(\S+))/;
const VAR_RE = /^@\{([A-Za-z0-9_:+-]+)\}\s*(\+?)=\s*(.*)$/;

/** Splits a variable's value list: words separated by spaces, quoted words kept whole. */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]);
  return out;
}

export function parseSyntax(text: string): { nodes: SyntaxNode[]; problems: string[] } {
  const root: SyntaxNode[] = [];
  const stack: SyntaxNode[][] = [root];
  const problems: string[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;

  const restOfLine = (): string => {
    let j = text.indexOf('\n', i);
    if (j < 0) j = n;
    const s = text.slice(i, j);
    i = j;
    return s;
  };
  const stripComment = (s: string): string => s.replace(/(^|\s)#.*$/, '$1').trim();

  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === '#' || text.startsWith('include', i)) {
      const startLine = line;
      const l = restOfLine();
      const m = INCLUDE_RE.exec(l);
      if (m && (c !== '#' || l.startsWith('#include'))) {
        const ref = (m[2] ?? m[3] ?? m[4]).trim().replace(/,$/, '');
        top.push({ type: 'include', ref, quoted: m[2] === undefined, ifExists: !!m[1], line: startLine });
      } else if (c !== '#') {
        problems.push(`line ${startLine}: unreadable include: ${l.slice(0, 80)}`);
      }
      continue;
    }
    if (c === '@' && text[i + 1] === '{') {
      const save = i;
      const l = restOfLine();
      const m = VAR_RE.exec(stripComment(l));
      if (m) {
        top.push({ type: 'var', name: m[1], append: m[2] === '+', values: splitWords(m[3].replace(/,\s*$/, '')), line });
        continue;
      }
      i = save; // a rule that starts with a variable (`@{PROC}/... r,`)
    }
    if (c === '}') {
      if (stack.length > 1) stack.pop();
      else problems.push(`line ${line}: unbalanced }`);
      i++;
      continue;
    }
    // an ordinary statement: up to `,` (a rule) or a standalone `{` (a block)
    const startLine = line;
    let stmt = '';
    let paren = 0;
    let brace = 0;
    let quoted = false;
    let ended = false;
    for (; i < n; i++) {
      const ch = text[i];
      if (ch === '\n') line++;
      if (quoted) {
        stmt += ch;
        if (ch === '\\' && i + 1 < n) stmt += text[++i];
        else if (ch === '"') quoted = false;
        continue;
      }
      if (ch === '"') {
        quoted = true;
        stmt += ch;
        continue;
      }
      if (ch === '#' && (stmt === '' || /\s$/.test(stmt))) {
        const j = text.indexOf('\n', i);
        i = (j < 0 ? n : j) - 1;
        continue;
      }
      if (ch === '(') paren++;
      else if (ch === ')') paren = Math.max(0, paren - 1);
      else if (ch === '{') {
        const standalone = (stmt === '' || /[\s)]$/.test(stmt)) && (i + 1 >= n || /[\s}]/.test(text[i + 1]));
        if (standalone && paren === 0 && brace === 0) {
          const body: SyntaxNode[] = [];
          top.push({ type: 'block', header: stmt.trim(), line: startLine, body });
          stack.push(body);
          i++;
          ended = true;
          break;
        }
        brace++;
      } else if (ch === '}') {
        if (brace > 0) brace--;
        else {
          // a rule without its comma right before the block ends: take it, let the loop close the block
          if (stmt.trim()) top.push({ type: 'rule', text: stmt.trim(), line: startLine });
          ended = true;
          break;
        }
      } else if (ch === ',' && paren === 0 && brace === 0) {
        if (stmt.trim()) top.push({ type: 'rule', text: stmt.trim(), line: startLine });
        i++;
        ended = true;
        break;
      }
      stmt += ch;
    }
    if (!ended && stmt.trim()) problems.push(`line ${startLine}: statement without its closing comma: ${stmt.trim().slice(0, 80)}`);
  }
  if (stack.length > 1) problems.push('unclosed block at end of file');
  return { nodes: root, problems };
}
