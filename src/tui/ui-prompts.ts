/**
 * The view's prompts besides the list filter: `/` searching the open detail, the help or the
 * timeline (n/N through the matches), and `t` jumping the timeline to a time. Pure: the matches
 * and the row times come in with the list context.
 */
import type { ListContext, UiState } from './ui-state.js';
import { matchFrom, type Match, type SearchView } from './view-search.js';
import { firstAtOrAfter, JUMP_EXAMPLES, parseJumpTime } from './time-jump.js';
import { dateTime } from './format.js';

interface PromptKey {
  return: boolean;
  escape: boolean;
  backspace: boolean;
  delete: boolean;
  ctrl: boolean;
  meta: boolean;
}

/** Pasted text may carry control characters: the printable ones only. */
export function printable(input: string): string {
  return [...input].filter((c) => c >= ' ' && c !== '\u007f').join('');
}

/** The view `/` searches in this state; undefined where `/` filters the list. */
export function searchViewOf(ui: UiState): SearchView | undefined {
  if (ui.help) return 'help';
  if (ui.screen === 'denials' && ui.detail !== undefined) return 'detail';
  if (ui.screen === 'timeline') return 'timeline';
  return undefined;
}

/** `/` where it searches: an empty search prompt for the view. */
export function openSearch(state: UiState): UiState | undefined {
  const view = searchViewOf(state);
  return view ? { ...state, search: { view, text: '', editing: true, at: 0 } } : undefined;
}

/** A search stays with the view it was made in: leaving that view ends it. */
export function searchInView(state: UiState): UiState {
  return state.search && state.search.view !== searchViewOf(state) ? { ...state, search: undefined } : state;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

/** The line the view is at: the selected row, or the first line shown of the detail or help. */
function viewLine(state: UiState, ctx: ListContext): number {
  const v = state.search?.view;
  if (v === 'timeline') return Math.max(0, ctx.keys.indexOf(state.selected.timeline ?? ''));
  return v === 'help' ? state.helpScroll : state.detailScroll;
}

/** Brings a match into view: selects its timeline row, or scrolls the detail or help to it. */
function showMatch(state: UiState, m: Match | undefined, ctx: ListContext): UiState {
  if (!m || !state.search) return state;
  if (state.search.view === 'timeline') return ctx.keys[m.line] === undefined ? state : { ...state, selected: { ...state.selected, timeline: ctx.keys[m.line] } };
  const field = state.search.view === 'help' ? 'helpScroll' : 'detailScroll';
  const page = Math.max(1, ctx.page - 1);
  const cur = state[field];
  if (m.line >= cur && m.line < cur + page) return state;
  // a couple of lines above the match, for its context
  return { ...state, [field]: clamp(m.line - 2, 0, Math.max(0, ctx.detailLines - page)) };
}

/** n/N during a search of this view: the next or previous match (wrapping); undefined when no search is active. */
export function nextSearchMatch(state: UiState, by: number, ctx: ListContext): UiState | undefined {
  const s = state.search;
  if (!s || !s.text || s.view !== searchViewOf(state)) return undefined;
  const matches = ctx.find?.(s.text) ?? [];
  if (!matches.length) return state;
  const at = (((s.at + by) % matches.length) + matches.length) % matches.length;
  return showMatch({ ...state, search: { ...s, at } }, matches[at], ctx);
}

/** Keys typed into the search prompt: each change moves to the first match at or after where the view is. */
export function editSearch(state: UiState, input: string, key: PromptKey, ctx: ListContext): UiState {
  const s = state.search;
  if (!s) return state;
  if (key.return) return { ...state, search: { ...s, editing: false } };
  if (key.escape) return { ...state, search: undefined };
  let text = s.text;
  if (key.backspace || key.delete) text = text.slice(0, -1);
  else if (key.ctrl && input === 'u') text = '';
  else if (!key.ctrl && !key.meta) text = (text + printable(input)).slice(0, 200);
  if (text === s.text) return state;
  const matches = ctx.find?.(text) ?? [];
  const at = Math.max(0, matchFrom(matches, viewLine(state, ctx)));
  return showMatch({ ...state, search: { ...s, text, at } }, matches[at], ctx);
}

/** `t`: the time prompt on the timeline; elsewhere the status says where it works. */
export function openJump(state: UiState): UiState {
  if (state.screen !== 'timeline' || state.help) return { ...state, status: 't jumps to a time on the Timeline screen (3)' };
  return { ...state, jump: '', search: undefined };
}

/** Keys typed into the time prompt; Enter selects the first row at or after the time, or says there is none. */
export function editJump(state: UiState, input: string, key: PromptKey, ctx: ListContext): UiState {
  const typed = state.jump ?? '';
  if (key.escape) return { ...state, jump: undefined };
  if (key.backspace || key.delete) return { ...state, jump: typed.slice(0, -1) };
  if (key.ctrl && input === 'u') return { ...state, jump: '' };
  if (!key.return) return key.ctrl || key.meta ? state : { ...state, jump: (typed + printable(input)).slice(0, 60) };
  const times = ctx.times ?? [];
  const sel = Math.max(0, ctx.keys.indexOf(state.selected.timeline ?? ''));
  const now = ctx.now ?? 0;
  const t = parseJumpTime(typed, { now, day: times[sel] ?? now, utc: !!ctx.utc, tz: ctx.tz });
  const done = { ...state, jump: undefined };
  if (t === undefined) return { ...done, status: `t: not a time: ${typed} (try ${JUMP_EXAMPLES})` };
  const when = dateTime(t, !!ctx.utc, ctx.tz);
  const i = firstAtOrAfter(times, t);
  if (i < 0) return { ...done, status: `nothing at or after ${when}${times.length ? ' (the last row is earlier)' : ''}` };
  return { ...done, selected: { ...state.selected, timeline: ctx.keys[i] }, status: `first row at or after ${when}: row ${i + 1} of ${times.length}` };
}
