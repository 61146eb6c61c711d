/**
 * Identity of a record: the same record seen twice (kernel log and audit channel, dmesg and the
 * journal) is one record; but one audit id can carry several distinct records (dac_read_search and
 * dac_override from one syscall), so identity is the audit id plus the record's content.
 *
 * A copy that lost its id (journalctl -o short of the audit transport has no serial) matches a copy
 * with the same content within a couple of seconds. Memory is bounded: the oldest keys are forgotten.
 */
import type { AppArmorRecord } from '../model/record.js';

/** Fields that wrap or enrich a record and differ between carriers of the same record. */
const NOT_IDENTITY: ReadonlySet<string> = new Set(['FSUID', 'OUID', 'hostname', 'addr', 'terminal', 'subj', 'sauid', 'exe', 'uid', 'auid', 'ses']);
const LOOSE_WINDOW_MS = 2000;

/**
 * A 60-bit hash of the record's content, independent of field order (carriers list the same fields
 * in different orders: journald's _AUDIT_FIELD_* are alphabetical): two 30-bit sums of per-field
 * hashes. One pass over the characters, no sorting, no string building: it runs on every record.
 */
export function contentHash(r: AppArmorRecord): [number, number] {
  hashContent(r);
  return [pair[0], pair[1]];
}

/** Leaves the record's two 30-bit content hashes in pair[0], pair[1] (no allocation). */
function hashContent(r: AppArmorRecord): void {
  const f = r.fields;
  pair[0] = 0x811c9dc5;
  pair[1] = 0x5bd1e995;
  hashInto(r.kind);
  let s1 = pair[0];
  let s2 = pair[1];
  for (const k in f) {
    if (NOT_IDENTITY.has(k)) continue;
    pair[0] = 0x811c9dc5;
    pair[1] = 0x5bd1e995;
    hashInto(k);
    hashInto(f[k]);
    s1 = (s1 + pair[0]) | 0;
    s2 = (s2 + pair[1]) | 0;
  }
  pair[0] = s1 & 0x3fffffff;
  pair[1] = s2 & 0x3fffffff;
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

function hashString(s: string, seed: number, prime: number): number {
  let h = seed | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), prime);
  return (h ^ (h >>> 15)) | 0;
}


/**
 * Remembers what it has seen in maps of small integers (no per-record objects, no heap numbers):
 * exact keys (audit id + content, 30 bits, verified by the other 30) and, per content, the time of
 * the latest unmatched copy with an id and without one, packed with how many are unmatched.
 */
export class RecordDeduper {
  duplicates = 0;
  private readonly exact = new Map<number, number>();
  private readonly withId = new Map<number, number>();
  private readonly withoutId = new Map<number, number>();

  constructor(private readonly capacity = 500_000) {}

  /** True when `r` is new; false when it is a copy of a record already seen. */
  admit(r: AppArmorRecord): boolean {
    hashContent(r);
    const c1 = pair[0];
    const c2 = pair[1];
    const t = r.time ?? 0;
    if (r.auditId !== undefined) {
      const ek = (c1 ^ hashString(r.auditId, 0x811c9dc5, 0x01000193)) & 0x3fffffff;
      if (this.exact.get(ek) === c2) return this.duplicate();
      this.remember(this.exact, ek, c2);
      // a copy without an id seen earlier (journalctl -o short of the audit channel)?
      if (this.take(this.withoutId, c1, t)) return this.duplicate();
      this.add(this.withId, c1, t);
      return true;
    }
    if (this.take(this.withId, c1, t)) return this.duplicate();
    this.add(this.withoutId, c1, t);
    return true;
  }

  private duplicate(): false {
    this.duplicates++;
    return false;
  }

  /** Matches one unmatched copy within the window, if there is one. Values: time * 64 + count. */
  private take(m: Map<number, number>, k: number, t: number): boolean {
    const packed = m.get(k);
    if (packed === undefined) return false;
    const at = Math.floor(packed / 64);
    if (Math.abs(at - t) > LOOSE_WINDOW_MS) return false;
    if (packed % 64 <= 1) m.delete(k);
    else m.set(k, packed - 1);
    return true;
  }

  private add(m: Map<number, number>, k: number, t: number): void {
    const packed = m.get(k);
    // copies older than the window no longer match anything: start counting again
    const n = packed !== undefined && Math.abs(Math.floor(packed / 64) - t) <= LOOSE_WINDOW_MS ? Math.min((packed % 64) + 1, 63) : 1;
    this.remember(m, k, t * 64 + n);
  }

  /** Map insert with a bound: past capacity, the oldest quarter (insertion order) is forgotten. */
  private remember(m: Map<number, number>, k: number, v: number): void {
    m.set(k, v);
    if (m.size > this.capacity) {
      let n = this.capacity >> 2;
      for (const old of m.keys()) {
        m.delete(old);
        if (--n <= 0) break;
      }
    }
  }
}
