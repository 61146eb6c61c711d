/**
 * Applying a suggested rule, and taking it back. I/O edge around the pure parts (rule-scope,
 * rule-edit, plan, verify), run through the sequence of every action that edits files
 * (file-edits.ts), with two checks of its own:
 *
 * - the profile with the rule is compiled first on a temporary copy (`apparmor_parser -Q -K` with
 *   the real profiles directory as base): a rule that does not parse is never written;
 * - undo touches a file only when it is still byte for byte what the action left (sha256), and
 *   otherwise says so and shows what changed.
 */
import { lstat, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { ActionJournalEntry } from '../model/action.js';
import { generatedOwner, managedAdvice } from '../profiles/managed.js';
import type { ManagedBy } from '../profiles/types.js';
import { DEFAULT_TIMEOUT_MS, hasCommand, runStep } from './execute.js';
import { cutOutput, newActionId } from './journal.js';
import type { ActionEnv } from './perform.js';
import { performEdits, readOrNull, sha256, type EditOutcome } from './file-edits.js';
import { buildPlan, type ActionPlan } from './plan.js';
import type { Target } from './resolve-target.js';
import { findBlock, insertAt, lineDiff, placeRules, removeAt, type FileEdit, type Placement } from './rule-edit.js';

export interface AllowPreparation {
  id: string;
  plan: ActionPlan;
  rules: string[];
  placement: Placement;
  /** The diff of every file, for the dialog and `--dry-run`. */
  diff: string[];
}

/** A local include path must stay a plain file under <root>/local/ (no symlink out of it). */
async function localPathProblem(path: string, root: string): Promise<string | undefined> {
  if (dirname(path) !== join(root, 'local')) return `${path} is not directly under ${join(root, 'local')}`;
  const dir = await stat(dirname(path)).catch(() => undefined);
  if (dir && !dir.isDirectory()) return `${dirname(path)} is not a directory`;
  const st = await lstat(path).catch(() => undefined);
  if (st && !st.isFile()) return `${path} is not a regular file (a symlink or something else): add the rule by hand`;
  return undefined;
}

export type Prepared = { ok: true; prep: AllowPreparation } | { ok: false; reason: string };

/** Decides where the rules go and what every file will look like; writes nothing. */
export async function prepareAllow(target: Target, rules: string[], now: Date = new Date(), id: string = newActionId()): Promise<Prepared> {
  if (!rules.length) return { ok: false, reason: 'no rule to apply' };
  const text = await readFile(target.file, 'utf8');
  const locals = new Map<string, string | null>();
  for (const ref of [...text.matchAll(/<(local\/[^>\n]+)>/g)].map((m) => m[1]).concat(`local/${basename(target.file)}`)) {
    const path = join(target.root, ref);
    const problem = await localPathProblem(path, target.root);
    if (problem) return { ok: false, reason: problem };
    locals.set(ref, await readOrNull(path));
  }
  const placed = placeRules({
    id,
    when: now.toISOString().slice(0, 19) + 'Z',
    rules,
    profile: target.requested,
    file: target.file,
    text,
    root: target.root,
    readLocal: (ref) => locals.get(ref) ?? null,
  });
  if (!placed.ok) return { ok: false, reason: placed.reason };
  const plan = buildPlan('allow', target);
  plan.summary = `add ${rules.length === 1 ? 'a rule' : `${rules.length} rules`} to ${target.requested} in ${placed.placement.where}, then load ${target.file} again`;
  const diff = placed.placement.edits.flatMap((e) => lineDiff(e.before, e.after, e.file));
  return { ok: true, prep: { id, plan, rules, placement: placed.placement, diff } };
}

export type RuleCheckResult = { ok: true; note?: string } | { ok: false; reason: string; output?: string };

/**
 * Compiles the profile with the rules added, without loading it and without the cache, on a
 * temporary copy whose includes resolve against the real profiles directory. The rules go straight
 * into the profile's block there, which is what the local include amounts to.
 */
export async function checkRules(prep: AllowPreparation, env: ActionEnv): Promise<RuleCheckResult> {
  const t = prep.plan.target;
  if (!hasCommand('apparmor_parser', env.env ?? process.env))
    return { ok: false, reason: 'apparmor_parser is not installed: the rule cannot be checked, and the profile could not be reloaded either' };
  const text = await readFile(t.file, 'utf8');
  const block = findBlock(text, t.requested);
  if (!block) return { ok: false, reason: `cannot find the block of ${t.requested} in ${t.file}` };
  const dir = await mkdtemp(join(tmpdir(), 'aa-triage-check-'));
  try {
    const copy = join(dir, basename(t.file));
    await writeFile(
      copy,
      insertAt(
        text,
        block.end,
        prep.rules.map((r) => `  ${r}`),
      ),
      { mode: 0o600 },
    );
    const r = await runStep(['apparmor_parser', '-Q', '-K', '--base', t.root, copy], { timeoutMs: env.timeoutMs ?? DEFAULT_TIMEOUT_MS, env: env.env });
    if (r.exitCode === 0) return { ok: true };
    const said = `${r.stderr}\n${r.stdout}\n${r.startError ?? ''}`
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    // the error, not a warning printed before it (without the kernel's interface the parser first
    // says `Cache read/write disabled: interface file missing.`)
    const first = said.find((l) => ERROR_LINE_RE.test(l)) ?? said[0];
    return { ok: false, reason: `apparmor_parser does not accept the profile with this rule${first ? `: ${first.split(copy).join(t.file)}` : ''}`, output: cutOutput(said.join('\n')) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A line of apparmor_parser's that reports the failure (`AppArmor parser error for ...`, `... error ...`). */
const ERROR_LINE_RE = /\berror\b/i;

export async function performAllow(prep: AllowPreparation, env: ActionEnv, extra: { trigger?: ActionJournalEntry['trigger']; reason?: string } = {}): Promise<EditOutcome> {
  return performEdits({ id: prep.id, plan: prep.plan, edits: prep.placement.edits, kind: 'add', rules: prep.rules, keepMode: true, ...extra }, env);
}

export interface UndoAllowPreparation {
  plan: ActionPlan;
  edits: FileEdit[];
  diff: string[];
  undoOf: string;
}

export type UndoPrepared = { ok: true; prep: UndoAllowPreparation } | { ok: false; reason: string; diff?: string[] };

/** What undoing an allow would write: refused when a file is no longer what the allow left. */
export async function prepareUndoAllow(entry: ActionJournalEntry, target: Target): Promise<UndoPrepared> {
  const edits: FileEdit[] = [];
  for (const j of entry.edits ?? []) {
    const now = await readOrNull(j.file);
    if (now === null) return { ok: false, reason: `cannot undo: ${j.file} no longer exists; nothing was touched` };
    if (!j.sha256After || sha256(now) !== j.sha256After) {
      const diff = j.after !== undefined ? lineDiff(j.after, now, j.file) : undefined;
      return {
        ok: false,
        reason: `cannot undo: ${j.file} was changed since the rule was added (by someone else or another tool); nothing was touched. Remove the lines by hand${diff ? '; the changes since:' : '.'}`,
        diff,
      };
    }
    const added = j.added ?? [];
    const restored = removeAt(now, j.at, added);
    if (restored === undefined) return { ok: false, reason: `cannot undo: the added lines are not at line ${j.at + 1} of ${j.file}; nothing was touched` };
    edits.push({ file: j.file, created: !!j.created, before: now, after: j.created ? '' : restored, at: j.at, added });
  }
  if (!edits.length) return { ok: false, reason: 'cannot undo: the journal entry lists no file change' };
  const plan = buildPlan('remove-rule', target);
  const diff = edits.flatMap((e) => (e.created ? [`--- ${e.file}`, `(deleted: aa-triage created it for this rule)`] : lineDiff(e.before, e.after, e.file)));
  return { ok: true, prep: { plan, edits: edits.reverse(), diff, undoOf: entry.id } };
}

export async function performUndoAllow(prep: UndoAllowPreparation, env: ActionEnv): Promise<EditOutcome> {
  return performEdits({ id: newActionId(), plan: prep.plan, edits: prep.edits, kind: 'remove', undoOf: prep.undoOf, keepMode: true }, env);
}

/** The fix for a generated profile, when the name or the index says a daemon owns it. */
export function generatedRefusal(name: string, managedBy: string | undefined): string | undefined {
  const owner = (managedBy as ManagedBy | undefined) ?? generatedOwner(name);
  return owner ? `${name} is generated by ${owner}, which rewrites it: a rule added by hand would be lost. ${managedAdvice(owner)}` : undefined;
}
