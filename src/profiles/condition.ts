/**
 * Conditional blocks of a policy file (`if EXPR {`, `} else if EXPR {`, `} else {`): which branch
 * apparmor_parser compiles. It evaluates the expression when it reads the file, from the boolean
 * variables (`$NAME = true`) and the set variables (`@{NAME} = ...`) defined before it, and keeps
 * only the branch taken: a rule or a hat in a branch not taken is not in the loaded policy.
 *
 * The expression (the parser's grammar): `or` of `and` of an optionally negated factor (`not`),
 * the factor being `$NAME`, `defined $NAME`, `defined @{NAME}` (or `@NAME`), `true`, `false` or a
 * parenthesised expression (`and`, `or`, the literals and parentheses are AppArmor 5's: an older
 * parser refuses the file). Anything else (a comparison of newer parsers, a word it does not
 * know) and a variable this file's reader cannot see are unknown: the branch may or may not be
 * taken, and is read as before, since leaving it out could be as false as keeping it. Pure.
 */

/** What a condition can ask of the variables defined before it. undefined: cannot be known here. */
export interface ConditionEnv {
  /** The value of the boolean variable `$NAME`. */
  bool(name: string): boolean | undefined;
  /** Whether a boolean variable `$NAME` is defined. */
  hasBool(name: string): boolean | undefined;
  /** Whether a set variable `@{NAME}` is defined. */
  hasVar(name: string): boolean | undefined;
}

/**
 * What a condition sees of the variables a file defined before it. `complete()`: every file it
 * included was read, so a name not defined there is not defined; `hostMay(name)`: a set variable
 * the host may define in files not read here (the tunables).
 */
export function definedSoFar(bools: ReadonlyMap<string, boolean>, vars: { has(name: string): boolean }, complete: () => boolean, hostMay: (name: string) => boolean = () => false): ConditionEnv {
  return {
    bool: (name) => bools.get(name),
    hasBool: (name) => (bools.has(name) ? true : complete() ? false : undefined),
    hasVar: (name) => (vars.has(name) ? true : !complete() || hostMay(name) ? undefined : false),
  };
}

/**
 * `defined $NAME`: apparmor_parser 3.0 asks whether a set variable or a boolean variable has that
 * name, 6.0 whether a set variable has: a boolean alone is defined for the one and not for the
 * other, so the answer depends on the host's parser. (4.1 refuses the file when no boolean has the
 * name: then nothing of it is loaded, whatever is read here.)
 */
function definedDollar(name: string, env: ConditionEnv): boolean | undefined {
  const v = env.hasVar(name);
  if (v === true) return true;
  const b = env.hasBool(name);
  if (v === undefined || b !== false) return undefined;
  return false;
}

/** A block header that is a branch of a conditional, with its expression (`else` has none). */
export function branchOf(header: string): { kind: 'if' | 'else if' | 'else'; expr: string } | undefined {
  const m = /^(if|else\s+if|else)(?:\s+([\s\S]*))?$/.exec(header);
  if (!m) return undefined;
  const kind = m[1] === 'if' ? 'if' : m[1] === 'else' ? 'else' : 'else if';
  const expr = (m[2] ?? '').trim();
  if (kind === 'else' ? expr !== '' : expr === '') return undefined;
  return { kind, expr };
}

/** Parentheses, then variables, then words: what the expression is made of, in order. */
const TOKEN_RE = /\(|\)|\$\{[A-Za-z0-9_]+\}|\$[A-Za-z0-9_]+|@\{[A-Za-z0-9_:+-]+\}|@[A-Za-z0-9_]+|[^\s()]+/g;

function tokens(expr: string): string[] {
  return expr.match(TOKEN_RE) ?? [];
}

/** `$NAME` or `${NAME}` -> NAME. */
function boolName(t: string): string | undefined {
  if (t[0] !== '$') return undefined;
  return t[1] === '{' ? t.slice(2, -1) : t.slice(1);
}

