/**
 * Undo from the action journal. Pure: entries in, what can be undone (newest first) out. An action
 * can be undone when its result is in the journal, it loosened something, it did not plainly fail,
 * and no verified undo of it followed. The undo acts on the same file, re-resolved and re-checked:
 * if the profile is now declared elsewhere, the undo is refused rather than guessed.
 *
 * An action whose process was killed mid-way has only its intent in the journal. Whether it took
 * effect is then read from the kernel's state: an unload or disable whose profile is gone, a
 * complain whose profile is now in complain mode. Without that state an intent alone proves nothing.
 */
import type { ActionJournalEntry, ActionKind } from '../model/action.js';
import type { LoadedProfiles } from './kernel-state.js';
import { buildPlan, wholeFileRefusal, UNDO_OF, type ActionPlan } from './plan.js';
import type { Resolution, Target } from './resolve-target.js';

export interface UndoCandidate {
  /** The result entry of the action to undo. */
  entry: ActionJournalEntry;
  undo: ActionKind;
  /** Only the intent is in the journal (the process was killed): the kernel's state shows the change. */
  interrupted?: boolean;
}

/** Whether the kernel's state shows that an interrupted action took effect. */
function tookEffect(e: ActionJournalEntry, kernel: LoadedProfiles): boolean {
  const mode = kernel.get(e.profile);
  switch (e.action) {
    case 'unload':
    case 'disable':
      return mode === undefined;
    case 'complain':
    case 'complain-runtime':
      return mode === 'complain' && e.modeBefore !== 'complain';
    default:
      return false;
  }
}

export function undoCandidates(entries: ActionJournalEntry[], kernel?: LoadedProfiles): UndoCandidate[] {
  const undone = new Set(entries.filter((e) => e.phase === 'result' && e.undoOf && e.outcome === 'verified').map((e) => e.undoOf!));
  const withResult = new Set(entries.filter((e) => e.phase === 'result').map((e) => e.id));
  const out: UndoCandidate[] = [];
  for (const e of entries) {
    const undo = UNDO_OF[e.action];
    if (!undo || e.dryRun || undone.has(e.id)) continue;
    if (e.phase === 'result') {
      if (e.outcome !== 'failed') out.push({ entry: e, undo });
    } else if (!withResult.has(e.id) && kernel && tookEffect(e, kernel)) {
      out.push({ entry: e, undo, interrupted: true });
    }
  }
  return out.reverse();
}

/**
 * The next step of undoing a candidate, the same for the `z` dialog and `aa-triage act undo`:
 * refused (with why; nothing is tried), an allow to take back (its files are checked next, by
 * prepareUndoAllow), or the plan to run. `resolution` is the candidate's profile resolved now.
 */
export type UndoStep =
  | { kind: 'refused'; title: string; reason: string }
  | { kind: 'remove-rule'; entry: ActionJournalEntry; target: Target }
  /** A complain that wrote the profile's flags: its header lines put back (mode-edit.ts prepareUndoModeEdit). */
  | { kind: 'restore-flags'; entry: ActionJournalEntry; target: Target }
  /** The plan to run; one that `editsFlags` is prepared first (mode-edit.ts prepareModeEdit). */
  | { kind: 'plan'; plan: ActionPlan; undoOf: string };

export function planUndo(c: UndoCandidate, resolution: Resolution, hasCommand: (name: string) => boolean): UndoStep {
  const e = c.entry;
  const t = undoTarget(e, resolution);
  if (!t.ok) return { kind: 'refused', title: 'Undo: refused', reason: t.reason };
  if (c.undo === 'remove-rule') return { kind: 'remove-rule', entry: e, target: t.target };
  if (c.undo === 'enforce' && e.edits?.some((x) => x.replaced?.length)) return { kind: 'restore-flags', entry: e, target: t.target };
  const whole = wholeFileRefusal(c.undo, t.target);
  if (whole) return { kind: 'refused', title: 'Undo: refused', reason: `cannot undo: ${whole.reason}` };
  // an undo asks for the mode the profile had before the action, not whatever the file says now
  const want = e.modeBefore === 'enforce' || e.modeBefore === 'complain' ? e.modeBefore : undefined;
  // without aa-enforce, complain is taken out of the flags aa-complain wrote by editing them
  return { kind: 'plan', plan: buildPlan(c.undo, t.target, { want, editFlags: c.undo === 'enforce' && !hasCommand('aa-enforce') }), undoOf: e.id };
}

/** The target for undoing `entry`, when the profile still resolves to the file the action touched. */
export function undoTarget(entry: ActionJournalEntry, resolution: Resolution): { ok: true; target: Target } | { ok: false; reason: string } {
  if (!resolution.ok) return { ok: false, reason: `cannot undo: ${resolution.refusal.reason}` };
  if (entry.file && resolution.target.file !== entry.file) {
    return { ok: false, reason: `cannot undo: ${entry.profile} is now declared in ${resolution.target.file}, not ${entry.file} as when the action ran; act on it by hand` };
  }
  return { ok: true, target: resolution.target };
}
