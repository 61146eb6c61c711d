/**
 * The one keymap table: it decides what a key does AND generates the help overlay, so the help
 * can never disagree with the keys. Conventions of k9s, lazygit, htop and lnav.
 *
 * Action keys (c complain, u unload, d disable, a apply a rule, m mark, z undo) belong to the actions area: their
 * bindings are in the table and are active only when the runner is given an action handler
 * (see `keymapFor`); without one they are left out of both the keys and the help.
 */
import type { Key } from 'ink';

export type Screen = 'denials' | 'profiles' | 'timeline' | 'actions';
export const SCREENS: Screen[] = ['denials', 'profiles', 'timeline', 'actions'];
export const SCREEN_TITLE: Record<Screen, string> = { denials: 'Denials', profiles: 'Profiles', timeline: 'Timeline', actions: 'Actions' };

export type ActionVerb = 'complain' | 'unload' | 'disable' | 'undo' | 'allow';

export type Intent =
  | { type: 'move'; by: number }
  | { type: 'page'; by: number }
  | { type: 'top' }
  | { type: 'bottom' }
  | { type: 'open' }
  | { type: 'back' }
  | { type: 'quitOrBack' }
  | { type: 'quit' }
  | { type: 'screen'; screen: Screen }
  | { type: 'pane'; by: number }
  | { type: 'filter' }
  | { type: 'nextMatch'; by: number }
  | { type: 'sort' }
  | { type: 'jump' }
  | { type: 'pause' }
  | { type: 'help' }
  | { type: 'redraw' }
  | { type: 'suspend' }
  | { type: 'action'; verb: ActionVerb }
  | { type: 'mark' }
  | { type: 'copy' }
  | { type: 'write' };

export type KeyGroup = 'Move' | 'Screens' | 'Find' | 'Stream' | 'Actions' | 'General';

export interface KeyBinding {
  /** As shown in the help. */
  keys: string;
  help: string;
  group: KeyGroup;
  intent: Intent;
  match: (input: string, key: Key) => boolean;
}

const ch = (c: string) => (input: string, key: Key) => input === c && !key.ctrl && !key.meta;
const ctrl = (c: string) => (input: string, key: Key) => key.ctrl && input === c;

