/**
 * Applying a suggested rule, and taking it back. I/O edge around the pure parts (rule-scope,
 * rule-edit, plan, verify): the same sequence as every other action (actions allowed? kernel state
 * read, intent journaled and fsynced, change, reload, state read again, result journaled), plus the
 * file edits, which are checked before anything is written:
 *
 * - the files are read when the dialog opens and again just before writing; a file that changed in
 *   between is not touched;
 * - the profile with the rule is compiled first on a temporary copy (`apparmor_parser -Q -K` with
 *   the real profiles directory as base): a rule that does not parse is never written;
 * - a reload that fails puts the files back as they were;
 * - undo touches a file only when it is still byte for byte what the action left (sha256), and
 *   otherwise says so and shows what changed.
 */
import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { ActionJournalEntry, JournaledEdit } from '../model/action.js';
import { generatedOwner, managedAdvice } from '../profiles/managed.js';
import type { ManagedBy } from '../profiles/types.js';
import { actionsAvailability } from './confirm.js';
import { DEFAULT_TIMEOUT_MS, hasCommand, runStep } from './execute.js';
import { appendJournal, cutOutput, newActionId } from './journal.js';
import { readLoadedProfiles } from './kernel-state.js';
import { journalResult, resultEntry, stepsInput, type ActionDone, type ActionEnv } from './perform.js';
import { buildPlan, type ActionPlan, type ExpectedState } from './plan.js';
import type { Target } from './resolve-target.js';
import { findBlock, insertAt, lineDiff, placeRules, removeAt, type FileEdit, type Placement } from './rule-edit.js';
import { judge, type StepResult } from './verify.js';

/** Files larger than this are not copied into the journal (the hash still guards the undo). */
const MAX_JOURNALED_FILE = 64_000;

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface AllowPreparation {
  id: string;
  plan: ActionPlan;
  rules: string[];
  placement: Placement;
  /** The diff of every file, for the dialog and `--dry-run`. */
  diff: string[];
}

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
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

