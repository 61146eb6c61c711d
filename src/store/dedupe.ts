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

export function contentKey(r: AppArmorRecord): string {
  const f = r.fields;
  const keys = Object.keys(f).sort();
  let s = r.kind;
  for (const k of keys) {
    if (NOT_IDENTITY.has(k)) continue;
    s += `\u0000${k}=${f[k]}`;
  }
  return s;
}

/** 53-bit FNV-1a-style hash: keys in memory are numbers, not strings. */
export function hash53(s: string): number {
  let h1 = 0x811c9dc5 ^ 0, h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return (h2 >>> 0) * 0x200000 + ((h1 >>> 0) & 0x1fffff);
}

interface Loose {
  time: number;
  withId: boolean;
}

export class RecordDeduper {
  duplicates = 0;
  private exact = new Set<number>();
  private loose = new Map<number, Loose[]>();

  constructor(private readonly capacity = 500_000) {}

  /** True when `r` is new; false when it is a copy of a record already seen. */
  admit(r: AppArmorRecord): boolean {
    const content = contentKey(r);
    const ch = hash53(content);
    const t = r.time ?? 0;
    const list = this.loose.get(ch);
    if (r.auditId !== undefined) {
      const ek = hash53(`${r.auditId}\u0001${content}`);
      if (this.exact.has(ek)) {
        this.duplicates++;
        return false;
      }
      // a copy without an id seen earlier?
      if (list) {
        const i = list.findIndex((l) => !l.withId && Math.abs(l.time - t) <= LOOSE_WINDOW_MS);
        if (i >= 0) {
          list.splice(i, 1);
          this.remember(ek);
          this.duplicates++;
          return false;
        }
      }
      this.remember(ek);
      this.pushLoose(ch, { time: t, withId: true });
      return true;
    }
    if (list) {
      const i = list.findIndex((l) => l.withId && Math.abs(l.time - t) <= LOOSE_WINDOW_MS);
      if (i >= 0) {
        list.splice(i, 1);
        this.duplicates++;
        return false;
      }
    }
    this.pushLoose(ch, { time: t, withId: false });
    return true;
  }

  private remember(k: number): void {
    this.exact.add(k);
    if (this.exact.size > this.capacity) {
      // Sets iterate in insertion order: drop the oldest quarter
      let n = this.capacity >> 2;
      for (const old of this.exact) {
        this.exact.delete(old);
        if (--n <= 0) break;
      }
    }
  }

  private pushLoose(k: number, l: Loose): void {
    const list = this.loose.get(k);
    if (list) {
      list.push(l);
      if (list.length > 8) list.shift();
    } else this.loose.set(k, [l]);
    if (this.loose.size > this.capacity) {
      let n = this.capacity >> 2;
      for (const old of this.loose.keys()) {
        this.loose.delete(old);
        if (--n <= 0) break;
      }
    }
  }
}
