/**
 * A record's digest: two hashes of its content, computed once from its fields and kept on it.
 * - identity: what two carriers of one record have in common (the deduper's key, with the audit id);
 * - every field but the pid: what a verdict depends on (the classifier's cache key).
 * Pure; one pass over the characters, no sorting, no string building: it runs on every record.
 */
import type { AppArmorRecord, RecordDigest } from './record.js';

/** Fields that wrap or enrich a record and differ between carriers of the same record. */
const NOT_IDENTITY: ReadonlySet<string> = new Set(['FSUID', 'OUID', 'hostname', 'addr', 'terminal', 'subj', 'sauid', 'exe', 'uid', 'auid', 'ses']);

/**
 * A 60-bit hash of the record's content, independent of field order (carriers list the same fields
 * in different orders: journald's _AUDIT_FIELD_* are alphabetical): two 30-bit sums of per-field
 * hashes. One pass over the characters, no sorting, no string building: it runs on every record.
 */
export function contentHash(r: AppArmorRecord): [number, number] {
  const d = digestOf(r);
  return [d.id1, d.id2];
}

/**
 * The record's digest, computed on first use and kept on the record: the identity hash (fields
 * that wrap or enrich a record left out) and the classifier's key (every field but the pid), from
 * one pass over the fields. The one-pass parser makes the same sums while it reads the fields
 * (parse/fast-record.ts, through keyLanes, spanLanes and fieldBits below), so most records come
 * with theirs.
 */
export function digestOf(r: AppArmorRecord): RecordDigest {
  const f = r.fields;
  const known = r.digest;
  if (known !== undefined && known.of === f) return known;
  kindLanes(r.kind);
  let s1 = pair[0];
  let s2 = pair[1];
  let c1 = s1;
  let c2 = s2;
  for (const k in f) {
    fieldHash(k, f[k]);
    if (!NOT_IDENTITY.has(k)) {
      s1 = (s1 + pair[0]) | 0;
      s2 = (s2 + pair[1]) | 0;
    }
    if (k !== 'pid') {
      c1 = (c1 + pair[0]) | 0;
      c2 = (c2 + pair[1]) | 0;
    }
  }
  const d = newDigest(f, s1, s2, c1, c2);
  r.digest = d;
  return d;
}

/** A digest from its four sums (every digest has this one shape). */
export function newDigest(of: Record<string, string>, s1: number, s2: number, c1: number, c2: number): RecordDigest {
  return { of, id1: s1 & 0x3fffffff, id2: s2 & 0x3fffffff, cls1: c1 & 0x3fffffff, cls2: c2 & 0x3fffffff };
}

/** A field counts toward the identity sums. */
export const FIELD_IDENTITY = 1;
/** A field counts toward the classifier's sums. */
export const FIELD_DECIDES = 2;
/** A key no field of an object can have (`__proto__` sets the prototype): the sums cannot be made as the key is read. */
export const FIELD_NOT_KEPT = 4;

/** Which sums a field of this key goes into (FIELD_*). */
export function fieldBits(k: string): number {
  if (k === '__proto__') return FIELD_NOT_KEPT;
  return (NOT_IDENTITY.has(k) ? 0 : FIELD_IDENTITY) | (k === 'pid' ? 0 : FIELD_DECIDES);
}

/** lanes := the start of both sums for a record of this kind. */
export function kindLanes(kind: string): void {
  pair[0] = 0x811c9dc5;
  pair[1] = 0x5bd1e995;
  hashInto(kind);
}

/** lanes := a field's hash after its key, before its value (what a parser keeps per key). */
export function keyLanes(k: string): void {
  pair[0] = 0x811c9dc5;
  pair[1] = 0x5bd1e995;
  hashInto(k);
}

/**
 * lanes := the field's hash, from its key's (h1, h2: keyLanes) and its value s[a, b): what
 * digestOf adds for that field, without the value cut out of the line.
 */
