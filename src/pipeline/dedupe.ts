/**
 * Identity of a record: the same record seen twice (kernel log and audit channel, dmesg and the
 * journal) is one record; but one audit id can carry several distinct records (dac_read_search and
 * dac_override from one syscall), so identity is the audit id plus the record's content.
 *
 * A copy that lost its id (journalctl -o short of the audit transport has no serial) matches a copy
 * with the same content within a couple of seconds. Memory is bounded: the oldest keys are forgotten.
 */
import type { AppArmorRecord } from '../model/record.js';
import { digestOf, hashString } from '../model/digest.js';
import { RecentTable } from './recent-table.js';

export { contentHash } from '../model/digest.js';

const LOOSE_WINDOW_MS = 2000;

/**
 * Remembers what it has seen in tables of small integers (no per-record objects): exact keys
 * (audit id + content, 30 bits, verified by the other 30) and, per content, the time of the latest
 * unmatched copy with an id and without one, packed with how many are unmatched. Memory is fixed:
 * the most recent keys are remembered (RecentTable), at least 2^(slotsLog2 - 1) of them.
 */
export class RecordDeduper {
  duplicates = 0;
  private readonly exact: RecentTable;
  private readonly withId: RecentTable;
  /** Made on the first copy without an id: most inputs have none. */
  private withoutId: RecentTable | undefined;

  constructor(private readonly slotsLog2 = 18) {
    this.exact = new RecentTable(slotsLog2);
    // copies without an id match within LOOSE_WINDOW_MS: a smaller table remembers seconds of a flood
    this.withId = new RecentTable(slotsLog2 - 1);
  }

  /** True when `r` is new; false when it is a copy of a record already seen. */
  admit(r: AppArmorRecord): boolean {
    const d = digestOf(r);
    const c1 = d.id1;
    const c2 = d.id2;
    const t = r.time ?? 0;
    if (r.auditId !== undefined) {
      const ek = (c1 ^ hashString(r.auditId)) & 0x3fffffff;
      if (this.exact.get(ek) === c2) return this.duplicate();
      this.exact.set(ek, c2);
      // a copy without an id seen earlier (journalctl -o short of the audit channel)?
      if (this.withoutId && this.take(this.withoutId, c1, t)) return this.duplicate();
      this.add(this.withId, c1, t);
      return true;
    }
    if (this.take(this.withId, c1, t)) return this.duplicate();
    this.add((this.withoutId ??= new RecentTable(this.slotsLog2 - 1)), c1, t);
    return true;
  }

  private duplicate(): false {
    this.duplicates++;
    return false;
  }

  /** Matches one unmatched copy within the window, if there is one. Values: time * 64 + count. */
  private take(m: RecentTable, k: number, t: number): boolean {
    const packed = m.get(k);
    if (packed === undefined) return false;
    const at = Math.floor(packed / 64);
    if (Math.abs(at - t) > LOOSE_WINDOW_MS) return false;
    if (packed % 64 <= 1) m.delete(k);
    else m.set(k, packed - 1);
    return true;
  }

  private add(m: RecentTable, k: number, t: number): void {
    const packed = m.get(k);
    // copies older than the window no longer match anything: start counting again
    const n = packed !== undefined && Math.abs(Math.floor(packed / 64) - t) <= LOOSE_WINDOW_MS ? Math.min((packed % 64) + 1, 63) : 1;
    m.set(k, t * 64 + n);
  }
}
