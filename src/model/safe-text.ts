/**
 * Log fields are attacker-controlled: a file named "\x1b]52;c;..." must not write the clipboard,
 * move the cursor or set the title. Every string from a log goes through `safeText` before it
 * reaches a terminal: C0 controls, DEL, C1 controls and lone surrogates are shown escaped.
 */

// C0 (except none: tab and newline are escaped too, a row is one line), DEL, C1, bidi controls
// (U+061C, U+200E-200F, U+202A-202E, U+2066-2069 can reorder what the engineer reads), invisible
// characters (soft hyphen, U+180E, zero-width U+200B-200D, U+2060-2064, U+206A-206F, U+FEFF: with
// one, `/etc/sh\u200badow` looks like /etc/shadow), the line and paragraph separators U+2028-2029,
// lone surrogates.
const UNSAFE_RE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escapeChar(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c === 0x09) return '\\t';
  if (c === 0x0a) return '\\n';
  if (c === 0x0d) return '\\r';
  if (c <= 0xff) return `\\x${c.toString(16).padStart(2, '0')}`;
  return `\\u${c.toString(16).padStart(4, '0')}`;
}

export function safeText(s: string): string {
  UNSAFE_RE.lastIndex = 0;
  return UNSAFE_RE.test(s) ? s.replace(UNSAFE_RE, escapeChar) : s;
}

/** safeText for a message of several lines: each line escaped, the line breaks kept. */
export function safeLines(s: string): string {
  return s.includes('\n') ? s.split('\n').map(safeText).join('\n') : safeText(s);
}

/**
 * Longest log text a written document (the timeline, `--plain`) shows whole, in UTF-16 units:
 * the kernel writes no audit record longer than about 9 KB, so only a forged or corrupt line's
 * value reaches it, and one of megabytes made a line of megabytes, once per place it is named.
 */
export const DOCUMENT_TEXT_MAX = 8192;

/** safeText of at most `max` units of `s`, and how many more there were when it was longer. */
export function safeBounded(s: string, max = DOCUMENT_TEXT_MAX): string {
  if (s.length <= max) return safeText(s);
  const kept = cutChars(s, max);
  return `${safeText(kept)}[… ${s.length - kept.length} more characters]`;
}

/** The first `n` UTF-16 units of `s`, without splitting a surrogate pair. */
export function cutChars(s: string, n: number): string {
  if (n <= 0) return '';
  if (s.length <= n) return s;
  const c = s.charCodeAt(n - 1);
  return s.slice(0, c >= 0xd800 && c <= 0xdbff ? n - 1 : n);
}

/**
 * safeText, then cut to `max` columns with an ellipsis (wide characters count as one: close enough
 * for paths). The work is bounded by `max`, not by the string: a log field can be megabytes long
 * and only what can be shown is escaped. Every string a screen shows goes through here.
 */
export function safeCell(s: string | undefined, max: number): string {
  if (s === undefined || max <= 0) return '';
  // escaping only lengthens: the first max + 1 units of the input give at least max + 1 of the output
  const t = safeText(s.length > max + 1 ? s.slice(0, max + 1) : s);
  return t.length > max ? `${cutChars(t, max - 1)}…` : t;
}

/** The end of a string made safe and cut to `max` columns (`…` first): where a path's file name matters most. */
export function safeTail(s: string | undefined, max: number): string {
  if (s === undefined || max <= 0) return '';
  const t = safeText(s.length > max + 1 ? s.slice(s.length - max - 1) : s);
  if (t.length <= max) return t;
  let from = t.length - (max - 1);
  const c = t.charCodeAt(from);
  if (c >= 0xdc00 && c <= 0xdfff) from++;
  return `…${t.slice(from)}`;
}

/**
 * safeText, then cut to `max` columns in the middle, keeping what tells names apart: the longest
 * ending that starts at a `/` (a child profile after `//`, a file and its directories) and fits
 * with a few characters of the start, else both ends (`thumbnail-…//helper`, `/us…/GeoIP/x.mmdb`).
 */
export function safeMiddle(s: string | undefined, max: number): string {
  if (s === undefined || max <= 0) return '';
  // a long string: only its first and last `max` characters can be shown, and only they are escaped
  // (a sentinel between them, never shown: the start kept is at most max - 1 of the first part)
  const t = s.length > 2 * max + 1 ? `${safeText(s.slice(0, max))}\uffff${safeText(s.slice(s.length - max))}` : safeText(s);
  if (t.length <= max) return t;
  if (max <= 4) return `${cutChars(t, max - 1)}…`;
  // keep at least 3 characters of the start: the beginning says what family the name is in
  for (let i = t.indexOf('/', 1); i > 0; i = t.indexOf('/', i + 1)) {
    if (t[i - 1] === '/') continue; // a `//` boundary starts at its first slash
    if (t.length - i <= max - 4) return `${t.slice(0, max - 1 - (t.length - i))}…${t.slice(i)}`;
  }
  const end = Math.floor((max - 1) / 2);
  return `${t.slice(0, max - 1 - end)}…${t.slice(t.length - end)}`;
}
