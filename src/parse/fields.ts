/**
 * The key=value scanner for AppArmor audit bodies.
 *
 * Values come in three shapes: `key="quoted"` (may hold spaces, `=`, `//`, `&`, `:`
 * and, in records written by user space, `\"`), `key=bare` (`pid=12`), and unquoted upper-case hex for
 * strings the kernel considered unsafe (space, quote, control character, non-ASCII). The scanner is a
 * single pass over char codes: it runs on every AppArmor line of a flood.
 */
import { BS, DQ, EQ, GS, isSep, SQ } from './chars.js';

/** Keys whose unquoted value is hex-encoded text when it looks like hex (kernel audit_log_untrustedstring). */
export const HEX_KEYS: ReadonlySet<string> = new Set([
  'name',
  'name2',
  'profile',
  'label',
  'peer',
  'peer_label',
  'peer_profile',
  'comm',
  'exe',
  'namespace',
  'target',
  'srcname',
  'info',
  'addr',
  'peer_addr',
  'execpath',
  'path',
  'fstype',
  'interface',
  'member',
  'bus',
  'class',
  'denied',
  'requested',
  'attribute',
  'cwd',
  'proctitle',
]);

const HEX_RE = /^(?:[0-9A-F]{2})+$/;

/** Where a record keeps the hex of fields that did not decode as UTF-8 (AppArmorRecord.undecoded). */
export interface UndecodedHolder {
  undecoded?: Record<string, string>;
}

/**
 * Decode kernel hex. Invalid UTF-8 bytes are shown as \xNN so nothing is silently replaced; since a
 * real name may hold the text `\xNN` too, the hex of such a field is kept in `holder` under `key`.
 */
export function decodeHex(hex: string, key?: string, holder?: UndecodedHolder): string {
  const bytes = Buffer.from(hex, 'hex');
  try {
    return UTF8_FATAL.decode(bytes);
  } catch {
    if (key !== undefined && holder) (holder.undecoded ??= {})[key] = hex;
    let out = '';
    for (const b of bytes) out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
    return out;
  }
}
const UTF8_FATAL = new TextDecoder('utf-8', { fatal: true });

export function maybeHex(key: string, value: string, holder?: UndecodedHolder): string {
  return value.length >= 2 && HEX_KEYS.has(key) && HEX_RE.test(value) ? decodeHex(value, key, holder) : value;
}

