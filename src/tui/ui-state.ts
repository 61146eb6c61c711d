/**
 * The interactive view's own state (which screen, which row, filter, sort, help, detail) and how
 * each keymap intent changes it. Pure: the lists a key moves through are passed in, and what the
 * runner must do (quit, redraw, pause, act) comes back as an effect.
 */
import { SCREENS, type ActionVerb, type Intent, type Screen } from './keymap.js';
import { SORT_MODES, type SortMode } from './view-model.js';
import { GROUP_PREFIX } from './collapse.js';
import type { SearchState } from './view-search.js';
import { nextSearchMatch, openJump, openSearch, printable, searchInView } from './ui-prompts.js';

export interface UiState {
  screen: Screen;
  /** The denial group whose detail is open (on the denials screen). */
  detail?: string;
  detailScroll: number;
  /** Selected row per screen, by row key, so a streaming list does not move the selection. */
  selected: Partial<Record<Screen, string>>;
  filter: string;
  /** Typing into the filter prompt. */
  editing: boolean;
  sort: SortMode;
  help: boolean;
  helpScroll: number;
  /** Alerts up to this sequence number have been seen. */
  ackSeq: number;
  /** Denial groups marked (m) for one apply dialog, by key. */
  marked?: string[];
  /** y or w was pressed: the next key chooses what to copy or which format to write. */
  menu?: 'copy' | 'write';
  /** A one-line outcome (copied, written, why not) shown in the footer until the next key. */
  status?: string;
  /** Collapsed flood rows whose members are listed under them (Enter toggles). */
  expanded?: string[];
  /** `/` inside the detail, help or timeline: the search of that view. */
  search?: SearchState;
  /** `t` on the timeline: the time being typed. */
  jump?: string;
}

export const INITIAL_UI: UiState = { screen: 'denials', detailScroll: 0, selected: {}, filter: '', editing: false, sort: 'attacks', help: false, helpScroll: 0, ackSeq: 0 };

/** The rows of the current screen, as the user sees them. */
export interface ListContext {
  keys: string[];
  /** Which rows are likely attacks (for n/N). */
  attack: boolean[];
  /** Rows per page of the current list. */
  page: number;
  /** Lines of the open detail or help, for scrolling. */
  detailLines: number;
  /** The denial list's rows (for n/N inside a detail). */
  groupKeys: string[];
  groupAttack: boolean[];
  /** What Enter opens from the selected row of the profiles or timeline screen. */
  openTarget?: { group?: string; profile?: string };
  /** The matches of a text in the view `/` searches here (none where `/` filters). */
  find?: (text: string) => { line: number; col: number }[];
  /** The timeline's row times (for `t`), and how times are read and shown. */
  times?: (number | undefined)[];
  now?: number;
  utc?: boolean;
  tz?: string;
}

export type Effect = { type: 'quit' } | { type: 'redraw' } | { type: 'suspend' } | { type: 'pause' } | { type: 'action'; verb: ActionVerb };

