/**
 * `/` inside the detail, the help and the timeline: finds a text in the lines that view shows
 * (case-insensitive), and marks the matches in a line. Pure.
 */
import type { Line, Seg } from './views/lines.js';

/** The views `/` searches (elsewhere `/` filters the list). */
export type SearchView = 'help' | 'detail' | 'timeline';

export interface Match {
  /** Line of the view (the row index on the timeline). */
  line: number;
  col: number;
}

export interface SearchState {
  view: SearchView;
  text: string;
  /** Typing into the search prompt. */
  editing: boolean;
  /** Index of the current match. */
  at: number;
}

export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}

/** Every occurrence of `text` in `lines`, in reading order (at most `max`: a bounded walk). */
export function findMatches(lines: readonly string[], text: string, max = 10_000): Match[] {
  const out: Match[] = [];
  if (!text) return out;
  const needle = text.toLowerCase();
  for (let line = 0; line < lines.length && out.length < max; line++) {
    const hay = lines[line].toLowerCase();
    for (let col = hay.indexOf(needle); col >= 0 && out.length < max; col = hay.indexOf(needle, col + needle.length)) out.push({ line, col });
  }
  return out;
}

/** The first match at or after line `from` (wrapping to the first), or -1 when there is none. */
export function matchFrom(matches: readonly Match[], from: number): number {
  if (!matches.length) return -1;
  const i = matches.findIndex((m) => m.line >= from);
  return i < 0 ? 0 : i;
}

/**
 * `line` with every occurrence of `text` drawn inverted (the reverse of the line's own style, so a
 * match stays visible on the selected row); the match starting at `current` is bold as well.
 */
export function highlightLine(line: Line, text: string, current?: number): Line {
  if (!text) return line;
  const hay = lineText(line).toLowerCase();
  const needle = text.toLowerCase();
  const ranges: [number, number][] = [];
  for (let c = hay.indexOf(needle); c >= 0; c = hay.indexOf(needle, c + needle.length)) ranges.push([c, c + needle.length]);
  if (!ranges.length) return line;
  const out: Seg[] = [];
  let pos = 0;
  for (const s of line) {
    const end = pos + s.text.length;
    let at = pos;
    while (at < end) {
      const r = ranges.find(([a, b]) => b > at && a < end);
      const inside = r !== undefined && r[0] <= at;
      const stop = r === undefined ? end : inside ? Math.min(r[1], end) : Math.min(r[0], end);
      const piece = s.text.slice(at - pos, stop - pos);
      out.push(inside ? { ...s, text: piece, inverse: !s.inverse, bold: s.bold || r[0] === current } : { ...s, text: piece });
      at = stop;
    }
    pos = end;
  }
  return out;
}

/** The footer's words for a search: what is looked for and where the current match is. */
export function searchStatus(s: SearchState, count: number): string {
  if (!s.text) return 'type to search this view · Enter keeps · Esc leaves search';
  if (!count) return `no match for "${s.text}" · Esc leaves search`;
  return `"${s.text}": match ${Math.min(s.at, count - 1) + 1} of ${count}${count >= 10_000 ? '+' : ''} · n/N next/previous · Esc leaves search`;
}

/** A search as the views take it: the text and the current match. */
export interface ShownSearch {
  text: string;
  current?: Match;
}

/** `lines` (the view's lines from index `first` on) with the search's matches marked. */
export function markMatches(lines: Line[], first: number, search: ShownSearch | undefined): Line[] {
  if (!search?.text) return lines;
  return lines.map((l, i) => highlightLine(l, search.text, search.current?.line === first + i ? search.current.col : undefined));
}
