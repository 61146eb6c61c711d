/**
 * One key, start to end: the prompt it is typed into (filter, search, time), the copy or write
 * menu it answers, or the keymap intent it names; the new UI state and what the view must have
 * done (quit, redraw, suspend, pause, an action, a copy, a file). Pure: the screen the key acts on
 * comes in derived from the state the key before it produced.
 */
import type { Key } from 'ink';
import type { DenialGroup } from './denial-store.js';
import type { ActionTarget } from './app-types.js';
import { intentFor, type ActionVerb, type KeyBinding } from './keymap.js';
import { applyIntent, editFilter, type UiState } from './ui-state.js';
import { editJump, editSearch } from './ui-prompts.js';
import type { ScreenModel } from './screen-model.js';
import { actionKeyVerb, actionsOffNotice } from './action-notice.js';
import { isGroupKey } from './collapse.js';
import { copyText, groupMarkdown, groupsMarkdown, groupsNdjson, menuChoice, timelineExport, type CopyWhat } from './export.js';
import type { RunMode } from './views/header.js';

export type KeyOutcome =
  | { type: 'quit' }
  | { type: 'redraw' }
  | { type: 'suspend' }
  | { type: 'pause' }
  | { type: 'notice'; text?: string }
  | { type: 'action'; verb: ActionVerb; target: ActionTarget }
  | { type: 'copy'; text: string; label: string }
  | { type: 'write'; lines: string[]; view: string; ext: 'md' | 'ndjson' };

export interface KeyStep {
  state: UiState;
  out: KeyOutcome[];
}

export interface KeyEnv {
  keymap: readonly KeyBinding[];
  mode: RunMode;
  /** Actions can be taken (an action handler is present). */
  actions: boolean;
  /** y and w have somewhere to write. */
  exports: boolean;
}

/**
 * The keys one of Ink's key events holds, in order. Characters that arrive in one read (typed
 * fast, pasted, tmux send-keys) are one event: each is its own key. And Escape with the key after
 * it in one read (a slow terminal, a busy host, an SSH link) is read by Ink as that key with Alt
 * (ESC q is Alt+q): the view binds no Alt key, so such an event is the two keys, Escape and then
 * the other. Ink tells that apart for a letter, a digit, a space and Enter; Escape before any other
 * character comes through as the character alone.
 */
export function keysOfEvent(input: string, key: Key): [string, Key][] {
  if (key.ctrl) return [[input, key]];
  if (key.meta && !key.escape && (key.return || (input.length === 1 && input >= ' ' && input !== '\x7f'))) {
    const plain = { ...key, meta: false };
    return [
      ['', { ...keyForChar('', plain), escape: true, meta: true }],
      [input, key.return ? { ...keyForChar('\r', plain) } : keyForChar(input, plain)],
    ];
  }
  if (input.length > 1 && !key.meta) return [...input].map((c) => [c, keyForChar(c, key)]);
  return [[input, key]];
}

/** The key flags of one character out of a multi-character chunk. */
export function keyForChar(c: string, chunk: Key): Key {
  const none = {
    ...chunk,
    return: false,
    tab: false,
    backspace: false,
    delete: false,
    escape: false,
    shift: false,
    upArrow: false,
    downArrow: false,
    leftArrow: false,
    rightArrow: false,
    pageUp: false,
    pageDown: false,
    home: false,
    end: false,
  };
  if (c === '\r' || c === '\n') return { ...none, return: true };
  if (c === '\t') return { ...none, tab: true };
  if (c === '\x7f' || c === '\b') return { ...none, delete: true };
  return { ...none, shift: /[A-Z]/.test(c) };
}

/** The denial group a key on the denials screen is about: the open detail's, else the selected row's. */
function currentGroup(cur: UiState, scr: ScreenModel): DenialGroup | undefined {
  return cur.screen === 'denials' ? (scr.detailGroup ?? scr.groups[scr.sel]) : undefined;
}

