/**
 * complain and enforce written into a profile's own flags, and the undo of such a complain. I/O
 * edge around mode-flags.ts (the edit) and file-edits.ts (the sequence: journal, write, reload
 * alone when the file declares other profiles, verify, put back on failure).
 *
 * The undo puts back exactly the header lines the complain replaced, and only while each still
 * reads as the complain left it; a header changed since is not touched, and the undo says so.
 */
import { readFile } from 'node:fs/promises';
import type { ActionJournalEntry, LineReplacement } from '../model/action.js';
import { newActionId } from './journal.js';
import { performEdits, readOrNull, type EditOutcome } from './file-edits.js';
import { setModeFlag } from './mode-flags.js';
import type { ActionEnv } from './perform.js';
import { buildPlan, type ActionPlan } from './plan.js';
import type { UndoStep } from './undo.js';
import type { Target } from './resolve-target.js';
import { lineDiff, type FileEdit } from './rule-edit.js';

export type ModeEditPrepared = { ok: true; plan: ActionPlan } | { ok: false; reason: string };

/** The plan with its edits, made from the file as it is now; writes nothing. */
export async function prepareModeEdit(plan: ActionPlan): Promise<ModeEditPrepared> {
  const t = plan.target;
  if (!plan.editsFlags || (plan.action !== 'complain' && plan.action !== 'enforce')) return { ok: false, reason: `${plan.action} does not edit the profile's flags` };
  let text: string;
  try {
    text = await readFile(t.file, 'utf8');
  } catch (err) {
    return { ok: false, reason: `cannot read ${t.file}: ${(err as Error).message}` };
  }
  const edit = setModeFlag(text, t.profile, plan.action);
  if (!edit.ok) return { ok: false, reason: `${edit.reason} (in ${t.file})` };
  if (!edit.replaced.length)
    return {
      ok: false,
      reason: `${t.file} already declares ${t.profile}${plan.alsoAffected.length ? ' and its children' : ''} in ${plan.action} mode: there is nothing to write${plan.action === 'complain' ? `; act complain --runtime loads it in complain mode now` : `; act enforce --runtime loads it as the file declares`}`,
    };
  return { ok: true, plan: withEdits(plan, text, edit.after, edit.replaced) };
}

function withEdits(plan: ActionPlan, before: string, after: string, replaced: LineReplacement[]): ActionPlan {
  const file = plan.target.file;
  const edits: FileEdit[] = [{ file, created: false, before, after, at: replaced[0].at, added: [], replaced }];
  return { ...plan, fileEdits: edits, diff: lineDiff(before, after, file) };
}

/** Runs a prepared plan: the flags written, the profile loaded again (alone when the file declares others), verified. */
export async function performModeEdit(
  plan: ActionPlan,
  env: ActionEnv,
  extra: { trigger?: ActionJournalEntry['trigger']; reason?: string; override?: boolean; undoOf?: string } = {},
): Promise<EditOutcome> {
  if (!plan.fileEdits?.length) return { done: false, refused: `the edit of ${plan.target.file} was not prepared; nothing was changed` };
  return performEdits({ id: newActionId(), plan, edits: plan.fileEdits, kind: 'add', ...extra }, env);
}

/**
 * The undo of a complain that wrote the flags: enforce, by putting back the header lines it
 * replaced. Refused when one of them no longer reads as the complain left it.
 */
export async function prepareUndoModeEdit(entry: ActionJournalEntry, target: Target): Promise<ModeEditPrepared> {
  const journaled = (entry.edits ?? []).find((e) => e.file === target.file && e.replaced?.length);
  if (!journaled?.replaced) return { ok: false, reason: 'cannot undo: the journal entry lists no flags it wrote' };
  const now = await readOrNull(target.file);
  if (now === null) return { ok: false, reason: `cannot undo: ${target.file} no longer exists; nothing was touched` };
  const lines = now.split('\n');
  for (const r of journaled.replaced) {
    if (lines[r.at] !== r.to)
      return {
        ok: false,
        reason: `cannot undo: line ${r.at + 1} of ${target.file} is no longer the header the complain wrote (${r.to.trim()}); nothing was touched. Take complain out of the flags by hand, or act enforce`,
      };
    lines[r.at] = r.from;
  }
  const restored = journaled.replaced.map((r) => ({ at: r.at, from: r.to, to: r.from }));
  const want = entry.modeBefore === 'enforce' || entry.modeBefore === 'complain' ? entry.modeBefore : undefined;
  const plan = buildPlan('enforce', target, { editFlags: true, want });
  plan.summary = `put back the header line${restored.length > 1 ? 's' : ''} of ${target.profile} the complain replaced in ${target.file}, then load it again`;
  return { ok: true, plan: withEdits(plan, now, lines.join('\n'), restored) };
}

/** The undo step that edits flags (one that restores them, or a plan that `editsFlags`), prepared; undefined for any other. */
export async function prepareFlagsUndo(step: UndoStep): Promise<ModeEditPrepared | undefined> {
  if (step.kind === 'restore-flags') return prepareUndoModeEdit(step.entry, step.target);
  if (step.kind === 'plan' && step.plan.editsFlags) return prepareModeEdit(step.plan);
  return undefined;
}
