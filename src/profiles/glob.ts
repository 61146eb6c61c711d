/**
 * AppArmor path globs and variables, compiled once to anchored regular expressions.
 *
 * Glob syntax (apparmor.d(5)): `*` any run of characters except `/`, `**` any run including `/`,
 * `?` one character except `/`, `[abc]` / `[^abc]` / `[a-z]` a character class, `{a,b,c}`
 * alternation (nestable, may hold empty alternatives). `\` escapes the next character.
 * Variables `@{NAME}` hold one or more values; a path using them is the alternation of every
 * expansion, with the doubled slashes AppArmor collapses (`@{HOME}/.ssh` with `/root/`) collapsed.
 */

export type Variables = ReadonlyMap<string, readonly string[]>;

const GLOB_CHARS = /[*?[{\\]/;
const VAR_RE = /@\{([A-Za-z0-9_:+-]+)\}/;
/** Expansions beyond this many alternatives stay as nested alternations instead. */
const MAX_EXPANSIONS = 256;

/** Replaces every `@{VAR}` by its values; unknown variables become `*` (one path component). */
export function expandVariables(pattern: string, vars: Variables, depth = 0): string[] {
  const m = VAR_RE.exec(pattern);
  if (!m) return [collapseSlashes(pattern)];
  const values = depth < 8 ? vars.get(m[1]) : undefined;
  const head = pattern.slice(0, m.index);
  const tail = pattern.slice(m.index + m[0].length);
  const choices = values && values.length ? values : ['*'];
  const out: string[] = [];
  for (const v of choices) {
    for (const e of expandVariables(head + v + tail, vars, depth + 1)) {
      out.push(e);
      if (out.length >= MAX_EXPANSIONS) return [collapseSlashes(`${head}{${choices.join(',')}}${tail}`)];
    }
  }
  return [...new Set(out)];
}

function collapseSlashes(p: string): string {
  return p.replace(/\/{2,}/g, '/');
}

export function hasGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern) || pattern.includes('@{');
}

/** The literal start of a pattern, up to its first glob character. */
export function literalPrefix(pattern: string): string {
  const i = pattern.search(/[*?[{\\]|@\{/);
  return i < 0 ? pattern : pattern.slice(0, i);
}

function escapeRe(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : ch;
}

/** Translates one expanded glob (no variables left) to a regular-expression source. */
export function globToRegexSource(glob: string): string {
  let out = '';
  let braceDepth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\' && i + 1 < glob.length) {
      out += escapeRe(glob[++i]);
    } else if (c === '*') {
      if (glob[i + 1] === '*') {
        while (glob[i + 1] === '*') i++;
        out += '.*';
      } else out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, end);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      body = body.replace(/[\\\]^]/g, (x) => `\\${x}`);
      out += negate ? `[^/${body}]` : `[${body}]`;
      i = end;
    } else if (c === '{') {
      braceDepth++;
      out += '(?:';
    } else if (c === ',' && braceDepth > 0) {
      out += '|';
    } else if (c === '}' && braceDepth > 0) {
      braceDepth--;
      out += ')';
    } else {
      out += escapeRe(c);
    }
  }
  while (braceDepth-- > 0) out += ')';
  return out;
}

export interface CompiledGlob {
  /** The pattern as written in the profile. */
  source: string;
  /** The pattern with variables expanded (alternatives). */
  expanded: string[];
  re: RegExp;
}

export function compileGlob(pattern: string, vars: Variables): CompiledGlob {
  const expanded = expandVariables(pattern, vars);
  const src = expanded.map(globToRegexSource).join('|');
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${src})$`, 's');
  } catch {
    re = /(?!)/; // an unparsable pattern matches nothing: never widen what a profile allows
  }
  return { source: pattern, expanded, re };
}
