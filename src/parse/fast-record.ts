/**
 * The common record in one pass: a line with one AppArmor record, written by the kernel (quoted or
 * bare or hex values, no nesting, no escapes), which is nearly every line of a flood. Tokens are
 * read in a single loop without callbacks or token objects. Anything unusual (a second record on
 * the line, a USER_AVC `msg='...'`, a `\"`, a quote left open, a legacy type, a bare word) returns
 * undefined, and parseAuditText, which handles every form, takes the line instead; the two agree
 * on every record (test/parse/fast-record.test.ts).
 */
import type { AppArmorRecord, SourceRef } from '../model/record.js';
import { decodePrefixOf, type ClockContext } from './prefix.js';
import { decodeHex, HEX_KEYS, parseAuditIdIn, textAt, type AuditId, type UndecodedHolder } from './fields.js';
import { headerStart, isLegacyType, kindOf, MAX_RAW, newFields, newRecord, type Overrides } from './record.js';

const SP = 0x20, TAB = 0x09, GS = 0x1d, DQ = 0x22, SQ = 0x27, EQ = 0x3d, BS = 0x5c, CR = 0x0d, LF = 0x0a;

function isSep(c: number): boolean {
  // every separator is below 0x21: most characters are told apart by one comparison
  return c <= SP && (c === SP || c === TAB || c === GS || c === CR || c === LF);
}

/**
 * The character at i, or -1 at the line's end: nothing past the end is read (a read there
 * deoptimizes the loop, whose compiled code then calls charCodeAt as a builtin for good).
 */
function charAfter(line: string, i: number, end: number): number {
  return i < end ? line.charCodeAt(i) : -1;
}

/** Upper-case hex of whole bytes: the kernel's encoding of an unsafe string. */
function isHex(v: string): boolean {
  if (v.length < 2 || (v.length & 1) !== 0) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46))) return false;
  }
  return true;
}

/**
 * Field names met lately, each kept as one string, in slots chosen by length and end characters:
 * the name is compared in place in the line, so the usual field costs no copy and no lookup, and
 * a property store with the kept string hits V8's caches (a name sliced from the line would be
 * looked up in its string table every time). Fixed size: made-up names just take a slot.
 */
const KEY_SLOTS: (string | undefined)[] = new Array<string | undefined>(1024).fill(undefined);
function keyName(line: string, k0: number, k1: number): string {
  const len = k1 - k0;
  const slot = (len * 31 + line.charCodeAt(k0) * 7 + line.charCodeAt(k1 - 1)) & 1023;
  const known = KEY_SLOTS[slot];
  if (known !== undefined && known.length === len && textAt(line, k0, known)) return known;
  const k = line.slice(k0, k1);
  KEY_SLOTS[slot] = k;
  return k;
}

/**
 * The header's `type=` word (`1400`, `AVC`): one or two per log, kept the same way as the field
 * names: compared in place, copied only when it changes.
 */
let lastType = '';
function typeWord(line: string, v0: number, v1: number): string {
  const known = lastType;
  if (known.length === v1 - v0 && textAt(line, v0, known)) return known;
  return (lastType = line.slice(v0, v1));
}

export function parseFastRecord(line: string, bodyAt: number, src: SourceRef, clock: ClockContext, ov: Overrides): AppArmorRecord | undefined {
  const end = line.length;
  if (line.indexOf("'", bodyAt) >= 0) return undefined; // USER_AVC's nested msg='...'
  const start = headerStart(line, bodyAt);
  // the header: `type=X`, `audit(...)`, `msg=audit(...)`, nothing else
  let id: AuditId | undefined = ov.auditId;
  let type: string | undefined;
  let i = start;
  while (i < bodyAt) {
    while (i < bodyAt && isSep(line.charCodeAt(i))) i++;
    if (i >= bodyAt) break;
    const t0 = i;
    while (i < bodyAt && !isSep(line.charCodeAt(i))) i++;
    // the tokens are read where they are: no copy of them
    if (i - t0 >= 5 && textAt(line, t0, 'type=')) {
      type = typeWord(line, t0 + 5, i);
      if (isLegacyType(type)) return undefined;
    } else if (i - t0 >= 6 && (textAt(line, t0, 'audit(') || (i - t0 >= 10 && textAt(line, t0, 'msg=audit(')))) {
      const a = parseAuditIdIn(line, line.charCodeAt(t0) === 0x61 /* a */ ? t0 : t0 + 4, t0, i);
      if (!a) return undefined;
      if (!ov.auditId) id = a;
    } else return undefined;
  }
  const fields = newFields();
  let kind: string | undefined;
  let hex: UndecodedHolder | undefined;
  i = bodyAt;
  while (i < end) {
    let c = line.charCodeAt(i);
    while (i < end && isSep(c)) c = charAfter(line, ++i, end);
    if (i >= end) break;
    const k0 = i;
    while (i < end && c !== EQ && !isSep(c)) c = charAfter(line, ++i, end);
    if (c !== EQ || i === k0 || i >= end) return undefined; // a bare word
    const key = keyName(line, k0, i);
    c = charAfter(line, ++i, end);
    let value: string;
    if (c === DQ) {
      const q = line.indexOf('"', i + 1);
      if (q < 0 || line.charCodeAt(q - 1) === BS) return undefined;
      value = line.slice(i + 1, q);
      i = q + 1;
    } else {
      if (c === SQ) return undefined;
      const v0 = i;
      while (i < end && !isSep(c)) c = charAfter(line, ++i, end);
      value = line.slice(v0, i);
      if (HEX_KEYS.has(key) && isHex(value)) value = decodeHex(value, key, (hex ??= {}));
    }
    if (kind === undefined) {
      if (key !== 'apparmor') return undefined;
      kind = kindOf(value);
      if (!kind) return undefined;
    } else if (key === 'apparmor' || key === 'type' || key === 'msg') return undefined;
    fields[key] = value;
  }
  if (kind === undefined) return undefined;
  const info = decodePrefixOf(line, start, clock);
  const raw = line.length > MAX_RAW ? line.slice(0, MAX_RAW) : line;
  const r = newRecord(kind, fields, line, raw, src, info, ov, id, type ?? ov.auditType ?? info.auditType);
  if (hex?.undecoded) r.undecoded = hex.undecoded;
  return r;
}