/** Writes a file through a temporary name in the same directory, keeping the old file's mode. */
async function writeAtomically(path: string, text: string, create: boolean): Promise<void> {
  if (create) {
    // local/ exists on every distribution that ships profiles; a bare profiles directory may lack it
    await mkdir(dirname(path), { mode: 0o755 }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    const fh = await open(path, 'wx', 0o644);
    try {
      await fh.write(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    return;
  }
  const st = await stat(path);
  const tmp = join(dirname(path), `.${basename(path)}.aa-triage-${process.pid}`);
  const fh = await open(tmp, 'wx', st.mode & 0o7777);
  try {
    await fh.write(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await chmod(tmp, st.mode & 0o7777);
  await rename(tmp, path);
}

function journaled(e: FileEdit, kind: 'add' | 'remove'): JournaledEdit {
  return {
    file: e.file,
    ...(e.created ? (kind === 'add' ? { created: true } : { deleted: true }) : {}),
    at: e.at,
    ...(kind === 'add' ? { added: e.added } : { removed: e.added }),
    diff: lineDiff(e.before, e.after, e.file),
    ...(kind === 'add' ? { sha256After: sha256(e.after), ...(e.after.length <= MAX_JOURNALED_FILE ? { after: e.after } : {}) } : {}),
  };
}

export interface EditReport extends ActionDone {
  /** The files were put back after a failed reload. */
  restored?: boolean;
}

export type EditOutcome = EditReport | { done: false; refused: string };

interface EditRequest {
  id: string;
  plan: ActionPlan;
  edits: FileEdit[];
  kind: 'add' | 'remove';
  rules?: string[];
  trigger?: ActionJournalEntry['trigger'];
  reason?: string;
  undoOf?: string;
}

/** The shared sequence of an allow and its undo. */
async function performEdits(req: EditRequest, env: ActionEnv): Promise<EditOutcome> {
  const allowed = actionsAvailability(env);
  if (!allowed.enabled) return { done: false, refused: allowed.reason };
  for (const e of req.edits) {
    const now = await readOrNull(e.file);
    if (e.created && req.kind === 'add' ? now !== null : now !== e.before) {
      return { done: false, refused: `${e.file} changed since the dialog opened: nothing was written; open the dialog again` };
    }
  }
  const clock = env.now ?? (() => new Date());
  // the reload reads the profile's part of the file as the edits leave it
  const edited = req.edits.find((e) => e.file === req.plan.target.file);
  const input = await stepsInput(req.plan, edited?.after);
  if (!input.ok) return { done: false, refused: input.reason };
  const before = await readLoadedProfiles(env.securityfs);
  const modeBefore = before.ok ? (before.profiles.get(req.plan.target.profile) ?? 'not loaded') : undefined;
  // the same mode as before: a rule changes what is allowed, never the mode
  const plan: ActionPlan = modeBefore === 'enforce' || modeBefore === 'complain' ? { ...req.plan, expect: modeBefore as ExpectedState } : req.plan;
  const t = plan.target;
  const intent: ActionJournalEntry = {
    v: 1,
    id: req.id,
    phase: 'intent',
    time: clock().toISOString(),
    operator: env.operator,
    host: env.host,
    action: plan.action,
    profile: t.profile,
    file: t.file,
    argv: plan.steps,
    ...(input.kept ? { input: input.kept } : {}),
    ...(t.viaParent || t.requested !== t.profile ? { requested: t.requested } : {}),
    ...(req.trigger ? { trigger: req.trigger } : {}),
    ...(modeBefore !== undefined ? { modeBefore } : {}),
    ...(req.reason ? { reason: req.reason } : {}),
    ...(req.undoOf ? { undoOf: req.undoOf } : {}),
    ...(req.rules ? { rules: req.rules } : {}),
    edits: req.edits.map((e) => journaled(e, req.kind)),
  };
  try {
    await appendJournal(env.journalPath, intent);
  } catch (err) {
    return { done: false, refused: `cannot write the action journal ${env.journalPath}: ${(err as Error).message} (nothing was changed)` };
  }
  const written: FileEdit[] = [];
  let writeError: string | undefined;
  for (const e of req.edits) {
    try {
      if (req.kind === 'remove' && e.created) await unlink(e.file);
      else await writeAtomically(e.file, e.after, req.kind === 'add' && e.created);
      written.push(e);
    } catch (err) {
      writeError = `cannot write ${e.file}: ${(err as Error).message}`;
      break;
    }
  }
  let steps: StepResult[] = [];
  if (!writeError) steps = [await runStep(plan.steps[0], { timeoutMs: env.timeoutMs ?? DEFAULT_TIMEOUT_MS, env: env.env, input: input.input })];
  const reloadFailed = !writeError && steps[0].exitCode !== 0;
  let restored = false;
  if (writeError || reloadFailed) {
    // the kernel still has the old policy: put the files back as they were
    for (const e of written.reverse()) {
      try {
        if (req.kind === 'add' && e.created) await unlink(e.file);
        else await writeAtomically(e.file, e.before, req.kind === 'remove' && e.created);
      } catch {
        // reported below: the result says the files were not all restored
      }
    }
    restored = true;
  }
  const after = await readLoadedProfiles(env.securityfs);
  const judgement = judge(plan, before, after, steps);
  if (writeError) judgement.outcome = 'failed';
  if (writeError) judgement.message = `failed: ${writeError}; nothing was reloaded`;
  if (reloadFailed) judgement.outcome = 'failed';
  if (restored) judgement.message += `; the files were put back as they were`;
  const result: ActionJournalEntry = { ...resultEntry(intent, steps, judgement, clock()), ...(restored ? { edits: [] } : {}) };
  const journalError = await journalResult(env.journalPath, result, judgement);
  return { done: true, id: req.id, judgement, steps, intent, result, ...(restored ? { restored } : {}), ...(journalError ? { journalError } : {}) };
}

export async function performAllow(prep: AllowPreparation, env: ActionEnv, extra: { trigger?: ActionJournalEntry['trigger']; reason?: string } = {}): Promise<EditOutcome> {
  return performEdits({ id: prep.id, plan: prep.plan, edits: prep.placement.edits, kind: 'add', rules: prep.rules, ...extra }, env);
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
  return performEdits({ id: newActionId(), plan: prep.plan, edits: prep.edits, kind: 'remove', undoOf: prep.undoOf }, env);
}

/** The fix for a generated profile, when the name or the index says a daemon owns it. */
export function generatedRefusal(name: string, managedBy: string | undefined): string | undefined {
  const owner = (managedBy as ManagedBy | undefined) ?? generatedOwner(name);
  return owner ? `${name} is generated by ${owner}, which rewrites it: a rule added by hand would be lost. ${managedAdvice(owner)}` : undefined;
}