export function spanLanes(h1: number, h2: number, s: string, a: number, b: number): void {
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x2f1e4b3d);
  }
  pair[0] = h1 ^ (h1 >>> 15);
  pair[1] = h2 ^ (h2 >>> 13);
}

/** The lanes the last kindLanes, keyLanes or spanLanes left (read both before the next call). */
export function lane1(): number {
  return pair[0];
}
export function lane2(): number {
  return pair[1];
}

/**
 * The digest of `fields`, a copy of `from.of` in which only `key`'s value differs, without a pass
 * over the other fields: the sums lose the old field's hashes and gain the new one's (a record
 * read from a template with another pid).
 */
export function digestWithChanged(from: RecordDigest, fields: Record<string, string>, key: string): RecordDigest {
  const before = from.of[key];
  const after = fields[key];
  let { id1, id2, cls1, cls2 } = from;
  const identity = !NOT_IDENTITY.has(key);
  const decides = key !== 'pid';
  if (before !== undefined) {
    fieldHash(key, before);
    if (identity) ((id1 -= pair[0]), (id2 -= pair[1]));
    if (decides) ((cls1 -= pair[0]), (cls2 -= pair[1]));
  }
  if (after !== undefined) {
    fieldHash(key, after);
    if (identity) ((id1 += pair[0]), (id2 += pair[1]));
    if (decides) ((cls1 += pair[0]), (cls2 += pair[1]));
  }
  return newDigest(fields, id1, id2, cls1, cls2);
}

function fieldHash(k: string, v: string): void {
  pair[0] = 0x811c9dc5;
  pair[1] = 0x5bd1e995;
  hashInto(k);
  hashInto(v);
}

/**
 * A string's hash, 32 bits (the first lane): the one string hash outside the digest, used for the
 * deduper's audit-id key.
 */
export function hashString(s: string): number {
  pair[0] = 0x811c9dc5;
  pair[1] = 0x5bd1e995;
  hashInto(s);
  return pair[0];
}

/** A string's hash, 53 bits (both lanes): a number that stands for the string as a map key. */
export function hashString53(s: string): number {
  pair[0] = 0x811c9dc5;
  pair[1] = 0x5bd1e995;
  hashInto(s);
  return (pair[1] >>> 0) * 0x200000 + ((pair[0] >>> 0) & 0x1fffff);
}

/** Two independent multiplicative hashes updated in one pass over the characters. */
const pair = new Int32Array(2);
function hashInto(s: string): void {
  spanLanes(pair[0], pair[1], s, 0, s.length);
}

/**
 * A quick hash of line[a, b), continuing `h`, from a sample of it: its length and two characters
 * in every SAMPLE_STEP (one multiplication per pair: the multiplications are what the loop waits
 * on), one lane. For a key that only picks what to compare with (the parser's templates,
 * parse/template.ts), where the comparison decides, and spans that differ only where the sample
 * does not look share a key; not for identity.
 */
export function sampleSpan(line: string, a: number, b: number, h: number): number {
  h = Math.imul(h ^ (b - a), 0x01000193);
  for (let i = a; i + 1 < b; i += SAMPLE_STEP) h = Math.imul(h ^ (line.charCodeAt(i) | (line.charCodeAt(i + 1) << 16)), 0x01000193);
  return h;
}
const SAMPLE_STEP = 4;

/**
 * A quick hash of every character of line[a, b), continuing `h`: two characters a step, one lane.
 * For telling lines apart where a sample would take lines that differ in one character for the
 * same (the parser's templates: whether a line was met before); not for identity.
 */
export function hashSpan(line: string, a: number, b: number, h: number): number {
  let i = a;
  for (; i + 1 < b; i += 2) h = Math.imul(h ^ (line.charCodeAt(i) | (line.charCodeAt(i + 1) << 16)), 0x01000193);
  if (i < b) h = Math.imul(h ^ line.charCodeAt(i), 0x01000193);
  return h;
}