const NEXT_TOKEN_RE = /[A-Za-z_][A-Za-z0-9_-]*=|audit\(|'/y;

/**
 * After a `\"`: does the quote close the value? Yes when the line ends there or the next thing is
 * another key=, an audit header or the end of a nested msg='...'; otherwise it was escaped.
 */
function closesValue(s: string, i: number, end: number): boolean {
  if (i >= end) return true;
  const c = s.charCodeAt(i);
  if (c === SQ) return true;
  if (!isSep(c)) return false;
  while (i < end && isSep(s.charCodeAt(i))) i++;
  if (i >= end) return true;
  NEXT_TOKEN_RE.lastIndex = i;
  return NEXT_TOKEN_RE.test(s);
}

/** One token of a body: `key=value`, or a bare word (`audit(1.2:3):`, `AVC`, `kernel:`). */
export interface Token {
  key: string | undefined;
  value: string;
  /** The value was quoted ("..." or '...'). */
  quoted: boolean;
  /** The value was single-quoted (USER_AVC `msg='...'`): its content is a nested body. */
  nested: boolean;
  /** A quote was opened and the line ended before it closed. */
  unterminated: boolean;
  /** The token came after the 0x1D separator (auditd ENRICHED fields such as FSUID, OUID). */
  enriched: boolean;
}

/**
 * Calls `onToken` for each token of s[start..end). Returns false if it stopped early because
 * onToken returned false. The token object is reused from one call to the next (this runs on every
 * field of a flood): read it, do not keep it.
 */
export function scanTokens(s: string, start: number, end: number, onToken: (t: Token) => boolean | void): boolean {
  const tok: Token = { key: undefined, value: '', quoted: false, nested: false, unterminated: false, enriched: false };
  const emit = (key: string | undefined, value: string, quoted: boolean, nested: boolean, unterminated: boolean, enriched: boolean) => {
    tok.key = key;
    tok.value = value;
    tok.quoted = quoted;
    tok.nested = nested;
    tok.unterminated = unterminated;
    tok.enriched = enriched;
    return onToken(tok);
  };
  let i = start;
  let enriched = false;
  while (i < end) {
    let c = s.charCodeAt(i);
    while (i < end && isSep(c)) {
      if (c === GS) enriched = true;
      c = s.charCodeAt(++i);
    }
    if (i >= end) break;
    // key (or bare word): up to '=' or a separator
    const k0 = i;
    while (i < end) {
      c = s.charCodeAt(i);
      if (c === EQ || isSep(c)) break;
      i++;
    }
    if (i >= end || c !== EQ || i === k0) {
      // bare word (no '=' before the separator), or a token starting with '='
      if (i === k0) i++; // lone '=': skip it
      if (emit(undefined, s.slice(k0, i), false, false, false, enriched) === false) return false;
      continue;
    }
    const key = s.slice(k0, i);
    i++; // past '='
    c = i < end ? s.charCodeAt(i) : -1;
    let value: string;
    let quoted = false,
      nested = false,
      unterminated = false;
    if (c === DQ) {
      quoted = true;
      const v0 = ++i;
      let hasEscape = false;
      for (;;) {
        const q = s.indexOf('"', i);
        if (q < 0 || q >= end) {
          unterminated = true;
          i = end;
          break;
        }
        // `\"` is an escaped quote only when the quote does not end the token: the kernel itself
        // never escapes (it hex-encodes), so a value may legitimately end in a backslash.
        if (q > v0 && s.charCodeAt(q - 1) === BS && !closesValue(s, q + 1, end)) {
          hasEscape = true;
          i = q + 1;
          continue;
        }
        i = q + 1;
        break;
      }
      value = s.slice(v0, unterminated ? end : i - 1);
      if (hasEscape) value = value.replace(/\\"/g, '"');
    } else if (c === SQ) {
      quoted = true;
      nested = true;
      const v0 = ++i;
      // the nested body ends at the last quote before the end of line or the next top-level key;
      // USER_AVC's msg='...' is the last field, so the last "'" on the line closes it.
      const q = s.lastIndexOf("'", end - 1);
      if (q < v0) {
        unterminated = true;
        value = s.slice(v0, end);
        i = end;
      } else {
        value = s.slice(v0, q);
        i = q + 1;
      }
    } else {
      const v0 = i;
      while (i < end && !isSep(s.charCodeAt(i))) i++;
      value = s.slice(v0, i);
    }
    if (emit(key, value, quoted, nested, unterminated, enriched) === false) return false;
  }
  return true;
}

/** Matches an audit id `audit(SEC.MS:SERIAL)` anywhere at the start of a token. */
export const AUDIT_ID_RE = /audit\((\d+)\.(\d+):(\d+)\)/;

export interface AuditId {
  id: string;
  time: number;
  serial: number;
}

export function parseAuditId(token: string): AuditId | undefined {
  // by hand, the usual `audit(1795316400.002:4002)`: it is read from every line of an audit.log
  const a = token.indexOf('audit(');
  const known = a >= 0 ? usualAuditId(token, a, token.length) : undefined;
  return known ?? auditIdByPattern(token);
}

/**
 * parseAuditId of the token s[from, to), whose first `audit(` is at `a`, read in place: no copy of
 * the token unless the id is not in its usual form.
 */
export function parseAuditIdIn(s: string, a: number, from: number, to: number): AuditId | undefined {
  return usualAuditId(s, a, to) ?? auditIdByPattern(s.slice(from, to));
}

/** `audit(SEC.MS:SERIAL)` at `a`, closed before `to`; undefined when it has another form. */
function usualAuditId(s: string, a: number, to: number): AuditId | undefined {
  const s0 = a + 6;
  const dot = digitsEnd(s, s0);
  const colon = dot > s0 && s.charCodeAt(dot) === 0x2e ? digitsEnd(s, dot + 1) : -1;
  const close = colon > dot + 1 && s.charCodeAt(colon) === 0x3a ? digitsEnd(s, colon + 1) : -1;
  return close > colon + 1 && close < to && s.charCodeAt(close) === 0x29 ? auditIdAt(s, s0, dot, colon, close) : undefined;
}

function auditIdByPattern(token: string): AuditId | undefined {
  const m = AUDIT_ID_RE.exec(token);
  if (!m) return undefined;
  const ms = m[2].length === 3 ? Number(m[2]) : Math.round(Number(`0.${m[2]}`) * 1000);
  return { id: `${m[1]}.${m[2]}:${m[3]}`, time: Number(m[1]) * 1000 + ms, serial: Number(m[3]) };
}

/**
 * The audit id whose digits are s[s0, dot) `.` s[dot + 1, colon) `:` s[colon + 1, close), read in
 * place (it is on every line of a flood): numbers of up to 15 digits are summed digit by digit,
 * which gives what Number() gives them; longer ones and fractions of other than 3 digits go
 * through Number().
 */
export function auditIdAt(s: string, s0: number, dot: number, colon: number, close: number): AuditId {
  const ms = colon - dot === 4 ? digitsValue(s, dot + 1, colon) : Math.round(Number(`0.${s.slice(dot + 1, colon)}`) * 1000);
  return { id: s.slice(s0, close), time: digitsValue(s, s0, dot) * 1000 + ms, serial: digitsValue(s, colon + 1, close) };
}

function digitsValue(s: string, a: number, b: number): number {
  if (b - a > 15) return Number(s.slice(a, b));
  let n = 0;
  for (let i = a; i < b; i++) n = n * 10 + (s.charCodeAt(i) - 0x30);
  return n;
}

/** s holds `word` at `at` (a few characters: compared one by one, more quickly than by startsWith at a position). */
export function textAt(s: string, at: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if (s.charCodeAt(at + k) !== word.charCodeAt(k)) return false;
  return true;
}

function digitsEnd(s: string, i: number): number {
  let c = s.charCodeAt(i);
  while (c >= 0x30 && c <= 0x39) c = s.charCodeAt(++i);
  return i;
}