/** `@{NAME}` or `@NAME` -> NAME. */
function varName(t: string): string | undefined {
  if (t[0] !== '@') return undefined;
  return t[1] === '{' ? t.slice(2, -1) : t.slice(1);
}

/** Kleene's three-valued and/or/not: undefined is "unknown". */
function and(a: boolean | undefined, b: boolean | undefined): boolean | undefined {
  if (a === false || b === false) return false;
  return a === true && b === true ? true : undefined;
}
function or(a: boolean | undefined, b: boolean | undefined): boolean | undefined {
  if (a === true || b === true) return true;
  return a === false && b === false ? false : undefined;
}

const MAX_TOKENS = 256;

/** The expression's value: true, false, or undefined when it cannot be known here. */
export function conditionValue(expr: string, env: ConditionEnv): boolean | undefined {
  const ts = tokens(expr);
  // the parser's grammar nests (`not`, parentheses): a condition longer than any policy writes is
  // not followed down, so no file can exhaust the stack
  if (ts.length === 0 || ts.length > MAX_TOKENS) return undefined;
  let i = 0;
  let broken = false;
  /** `operand (word operand)*`, combined left to right. */
  const joined = (word: string, operand: () => boolean | undefined, combine: typeof and): boolean | undefined => {
    let v = operand();
    while (ts[i] === word) {
      i++;
      v = combine(v, operand());
    }
    return v;
  };
  const orExpr = (): boolean | undefined => joined('or', andExpr, or);
  const andExpr = (): boolean | undefined => joined('and', notExpr, and);
  const notExpr = (): boolean | undefined => {
    if (ts[i] === 'not') {
      i++;
      const v = notExpr();
      return v === undefined ? undefined : !v;
    }
    return factor();
  };
  const factor = (): boolean | undefined => {
    const t = ts[i++];
    if (t === undefined) {
      broken = true;
      return undefined;
    }
    if (t === '(') {
      const v = orExpr();
      if (ts[i++] !== ')') broken = true;
      return v;
    }
    if (t === 'true') return true;
    if (t === 'false') return false;
    if (t === 'defined') {
      const what = ts[i++] ?? '';
      const b = boolName(what);
      if (b !== undefined) return definedDollar(b, env);
      const v = varName(what);
      if (v !== undefined) return env.hasVar(v);
      broken = true;
      return undefined;
    }
    const b = boolName(t);
    if (b !== undefined) return env.bool(b);
    // a comparison or a word of a newer grammar: its operands are read and its value is unknown
    broken = true;
    return undefined;
  };
  const v = orExpr();
  if (broken || i !== ts.length) return undefined;
  return v;
}

/** Where the chain of branches stands before the next one. */
const NO_CHAIN = 0;
/** Every earlier branch is surely not taken. */
const OPEN = 1;
/** An earlier branch is surely taken. */
const TAKEN = 2;
/** An earlier branch may have been taken. */
const UNSURE = 3;

/**
 * Follows the branches of the blocks of one body, in order: `enter(header)` says whether a block
 * is read (a block that is no branch always is; a branch surely not taken is not; a branch that
 * may be taken is). `other()` is called for every statement that is no block: it ends a chain.
 */
export class BranchChain {
  private state = NO_CHAIN;
  constructor(private readonly env: ConditionEnv) {}

  other(): void {
    this.state = NO_CHAIN;
  }

  enter(header: string): boolean {
    const b = branchOf(header);
    if (b === undefined) {
      this.state = NO_CHAIN;
      return true;
    }
    if (b.kind === 'if') this.state = OPEN;
    else if (this.state === NO_CHAIN) {
      // an `else` that follows no `if`: the parser refuses the file; read as before
      return true;
    }
    const prior = this.state;
    if (prior === TAKEN) return false;
    const v = b.kind === 'else' ? true : conditionValue(b.expr, this.env);
    if (v === false) {
      // OPEN stays OPEN, UNSURE stays UNSURE
      return false;
    }
    this.state = v === true ? TAKEN : UNSURE;
    return true;
  }
}
