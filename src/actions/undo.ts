/**
 * Undo from the action journal. Pure: entries in, what can be undone (newest first) out. An action
 * can be undone when its result is in the journal, it loosened something, it did not plainly fail,
 * and no verified undo of it followed. The undo acts on the same file, re-resolved and re-checked:
 * if the profile is now declared elsewhere, the undo is refused rather than guessed.
 */
import type { ActionJournalEntry, ActionKind } from '../model/action.js';
import { UNDO_OF } from './plan.js';
import type { Resolution, Target } from './resolve-target.js';

export interface UndoCandidate {
  /** The result entry of the action to undo. */
  entry: ActionJournalEntry;
  undo: ActionKind;
}

export function undoCandidates(entries: ActionJournalEntry[]): UndoCandidate[] {
  const undone = new Set(entries.filter((e) => e.phase === 'result' && e.undoOf && e.outcome === 'verified').map((e) => e.undoOf!));
  const out: UndoCandidate[] = [];
  for (const e of entries) {
    const undo = UNDO_OF[e.action];
    if (e.phase !== 'result' || !undo || e.dryRun || e.outcome === 'failed' || undone.has(e.id)) continue;
    out.push({ entry: e, undo });
  }
  return out.reverse();
}

/** The target for undoing `entry`, when the profile still resolves to the file the action touched. */
export function undoTarget(entry: ActionJournalEntry, resolution: Resolution): { ok: true; target: Target } | { ok: false; reason: string } {
  if (!resolution.ok) return { ok: false, reason: `cannot undo: ${resolution.refusal.reason}` };
  if (entry.file && resolution.target.file !== entry.file) {
    return { ok: false, reason: `cannot undo: ${entry.profile} is now declared in ${resolution.target.file}, not ${entry.file} as when the action ran; act on it by hand` };
  }
  return { ok: true, target: resolution.target };
}
