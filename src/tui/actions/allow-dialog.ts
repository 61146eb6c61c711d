/**
 * The allow dialog as states and keys. Pure. Two steps, so nothing is written before the engineer
 * has seen where and what:
 *
 * - edit: the suggested rules, one field each, editable (narrow a glob, add `owner`); Enter on
 *   "Check" asks the controller to bound each rule by its denial, place it, and compile the profile
 *   with it (apparmor_parser on a temporary copy);
 * - review: where the rules go, the exact diff, the check's verdict; Cancel has the focus, Apply runs.
 */
import type { AllowPreparation } from '../../actions/allow.js';
import type { DeniedAccess } from '../../actions/rule-scope.js';
import type { ActionJournalEntry } from '../../model/action.js';
import type { DialogKey, DialogStep } from './dialog-state.js';

/** One denial group's rule in the dialog. */
export interface AllowItem {
  /** The classifier's rule: an edit may narrow it, never widen it. */
  suggested: string;
  /** As edited. */
  rule: string;
  denied: DeniedAccess;
  /** What was denied, for the dialog (operation and target). */
  label: string;
  /** The denial group's key, to watch the stream for the same denial after the reload. */
  groupKey?: string;
  target?: string;
  operation?: string;
}

export interface AllowEditState {
  kind: 'allow-edit';
  /** The profile the rules are for (a child or hat as `parent//child`). */
  profile: string;
  items: AllowItem[];
  /** Index of the focused rule field; items.length = Cancel, items.length + 1 = Check. */
  focus: number;
  reason: string;
  problem?: string;
  note?: string;
  trigger?: ActionJournalEntry['trigger'];
}

export interface AllowReviewState {
  kind: 'allow-review';
  edit: AllowEditState;
  prep: AllowPreparation;
  focus: 'cancel' | 'apply';
}

const MAX_RULE = 400;

function printable(input: string): string {
  return [...input].filter((c) => c >= ' ' && c !== '\u007f' && !(c >= '\u0080' && c <= '\u009f')).join('');
}

export function openAllowEdit(p: { profile: string; items: AllowItem[]; note?: string; trigger?: AllowEditState['trigger'] }): AllowEditState {
  return { kind: 'allow-edit', ...p, focus: 0, reason: '' };
}

/** Focus slots: the rules, the reason, Cancel, Check. */
function slots(s: AllowEditState): number {
  return s.items.length + 3;
}

export const REASON_SLOT = (s: AllowEditState): number => s.items.length;
export const CANCEL_SLOT = (s: AllowEditState): number => s.items.length + 1;
export const CHECK_SLOT = (s: AllowEditState): number => s.items.length + 2;

export function allowEditKey(s0: AllowEditState, input: string, key: DialogKey): DialogStep {
  const s = s0;
  const n = slots(s);
  const move = (by: number): DialogStep => ({ state: { ...s, focus: (s.focus + by + n) % n } });
  if (key.escape) return { state: { kind: 'closed' }, effect: { type: 'close' } };
  if (key.tab) return move(key.shift ? -1 : 1);
  if (key.upArrow) return move(-1);
  if (key.downArrow) return move(1);
  const editing = s.focus < s.items.length || s.focus === REASON_SLOT(s);
  if (editing) {
    if (key.return) return move(1);
    const get = () => (s.focus === REASON_SLOT(s) ? s.reason : s.items[s.focus].rule);
    const put = (v: string): DialogStep => {
      if (s.focus === REASON_SLOT(s)) return { state: { ...s, reason: v.slice(0, 200), problem: undefined } };
      const items = s.items.map((it, i) => (i === s.focus ? { ...it, rule: v.slice(0, MAX_RULE) } : it));
      return { state: { ...s, items, problem: undefined } };
    };
    if (key.backspace || key.delete) return put(get().slice(0, -1));
    if (key.ctrl && input === 'u') return put('');
    if (key.ctrl || key.meta) return { state: s };
    const add = printable(input);
    return add ? put(get() + add) : { state: s };
  }
  if (key.leftArrow || key.rightArrow) return { state: { ...s, focus: s.focus === CANCEL_SLOT(s) ? CHECK_SLOT(s) : CANCEL_SLOT(s) } };
  if (!key.return) return { state: s };
  if (s.focus === CANCEL_SLOT(s)) return { state: { kind: 'closed' }, effect: { type: 'close' } };
  if (!s.reason.trim()) return { state: { ...s, focus: REASON_SLOT(s), problem: 'give a reason (journaled with the change)' } };
  return { state: { kind: 'message', title: 'Allow', lines: ['checking the rules (bounds, placement, apparmor_parser) ...'], busy: true }, effect: { type: 'allow-check', edit: s } };
}

export function allowReviewKey(s: AllowReviewState, input: string, key: DialogKey): DialogStep {
  if (key.escape || input === 'q') return { state: { kind: 'closed' }, effect: { type: 'close' } };
  if (input === 'e') return { state: { ...s.edit, problem: undefined } };
  if (key.leftArrow || key.rightArrow || key.tab || key.upArrow || key.downArrow) return { state: { ...s, focus: s.focus === 'cancel' ? 'apply' : 'cancel' } };
  if (!key.return) return { state: s };
  if (s.focus === 'cancel') return { state: { kind: 'closed' }, effect: { type: 'close' } };
  return { state: { kind: 'running', plan: s.prep.plan }, effect: { type: 'allow-run', review: s } };
}
