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
 * one pass over the fields.
 */
export function digestOf(r: AppArmorRecord): RecordDigest {
  const f = r.fields;
  const known = r.digest;
  if (known !== undefined && known.of === f) return known;
  pair[0] = 0x811c9dc5;
  pair[1] = 0x5bd1e995;
  hashInto(r.kind);
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
  const d: RecordDigest = { of: f, id1: s1 & 0x3fffffff, id2: s2 & 0x3fffffff, cls1: c1 & 0x3fffffff, cls2: c2 & 0x3fffffff };
  r.digest = d;
  return d;
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
    if (identity) (id1 -= pair[0]), (id2 -= pair[1]);
    if (decides) (cls1 -= pair[0]), (cls2 -= pair[1]);
  }
  if (after !== undefined) {
    fieldHash(key, after);
    if (identity) (id1 += pair[0]), (id2 += pair[1]);
    if (decides) (cls1 += pair[0]), (cls2 += pair[1]);
  }
  return { of: fields, id1: id1 & 0x3fffffff, id2: id2 & 0x3fffffff, cls1: cls1 & 0x3fffffff, cls2: cls2 & 0x3fffffff };
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
  let h1 = pair[0];
  let h2 = pair[1];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x2f1e4b3d);
  }
  pair[0] = h1 ^ (h1 >>> 15);
  pair[1] = h2 ^ (h2 >>> 13);
}

