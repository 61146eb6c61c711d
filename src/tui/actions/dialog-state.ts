/**
 * The action dialogs as a state machine. Pure: a state and a key in, the next state and what the
 * controller must do (run the plan, start an undo, close) out. Cancel has the focus when a dialog
 * opens without fields; text fields take printable characters only (a paste may carry escapes).
 */
import { confirmationFor, confirmationProblem, type ConfirmRequirement } from '../../actions/confirm.js';
import type { ActionPlan } from '../../actions/plan.js';
import type { Judgement, StepResult } from '../../actions/verify.js';
import type { UndoCandidate } from '../../actions/undo.js';
import type { ActionJournalEntry } from '../../model/action.js';
import type { Verdict } from '../../model/record.js';
import { allowEditKey, allowReviewKey, type AllowEditState, type AllowReviewState } from './allow-dialog.js';

export type Focus = 'name' | 'reason' | 'cancel' | 'proceed';

export interface ConfirmState {
  kind: 'confirm';
  plan: ActionPlan;
  /** The other way to do the same thing (runtime vs persistent complain), switched with `r`. */
  alternative?: ActionPlan;
  /** Why there is no alternative, when that matters (apparmor-utils absent). */
  note?: string;
  verdict?: Verdict;
  /** Every record of the subject came from a program's log line (see confirmationFor). */
  unproven?: boolean;
  req: ConfirmRequirement;
  focus: Focus;
  typed: string;
  reason: string;
  problem?: string;
  trigger?: ActionJournalEntry['trigger'];
  undoOf?: string;
}

export type DialogState =
  | { kind: 'closed' }
  | { kind: 'message'; title: string; lines: string[]; busy?: boolean }
  | { kind: 'choose-undo'; candidates: UndoCandidate[]; index: number }
  | ConfirmState
  | { kind: 'running'; plan: ActionPlan }
  | AllowEditState
  | AllowReviewState
  | {
      kind: 'result';
      plan: ActionPlan;
      judgement: Judgement;
      steps: StepResult[];
      id: string;
      journal: string;
      status?: string;
      /** Lines shown above the outcome (where a rule went, its diff). */
      notes?: string[];
      /** After an allow: whether the same denial came back since the reload. */
      repeat?: string;
    };

export const CLOSED: DialogState = { kind: 'closed' };

export interface DialogKey {
  return?: boolean;
  escape?: boolean;
  tab?: boolean;
  shift?: boolean;
  backspace?: boolean;
  delete?: boolean;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  ctrl?: boolean;
  meta?: boolean;
}

export type DialogEffect =
  | { type: 'close' }
  | { type: 'run'; confirm: ConfirmState }
  | { type: 'undo'; candidate: UndoCandidate }
  | { type: 'allow-check'; edit: AllowEditState }
  | { type: 'allow-run'; review: AllowReviewState };

export interface DialogStep {
  state: DialogState;
  effect?: DialogEffect;
}

const MAX_FIELD = 200;

export function focusOrder(req: ConfirmRequirement): Focus[] {
  return [...(req.typeName ? (['name'] as const) : []), ...(req.reasonRequired ? (['reason'] as const) : []), 'cancel', 'proceed'];
}

export function openConfirm(p: { plan: ActionPlan; alternative?: ActionPlan; note?: string; verdict?: Verdict; unproven?: boolean; trigger?: ConfirmState['trigger']; undoOf?: string }): ConfirmState {
  const req = confirmationFor(p.plan, p.verdict, p.unproven);
  return { kind: 'confirm', ...p, req, focus: focusOrder(req)[0], typed: '', reason: '' };
}

function printable(input: string): string {
  return [...input].filter((c) => c >= ' ' && c !== '\u007f' && !(c >= '\u0080' && c <= '\u009f')).join('');
}

function confirmKey(s: ConfirmState, input: string, key: DialogKey): DialogStep {
  const order = focusOrder(s.req);
  const at = order.indexOf(s.focus);
  const move = (by: number): DialogStep => ({ state: { ...s, focus: order[(at + by + order.length) % order.length] } });
  if (key.escape) return { state: CLOSED, effect: { type: 'close' } };
  if (key.tab) return move(key.shift ? -1 : 1);
  if (key.upArrow) return move(-1);
  if (key.downArrow) return move(1);
  if (s.focus === 'name' || s.focus === 'reason') {
    const field = s.focus === 'name' ? 'typed' : 'reason';
    if (key.return) return move(1);
    if (key.backspace || key.delete) return { state: { ...s, [field]: s[field].slice(0, -1), problem: undefined } };
    if (key.ctrl && input === 'u') return { state: { ...s, [field]: '' } };
    if (key.ctrl || key.meta) return { state: s };
    const add = printable(input);
    return add ? { state: { ...s, [field]: (s[field] + add).slice(0, MAX_FIELD), problem: undefined } } : { state: s };
  }
  if (key.leftArrow || key.rightArrow) return { state: { ...s, focus: s.focus === 'cancel' ? 'proceed' : 'cancel' } };
  if (input === 'r' && s.alternative && !key.ctrl) return { state: openConfirm({ ...s, plan: s.alternative, alternative: s.plan }) };
  if (!key.return) return { state: s };
  if (s.focus === 'cancel') return { state: CLOSED, effect: { type: 'close' } };
  const problem = confirmationProblem(s.req, s.plan, { typedName: s.typed, reason: s.reason });
  if (problem) {
    const focus: Focus = s.req.typeName && s.typed.trim() !== s.plan.target.profile ? 'name' : 'reason';
    return { state: { ...s, problem, focus } };
  }
  return { state: { kind: 'running', plan: s.plan }, effect: { type: 'run', confirm: s } };
}

export function dialogKey(s: DialogState, input: string, key: DialogKey): DialogStep {
  switch (s.kind) {
    case 'closed':
      return { state: s };
    case 'running':
      return { state: s }; // the command is running: nothing to cancel half-way
    case 'message':
      if (s.busy) return key.escape ? { state: CLOSED, effect: { type: 'close' } } : { state: s };
      return key.escape || key.return || input === 'q' ? { state: CLOSED, effect: { type: 'close' } } : { state: s };
    case 'result':
      return key.escape || key.return || input === 'q' ? { state: CLOSED, effect: { type: 'close' } } : { state: s };
    case 'choose-undo': {
      if (key.escape || input === 'q') return { state: CLOSED, effect: { type: 'close' } };
      const n = s.candidates.length;
      if (key.downArrow || input === 'j') return { state: { ...s, index: Math.min(n - 1, s.index + 1) } };
      if (key.upArrow || input === 'k') return { state: { ...s, index: Math.max(0, s.index - 1) } };
      if (key.return && n > 0) return { state: { kind: 'message', title: 'Undo', lines: ['checking the profile file ...'], busy: true }, effect: { type: 'undo', candidate: s.candidates[s.index] } };
      return { state: s };
    }
    case 'confirm':
      return confirmKey(s, input, key);
    case 'allow-edit':
      return allowEditKey(s, input, key);
    case 'allow-review':
      return allowReviewKey(s, input, key);
  }
}