export interface Step {
  state: UiState;
  effect?: Effect;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

export function selectedIndex(state: UiState, keys: string[]): number {
  const k = state.selected[state.screen];
  const i = k === undefined ? -1 : keys.indexOf(k);
  return i < 0 ? 0 : i;
}

function select(state: UiState, keys: string[], index: number): UiState {
  if (keys.length === 0) return state;
  return { ...state, selected: { ...state.selected, [state.screen]: keys[clamp(index, 0, keys.length - 1)] } };
}

function scroll(state: UiState, field: 'detailScroll' | 'helpScroll', to: number, lines: number, page: number): UiState {
  return { ...state, [field]: clamp(to, 0, Math.max(0, lines - page)) };
}

function nextAttack(keys: string[], attack: boolean[], from: number, by: number): number | undefined {
  for (let step = 1; step <= keys.length; step++) {
    const i = (((from + by * step) % keys.length) + keys.length) % keys.length;
    if (attack[i]) return i;
  }
  return undefined;
}

export function applyIntent(state: UiState, intent: Intent, ctx: ListContext): Step {
  const step = intentStep(state, intent, ctx);
  return { ...step, state: searchInView(step.state) };
}

function intentStep(state: UiState, intent: Intent, ctx: ListContext): Step {
  // An overlay (help, detail) takes the movement keys for scrolling.
  const scrolling: 'helpScroll' | 'detailScroll' | undefined = state.help ? 'helpScroll' : state.detail !== undefined && state.screen === 'denials' ? 'detailScroll' : undefined;
  switch (intent.type) {
    case 'quit':
      return { state, effect: { type: 'quit' } };
    case 'redraw':
      return { state, effect: { type: 'redraw' } };
    case 'suspend':
      return { state, effect: { type: 'suspend' } };
    case 'pause':
      return { state, effect: { type: 'pause' } };
    case 'help':
      return { state: { ...state, help: !state.help, helpScroll: 0 } };
    case 'action':
      return { state, effect: { type: 'action', verb: intent.verb } };
    case 'copy':
    case 'write':
      return { state: { ...state, menu: intent.type, status: undefined } };
    case 'mark': {
      if (state.screen !== 'denials' || state.help) return { state };
      const key = state.detail ?? ctx.keys[selectedIndex(state, ctx.keys)];
      if (key === undefined) return { state };
      const marked = state.marked ?? [];
      return { state: { ...state, marked: marked.includes(key) ? marked.filter((k) => k !== key) : [...marked, key] } };
    }
    case 'filter':
      return { state: openSearch(state) ?? { ...state, editing: true, help: false } };
    case 'jump':
      return { state: openJump(state) };
    case 'sort':
      return { state: { ...state, sort: SORT_MODES[(SORT_MODES.indexOf(state.sort) + 1) % SORT_MODES.length] } };
    case 'screen':
      return { state: { ...state, screen: intent.screen, help: false, detail: intent.screen === 'denials' ? state.detail : undefined } };
    case 'pane': {
      const i = SCREENS.indexOf(state.screen);
      const screen = SCREENS[(i + intent.by + SCREENS.length) % SCREENS.length];
      return { state: { ...state, screen, help: false, detail: undefined } };
    }
    case 'back':
    case 'quitOrBack': {
      if (state.search && intent.type === 'back') return { state: { ...state, search: undefined } };
      if (state.help) return { state: { ...state, help: false } };
      if (state.detail !== undefined && state.screen === 'denials') return { state: { ...state, detail: undefined, detailScroll: 0 } };
      if (intent.type === 'back' && state.filter) return { state: { ...state, filter: '' } };
      if (state.screen !== 'denials') return { state: { ...state, screen: 'denials' } };
      return intent.type === 'quitOrBack' ? { state, effect: { type: 'quit' } } : { state };
    }
    case 'move':
    case 'page':
    case 'top':
    case 'bottom': {
      if (scrolling) {
        const cur = state[scrolling];
        const lines = ctx.detailLines;
        const to = intent.type === 'move' ? cur + intent.by : intent.type === 'page' ? cur + intent.by * Math.max(1, ctx.page - 1) : intent.type === 'top' ? 0 : lines;
        return { state: scroll(state, scrolling, to, lines, ctx.page) };
      }
      const i = selectedIndex(state, ctx.keys);
      const to = intent.type === 'move' ? i + intent.by : intent.type === 'page' ? i + intent.by * Math.max(1, ctx.page - 1) : intent.type === 'top' ? 0 : ctx.keys.length - 1;
      return { state: select(state, ctx.keys, to) };
    }
    case 'nextMatch': {
      const found = nextSearchMatch(state, intent.by, ctx);
      if (found) return { state: found };
      if (state.help) return { state };
      if (state.detail !== undefined && state.screen === 'denials') {
        const from = ctx.groupKeys.indexOf(state.detail);
        const j = nextAttack(ctx.groupKeys, ctx.groupAttack, from < 0 ? -1 : from, intent.by);
        if (j === undefined) return { state };
        const key = ctx.groupKeys[j];
        return { state: { ...state, detail: key, detailScroll: 0, selected: { ...state.selected, denials: key } } };
      }
      const j = nextAttack(ctx.keys, ctx.attack, selectedIndex(state, ctx.keys), intent.by);
      return { state: j === undefined ? state : select(state, ctx.keys, j) };
    }
    case 'open': {
      if (state.help) return { state };
      if (state.screen === 'denials' && state.detail === undefined && ctx.keys.length) {
        const key = ctx.keys[selectedIndex(state, ctx.keys)];
        if (key.startsWith(GROUP_PREFIX)) {
          const open = state.expanded ?? [];
          return { state: { ...state, expanded: open.includes(key) ? open.filter((k) => k !== key) : [...open, key] } };
        }
        return { state: { ...state, detail: key, detailScroll: 0 } };
      }
      if (ctx.openTarget?.group !== undefined) return { state: openGroup(state, ctx.openTarget.group) };
      // A profile row opens the denial list filtered to that profile.
      if (ctx.openTarget?.profile !== undefined) return { state: { ...state, screen: 'denials', detail: undefined, filter: ctx.openTarget.profile } };
      return { state };
    }
  }
}

/** Opens a denial group's detail from another screen (timeline row, profile row). */
export function openGroup(state: UiState, key: string): UiState {
  return { ...state, screen: 'denials', detail: key, detailScroll: 0, help: false, selected: { ...state.selected, denials: key } };
}

/** Keys typed into the filter prompt. */
export function editFilter(state: UiState, input: string, key: { return: boolean; escape: boolean; backspace: boolean; delete: boolean; ctrl: boolean; meta: boolean }): UiState {
  if (key.return) return { ...state, editing: false };
  if (key.escape) return { ...state, editing: false, filter: '' };
  if (key.backspace || key.delete) return { ...state, filter: state.filter.slice(0, -1) };
  if (key.ctrl && input === 'u') return { ...state, filter: '' };
  if (key.ctrl || key.meta || !input) return state;
  const text = printable(input);
  return text ? { ...state, filter: (state.filter + text).slice(0, 200) } : state;
}