/** The key after y or w: what to copy, or which format to write the current view in. */
function menuStep(cur: UiState, input: string, key: Key, scr: ScreenModel, env: KeyEnv): KeyStep {
  const menu = cur.menu!;
  const choice = key.escape ? undefined : menuChoice(menu, input);
  const state: UiState = { ...cur, menu: undefined, status: key.escape ? undefined : choice ? '...' : `${menu}: no such choice` };
  if (!choice) return { state, out: [] };
  if (!env.exports) return { state: { ...state, status: `${menu} is not available here` }, out: [] };
  const g = currentGroup(cur, scr);
  if (menu === 'copy') {
    const c = copyText(g, choice as CopyWhat);
    if (!c.ok) return { state: { ...state, status: `nothing copied: ${c.reason}${cur.screen !== 'denials' ? ' (copy works on the Denials screen)' : ''}` }, out: [] };
    return { state, out: [{ type: 'copy', text: c.text, label: c.label }] };
  }
  const ext = choice as 'md' | 'ndjson';
  const detail = scr.detailGroup;
  const view = cur.screen === 'timeline' ? 'timeline' : detail ? 'denial-group' : 'denials';
  const lines =
    view === 'timeline'
      ? timelineExport(scr.timeline, ext)
      : detail
        ? ext === 'md'
          ? groupMarkdown(detail)
          : groupsNdjson([detail])
        : ext === 'md'
          ? groupsMarkdown(scr.groups, `aa-triage denials${cur.filter ? ` (filter: ${cur.filter})` : ''}`)
          : groupsNdjson(scr.groups);
  return { state, out: [{ type: 'write', lines, view, ext }] };
}

/**
 * The keys that act wherever they are pressed, at a prompt and in an action dialog too: Ctrl-C
 * quits, Ctrl-Z suspends (the prompt or the dialog is as it was after fg).
 */
export function everywhereKey(input: string, key: Key): { type: 'quit' } | { type: 'suspend' } | undefined {
  if (!key.ctrl) return undefined;
  return input === 'c' ? { type: 'quit' } : input === 'z' ? { type: 'suspend' } : undefined;
}

export function keyStep(cur: UiState, input: string, key: Key, scr: ScreenModel, env: KeyEnv): KeyStep {
  const everywhere = everywhereKey(input, key);
  if (everywhere) return { state: cur, out: [everywhere] };
  if (cur.editing) return { state: editFilter(cur, input, key), out: [] };
  if (cur.search?.editing) return { state: editSearch(cur, input, key, scr.ctx), out: [] };
  if (cur.jump !== undefined) return { state: editJump(cur, input, key, scr.ctx), out: [] };
  if (cur.menu) return menuStep(cur, input, key, scr, env);
  const base = cur.status ? { ...cur, status: undefined } : cur;
  const intent = intentFor(env.keymap, input, key);
  const offVerb = !intent && !env.actions ? actionKeyVerb(input, key) : undefined;
  const out: KeyOutcome[] = [{ type: 'notice', text: offVerb ? actionsOffNotice(offVerb, env.mode) : undefined }];
  if (!intent) return { state: base, out };
  const step = applyIntent(base, intent, scr.ctx);
  const fx = step.effect;
  if (fx?.type === 'quit' || fx?.type === 'redraw' || fx?.type === 'suspend' || fx?.type === 'pause') out.push({ type: fx.type });
  else if (fx?.type === 'action' && env.actions) {
    const g = currentGroup(cur, scr);
    const profile = cur.screen === 'profiles' ? scr.profiles[scr.sel]?.name : g?.profile;
    const marked = fx.verb === 'allow' && cur.screen === 'denials' ? (cur.marked ?? []).flatMap((k) => (isGroupKey(k) ? (scr.members.get(k) ?? []) : scr.allGroups.filter((i) => i.key === k))) : [];
    out.push({ type: 'action', verb: fx.verb, target: { group: g, profile, ...(marked.length ? { marked } : {}) } });
  }
  return { state: step.state, out };
}
