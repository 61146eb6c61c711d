/**
 * Log fields are attacker-controlled: a file named "\x1b]52;c;..." must not write the clipboard,
 * move the cursor or set the title. Every string from a log goes through `safeText` before it
 * reaches a terminal: C0 controls, DEL, C1 controls and lone surrogates are shown escaped.
 */

// C0 (except none: tab and newline are escaped too, a row is one line), DEL, C1, bidi overrides
// (U+202A-202E, U+2066-2069 can reorder what the engineer reads), lone surrogates.
const UNSAFE_RE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

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

/** safeText, then cut to `max` columns with an ellipsis (wide characters count as one: close enough for paths). */
export function safeCell(s: string | undefined, max: number): string {
  if (s === undefined) return '';
  const t = safeText(s);
  if (max <= 0) return '';
  return t.length > max ? `${t.slice(0, Math.max(0, max - 1))}…` : t;
}

/**
 * safeText, then cut to `max` columns in the middle, keeping what tells names apart: the longest
 * ending that starts at a `/` (a child profile after `//`, a file and its directories) and fits
 * with a few characters of the start, else both ends (`thumbnail-…//helper`, `/us…/GeoIP/x.mmdb`).
 */
export function safeMiddle(s: string | undefined, max: number): string {
  if (s === undefined || max <= 0) return '';
  const t = safeText(s);
  if (t.length <= max) return t;
  if (max <= 4) return `${t.slice(0, max - 1)}…`;
  // keep at least 3 characters of the start: the beginning says what family the name is in
  for (let i = t.indexOf('/', 1); i > 0; i = t.indexOf('/', i + 1)) {
    if (t[i - 1] === '/') continue; // a `//` boundary starts at its first slash
    if (t.length - i <= max - 4) return `${t.slice(0, max - 1 - (t.length - i))}…${t.slice(i)}`;
  }
  const end = Math.floor((max - 1) / 2);
  return `${t.slice(0, max - 1 - end)}…${t.slice(t.length - end)}`;
}
