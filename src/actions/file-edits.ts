/**
 * The sequence of an action that edits profile files (an allow, a mode flag written without
 * aa-complain, and their undo): the same as every other action (actions allowed? kernel state
 * read, intent journaled and fsynced, change, reload, state read again, result journaled), plus
 * the edits, checked before anything is written:
 *
 * - each file must still be what the dialog showed (read again just before writing);
 * - files are written through a temporary name in their directory, keeping their mode;
 * - a reload that fails puts the files back as they were;
 * - the journal keeps each edit's lines and the file's hash as the action left it, so an undo
 *   touches only a file that is still so.
 *
 * I/O edge: reads and writes files, runs the reload.
 */
import { createHash } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ActionJournalEntry, JournaledEdit } from '../model/action.js';
import { actionsAvailability } from './confirm.js';
import { DEFAULT_TIMEOUT_MS, runStep } from './execute.js';
import { appendJournal } from './journal.js';
import { readLoadedProfiles } from './kernel-state.js';
import { journalResult, resultEntry, stepsInput, withProfileLock, type ActionDone, type ActionEnv } from './perform.js';
import type { ActionPlan, ExpectedState } from './plan.js';
import { lineDiff, type FileEdit } from './rule-edit.js';
import { judge, type StepResult } from './verify.js';

/** Files larger than this are not copied into the journal (the hash still guards the undo). */
const MAX_JOURNALED_FILE = 64_000;

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

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
    ...(e.replaced ? { replaced: e.replaced } : kind === 'add' ? { added: e.added } : { removed: e.added }),
    diff: lineDiff(e.before, e.after, e.file),
    ...(kind === 'add' ? { sha256After: sha256(e.after), ...(e.after.length <= MAX_JOURNALED_FILE ? { after: e.after } : {}) } : {}),
  };
}

export interface EditReport extends ActionDone {
  /** The files were put back after a failed reload. */
  restored?: boolean;
}

export type EditOutcome = EditReport | { done: false; refused: string };

export interface EditRequest {
  id: string;
  plan: ActionPlan;
  edits: FileEdit[];
  kind: 'add' | 'remove';
  rules?: string[];
  trigger?: ActionJournalEntry['trigger'];
  reason?: string;
  /** The reason overrides a likely-attack verdict. */
  override?: boolean;
  undoOf?: string;
  /** The edit changes what is allowed, never the mode (an allow, its undo): the mode before is the one expected after. */
  keepMode?: boolean;
}

/** The shared sequence of every action that edits files. */
export async function performEdits(req: EditRequest, env: ActionEnv): Promise<EditOutcome> {
  const allowed = actionsAvailability(env);
  if (!allowed.enabled) return { done: false, refused: allowed.reason };
  return withProfileLock(env, req.plan.target.profile, () => editsLocked(req, env));
}

async function editsLocked(req: EditRequest, env: ActionEnv): Promise<EditOutcome> {
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
  const plan: ActionPlan = req.keepMode && (modeBefore === 'enforce' || modeBefore === 'complain') ? { ...req.plan, expect: modeBefore as ExpectedState } : req.plan;
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
    ...(req.reason ? (req.override ? { override: { reason: req.reason } } : { reason: req.reason }) : {}),
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