export const KEYMAP: readonly KeyBinding[] = [
  { keys: 'j / Down', help: 'next row', group: 'Move', intent: { type: 'move', by: 1 }, match: (i, k) => k.downArrow || ch('j')(i, k) },
  { keys: 'k / Up', help: 'previous row', group: 'Move', intent: { type: 'move', by: -1 }, match: (i, k) => k.upArrow || ch('k')(i, k) },
  { keys: 'PgDn / Ctrl-F', help: 'next page', group: 'Move', intent: { type: 'page', by: 1 }, match: (i, k) => k.pageDown || ctrl('f')(i, k) },
  { keys: 'PgUp / Ctrl-B', help: 'previous page', group: 'Move', intent: { type: 'page', by: -1 }, match: (i, k) => k.pageUp || ctrl('b')(i, k) },
  { keys: 'g / Home', help: 'first row', group: 'Move', intent: { type: 'top' }, match: (i, k) => k.home || ch('g')(i, k) },
  { keys: 'G / End', help: 'last row', group: 'Move', intent: { type: 'bottom' }, match: (i, k) => k.end || ch('G')(i, k) },
  { keys: 'Enter', help: 'open the detail (a collapsed flood: show its members)', group: 'Move', intent: { type: 'open' }, match: (_i, k) => k.return },
  { keys: 'Esc', help: 'back (close help, detail, filter)', group: 'Move', intent: { type: 'back' }, match: (_i, k) => k.escape },
  { keys: 'q', help: 'back; quits from the denial list', group: 'Move', intent: { type: 'quitOrBack' }, match: ch('q') },
  { keys: '1', help: 'Denials', group: 'Screens', intent: { type: 'screen', screen: 'denials' }, match: ch('1') },
  { keys: '2', help: 'Profiles', group: 'Screens', intent: { type: 'screen', screen: 'profiles' }, match: ch('2') },
  { keys: '3', help: 'Timeline', group: 'Screens', intent: { type: 'screen', screen: 'timeline' }, match: ch('3') },
  { keys: '4', help: 'Action log (every command aa-triage ran)', group: 'Screens', intent: { type: 'screen', screen: 'actions' }, match: ch('4') },
  { keys: 'Tab / Shift-Tab', help: 'next / previous pane', group: 'Screens', intent: { type: 'pane', by: 1 }, match: (_i, k) => k.tab && !k.shift },
  { keys: '', help: '', group: 'Screens', intent: { type: 'pane', by: -1 }, match: (_i, k) => k.tab && k.shift },
  { keys: '/', help: 'filter (!, field:x, /re/); detail/help/timeline: search', group: 'Find', intent: { type: 'filter' }, match: ch('/') },
  { keys: 'n / N', help: 'next / previous search match, else likely attack', group: 'Find', intent: { type: 'nextMatch', by: 1 }, match: ch('n') },
  { keys: '', help: '', group: 'Find', intent: { type: 'nextMatch', by: -1 }, match: ch('N') },
  { keys: 's', help: 'sort by the next column (shown in the header)', group: 'Find', intent: { type: 'sort' }, match: ch('s') },
  { keys: 't', help: 'timeline: jump to a time (14:05, 2026-12-03 14:05, -10m)', group: 'Find', intent: { type: 'jump' }, match: ch('t') },
  { keys: 'Space', help: 'pause / resume the display (records are still counted)', group: 'Stream', intent: { type: 'pause' }, match: ch(' ') },
  { keys: 'c', help: 'complain mode for the selected profile', group: 'Actions', intent: { type: 'action', verb: 'complain' }, match: ch('c') },
  { keys: 'u', help: 'unload the selected profile', group: 'Actions', intent: { type: 'action', verb: 'unload' }, match: ch('u') },
  { keys: 'd', help: 'disable the selected profile', group: 'Actions', intent: { type: 'action', verb: 'disable' }, match: ch('d') },
  { keys: 'a', help: 'apply the suggested rule (missing rule; m marks several)', group: 'Actions', intent: { type: 'action', verb: 'allow' }, match: ch('a') },
  { keys: 'm', help: 'mark / unmark the denial group for one apply', group: 'Actions', intent: { type: 'mark' }, match: ch('m') },
  { keys: 'z', help: 'undo an action (an applied rule too)', group: 'Actions', intent: { type: 'action', verb: 'undo' }, match: ch('z') },
  { keys: 'y', help: 'copy (OSC 52; in tmux: set -g set-clipboard on)', group: 'General', intent: { type: 'copy' }, match: ch('y') },
  { keys: 'w', help: 'write the view to a file (markdown or NDJSON)', group: 'General', intent: { type: 'write' }, match: ch('w') },
  { keys: '?', help: 'this help', group: 'General', intent: { type: 'help' }, match: ch('?') },
  { keys: 'Ctrl-L', help: 'redraw the screen', group: 'General', intent: { type: 'redraw' }, match: ctrl('l') },
  { keys: 'Ctrl-Z', help: 'suspend: back to the shell, fg returns', group: 'General', intent: { type: 'suspend' }, match: ctrl('z') },
  { keys: 'Ctrl-C', help: 'quit (always)', group: 'General', intent: { type: 'quit' }, match: ctrl('c') },
];

/** The table in use: action bindings only when something can carry them out. */
export function keymapFor(opts: { actions: boolean }): KeyBinding[] {
  return KEYMAP.filter((b) => opts.actions || b.group !== 'Actions');
}

export function intentFor(keymap: readonly KeyBinding[], input: string, key: Key): Intent | undefined {
  for (const b of keymap) if (b.match(input, key)) return b.intent;
  return undefined;
}

export interface HelpRow {
  group: KeyGroup;
  keys: string;
  help: string;
}

/** The help overlay's rows, in table order, grouped. */
export function helpRows(keymap: readonly KeyBinding[]): HelpRow[] {
  const groups: KeyGroup[] = ['Move', 'Screens', 'Find', 'Stream', 'Actions', 'General'];
  const out: HelpRow[] = [];
  for (const g of groups) for (const b of keymap) if (b.group === g && b.keys) out.push({ group: g, keys: b.keys, help: b.help });
  return out;
}
