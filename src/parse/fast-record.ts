/**
 * The common record in one pass: a line with one AppArmor record, written by the kernel (quoted or
 * bare or hex values, no nesting, no escapes), which is nearly every line of a flood. Tokens are
 * read in a single loop without callbacks or token objects. Anything unusual (a second record on
 * the line, a USER_AVC `msg='...'`, a `\"`, a quote left open, a legacy type, a bare word) returns
 * undefined, and parseAuditText, which handles every form, takes the line instead; the two agree
 * on every record (test/parse/fast-record.test.ts). The record comes with its digest, made as the
 * fields are read (model/digest.ts digestOf would make the same from them, in a second pass).
 */
import type { AppArmorRecord, SourceRef } from '../model/record.js';
import { FIELD_DECIDES, FIELD_IDENTITY, FIELD_NOT_KEPT, fieldBits, keyLanes, kindLanes, lane1, lane2, newDigest, spanLanes } from '../model/digest.js';
import { decodePrefixOf, type ClockContext } from './prefix.js';
import { decodeHex, HEX_KEYS, parseAuditIdIn, textAt, type AuditId, type UndecodedHolder } from './fields.js';
import { headerStart, isLegacyType, kindOf, MAX_RAW, newFields, newRecord, type Overrides } from './record.js';
import { BS, DQ, EQ, isSep, SP, SQ } from './chars.js';

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
 * Beside each name: its part of a field's hash, which of the digest's sums it goes into
 * (model/digest.ts), whether its bare values may be hex, and the last record it was read in (a
 * name read twice in one record: its first value is overwritten, and the sums made as the line is
 * read would count both; such a record, rare and never the kernel's, leaves its digest to
 * digestOf, as does a slot taken over by another name within one record).
 */
const KEY_SLOTS: (string | undefined)[] = new Array<string | undefined>(1024).fill(undefined);
const KEY_H1 = new Int32Array(1024);
const KEY_H2 = new Int32Array(1024);
const KEY_BITS = new Uint8Array(1024);
const KEY_SEEN = new Int32Array(1024);
/** In KEY_BITS beside the digest's bits: the key is one of HEX_KEYS (looked up once per name, not per field). */
const HEX_KEY = 8;
/** Which record this is (for KEY_SEEN). */
let recordNo = 0;
function keySlot(line: string, k0: number, k1: number): number {
  const len = k1 - k0;
  const slot = (len * 31 + line.charCodeAt(k0) * 7 + line.charCodeAt(k1 - 1)) & 1023;
  const known = KEY_SLOTS[slot];
  if (known !== undefined && known.length === len && textAt(line, k0, known)) return slot;
  const k = line.slice(k0, k1);
  KEY_SLOTS[slot] = k;
  keyLanes(k);
  KEY_H1[slot] = lane1();
  KEY_H2[slot] = lane2();
  KEY_BITS[slot] = fieldBits(k) | (HEX_KEYS.has(k) ? HEX_KEY : 0);
  return slot;
}

