/**
 * Text helpers for the interactive views: relative times ("12s ago", with date-fns), verdict
 * labels that carry their meaning without colour, fixed-width cells. Pure.
 */
import { formatDistanceStrict, type Locale } from 'date-fns';
import { safeCell, safeMiddle } from '../model/safe-text.js';

const UNIT: Record<string, string> = { xSeconds: 's', xMinutes: 'm', xHours: 'h', xDays: 'd', xMonths: 'mo', xYears: 'y' };

/** A date-fns locale fragment that writes distances the way top and k9s do: `12s`, `3m`, `2h`. */
const compactLocale: Pick<Locale, 'code' | 'formatDistance'> = {
  code: 'en-compact',
  formatDistance: (token, count, options) => {
    const n = `${count}${UNIT[token] ?? ''}`;
    if (!options?.addSuffix) return n;
    return (options.comparison ?? 0) > 0 ? `in ${n}` : `${n} ago`;
  },
};

/** "12s ago", "3m ago", "now"; '-' when the time is unknown. */
export function relTime(t: number | undefined, now: number): string {
  if (t === undefined) return '-';
  if (Math.abs(now - t) < 1000) return 'now';
  return formatDistanceStrict(t, now, { addSuffix: true, locale: compactLocale as Locale, roundingMethod: 'floor' });
}

/** Wall-clock parts of `t` in UTC, an IANA zone (--tz), or local time. */
export function parts(t: number, utc: boolean, tz?: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const d = new Date(t);
  if (utc) return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds() };
  if (tz) {
    const f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    const v: Record<string, number> = {};
    for (const p of f.formatToParts(d)) if (p.type !== 'literal') v[p.type] = Number(p.value);
    return { y: v.year, mo: v.month, d: v.day, h: v.hour, mi: v.minute, s: v.second };
  }
  return { y: d.getFullYear(), mo: d.getMonth() + 1, d: d.getDate(), h: d.getHours(), mi: d.getMinutes(), s: d.getSeconds() };
}

const p2 = (n: number) => String(n).padStart(2, '0');

/** HH:MM:SS in local time, UTC (`utc`) or the --tz zone. */
export function clockTime(t: number | undefined, utc: boolean, tz?: string): string {
  if (t === undefined) return '--:--:--';
  const x = parts(t, utc, tz);
  return `${p2(x.h)}:${p2(x.mi)}:${p2(x.s)}`;
}

/** YYYY-MM-DD HH:MM:SS (local, UTC or the --tz zone, named when not local). */
export function dateTime(t: number | undefined, utc: boolean, tz?: string): string {
  if (t === undefined) return 'unknown time';
  const x = parts(t, utc, tz);
  const zone = utc ? ' UTC' : tz ? ` ${tz}` : '';
  return `${x.y}-${p2(x.mo)}-${p2(x.d)} ${p2(x.h)}:${p2(x.mi)}:${p2(x.s)}${zone}`;
}

/** The instant a wall-clock time names in UTC, the --tz zone or local time (a time a change of clocks skips moves forward). */
export function wallTime(w: { y: number; mo: number; d: number; h: number; mi: number; s: number }, utc: boolean, tz?: string): number {
  const guess = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
  if (utc) return guess;
  // the zone's offset at the guess, then at the corrected instant (they differ next to a change of clocks)
  const offset = (t: number) => {
    const x = parts(t, false, tz);
    return Date.UTC(x.y, x.mo - 1, x.d, x.h, x.mi, x.s) - Math.floor(t / 1000) * 1000;
  };
  const first = guess - offset(guess);
  return guess - offset(first);
}

/** A zone name Intl knows, or undefined. */
export function validZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The TUI's verdict badges (glyph and word), defined with the rest of the vocabulary. */
export { VERDICT_BADGE as VERDICT_LABEL } from '../model/verdict.js';

/** Left-aligned cell of exactly `w` columns (log strings made safe, cut with an ellipsis). */
export function cell(s: string | undefined, w: number): string {
  if (w <= 0) return '';
  const t = safeCell(s ?? '', w);
  return t.length >= w ? t : t + ' '.repeat(w - t.length);
}

/** Left-aligned cell of exactly `w` columns, cut in the middle (paths and profile names: safeMiddle). */
export function mcell(s: string | undefined, w: number): string {
  if (w <= 0) return '';
  const t = safeMiddle(s ?? '', w);
  return t.length >= w ? t : t + ' '.repeat(w - t.length);
}

/** Right-aligned cell of exactly `w` columns. */
export function rcell(s: string, w: number): string {
  if (w <= 0) return '';
  const t = safeCell(s, w);
  return t.length >= w ? t : ' '.repeat(w - t.length) + t;
}

/** Splits a long (already safe) line into rows of at most `w` columns, at most `max` rows; breaks at a space when one is near the end. */
export function wrapRows(s: string, w: number, max = 8): string[] {
  if (w <= 0) return [];
  const out: string[] = [];
  let rest = s;
  while (rest.length > w && out.length < max) {
    const space = rest.lastIndexOf(' ', w);
    const cut = space > w / 2 ? space : w;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut === space ? cut + 1 : cut);
  }
  if (out.length < max) out.push(rest);
  else if (rest.length) out[max - 1] = `${out[max - 1].slice(0, Math.max(0, w - 1))}…`;
  return out;
}

/** A list's position: "12-28 of 214", with an arrow when more is below; undefined for an empty list. */
export function rangeText(start: number, page: number, total: number): string | undefined {
  if (total <= 0) return undefined;
  const end = Math.min(total, start + Math.max(1, page));
  return `${start + 1}-${end} of ${total}${end < total ? ' ↓' : ''}`;
}