/** The record kind whose start of the sums is in kindH1, kindH2. */
let lastKind = '';
let kindH1 = 0;
let kindH2 = 0;

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
  // a header run into the record (`audit(...):apparmor=`) is one token to the general tokenizer,
  // which finds no record in it: the line is left to it
  if (bodyAt > start && !isSep(line.charCodeAt(bodyAt - 1))) return undefined;
  // the header: `type=X`, `audit(...)`, `msg=audit(...)`, nothing else
  let id: AuditId | undefined = ov.auditId;
  let type: string | undefined;
  let i = start;
  while (i < bodyAt) {
    while (i < bodyAt && isSep(line.charCodeAt(i))) i++;
    if (i >= bodyAt) break;
    const t0 = i;
    while (i < bodyAt && !isSep(line.charCodeAt(i))) i++;
    // the tokens are read where they are: no copy of them. Each is read as the general tokenizer
    // (fields.ts scanTokens) reads it, or the line is left to it: a quoted type is a field there,
    // not the header's, and `audit(...)` with a `=` in it is a key, not an id
    if (i - t0 >= 5 && textAt(line, t0, 'type=')) {
      const q = charAfter(line, t0 + 5, i);
      if (q === DQ || q === SQ) return undefined;
      type = typeWord(line, t0 + 5, i);
      if (isLegacyType(type)) return undefined;
    } else if (i - t0 >= 6 && (textAt(line, t0, 'audit(') || (i - t0 >= 10 && textAt(line, t0, 'msg=audit(')))) {
      const bare = line.charCodeAt(t0) === 0x61; /* a */
      if (bare) {
        const eq = line.indexOf('=', t0);
        if (eq >= 0 && eq < i) return undefined;
      }
      const a = parseAuditIdIn(line, bare ? t0 : t0 + 4, t0, i);
      if (!a) return undefined;
      if (!ov.auditId) id = a;
    } else return undefined;
  }
  const fields = newFields();
  let kind: string | undefined;
  let hex: UndecodedHolder | undefined;
  // the digest's sums, made as the fields are read (model/digest.ts digestOf makes the same)
  const no = (recordNo = (recordNo + 1) | 0);
  let digestible = true;
  let s1 = 0,
    s2 = 0,
    c1 = 0,
    c2 = 0;
  i = bodyAt;
  // the loops test `c > SP` themselves before calling isSep: with the small inlining budget of a
  // replay (commands/compile-budget.ts) the call is not inlined, and most characters are above SP
  while (i < end) {
    let c = line.charCodeAt(i);
    while (i < end && c <= SP && isSep(c)) c = charAfter(line, ++i, end);
    if (i >= end) break;
    const k0 = i;
    while (i < end && c !== EQ && (c > SP || !isSep(c))) c = charAfter(line, ++i, end);
    if (c !== EQ || i === k0 || i >= end) return undefined; // a bare word
    const slot = keySlot(line, k0, i);
    const key = KEY_SLOTS[slot]!;
    c = charAfter(line, ++i, end);
    let value: string;
    /** Where the value is in the line; v1 < 0: it is not the line's text (decoded hex). */
    let v0: number;
    let v1: number;
    if (c === DQ) {
      const q = line.indexOf('"', i + 1);
      if (q < 0 || line.charCodeAt(q - 1) === BS) return undefined;
      v0 = i + 1;
      v1 = q;
      value = line.slice(v0, q);
      i = q + 1;
    } else {
      if (c === SQ) return undefined;
      v0 = i;
      while (i < end && (c > SP || !isSep(c))) c = charAfter(line, ++i, end);
      v1 = i;
      value = line.slice(v0, i);
      if ((KEY_BITS[slot] & HEX_KEY) !== 0 && isHex(value)) {
        value = decodeHex(value, key, (hex ??= {}));
        v1 = -1;
      }
    }
    if (kind === undefined) {
      if (key !== 'apparmor') return undefined;
      kind = kindOf(value);
      if (!kind) return undefined;
      if (kind !== lastKind) {
        kindLanes(kind);
        kindH1 = lane1();
        kindH2 = lane2();
        lastKind = kind;
      }
      s1 = c1 = kindH1;
      s2 = c2 = kindH2;
    } else if (key === 'apparmor' || key === 'type' || key === 'msg') return undefined;
    fields[key] = value;
    if (digestible) {
      const bits = KEY_BITS[slot];
      if (KEY_SEEN[slot] === no || (bits & FIELD_NOT_KEPT) !== 0) digestible = false;
      else {
        KEY_SEEN[slot] = no;
        if (v1 >= 0) spanLanes(KEY_H1[slot], KEY_H2[slot], line, v0, v1);
        else spanLanes(KEY_H1[slot], KEY_H2[slot], value, 0, value.length);
        if ((bits & FIELD_IDENTITY) !== 0) {
          s1 = (s1 + lane1()) | 0;
          s2 = (s2 + lane2()) | 0;
        }
        if ((bits & FIELD_DECIDES) !== 0) {
          c1 = (c1 + lane1()) | 0;
          c2 = (c2 + lane2()) | 0;
        }
      }
    }
  }
  if (kind === undefined) return undefined;
  const info = decodePrefixOf(line, start, clock);
  const raw = line.length > MAX_RAW ? line.slice(0, MAX_RAW) : line;
  const r = newRecord(kind, fields, line, raw, src, info, ov, id, type ?? ov.auditType ?? info.auditType);
  if (hex?.undecoded) r.undecoded = hex.undecoded;
  if (digestible) r.digest = newDigest(fields, s1, s2, c1, c2);
  return r;
}
