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
import { SerialLog } from './serial-log.js';
import { firstSize, grown } from './columns.js';

export { contentHash } from '../model/digest.js';

const LOOSE_WINDOW_MS = 2000;

/**
 * Remembers what it has seen in arrays of small integers (no per-record objects): exact keys
 * (audit id + content, 30 bits, verified by the other 30) in the order of their serials
 * (SerialLog), and, per content, the time of the latest unmatched copy with an id and without one,
 * packed with how many are unmatched (RecentTable). Memory is fixed: the most recent keys are
 * remembered, at least 2^(slotsLog2 - 1) of them.
 *
 * The copies with an id are only ever looked for by a copy without one, and most inputs have none
 * (dmesg, audit.log, the journal's kernel channel): until the first such copy comes, the contents
 * of the copies with an id are only noted in order (RecentContents), and the table is made from
 * them then. Keeping the table from the first record wrote a slot somewhere in a megabyte per new
 * record, for nothing on those inputs.
 */
export class RecordDeduper {
  duplicates = 0;
  private readonly exact: SerialLog;
  /** Made on the first copy without an id, from what `noted` kept until then. */
  private withId: RecentTable | undefined;
  private noted: RecentContents | undefined;
  /** Made on the first copy without an id: most inputs have none. */
  private withoutId: RecentTable | undefined;

  constructor(private readonly slotsLog2 = 18) {
    this.exact = new SerialLog(slotsLog2);
    // copies without an id match within LOOSE_WINDOW_MS: fewer keys remember seconds of a flood
    this.noted = new RecentContents(slotsLog2 - 1);
  }

  /** True when `r` is new; false when it is a copy of a record already seen. */
  admit(r: AppArmorRecord): boolean {
    const d = digestOf(r);
    const c1 = d.id1;
    const c2 = d.id2;
    const t = r.time ?? 0;
    if (r.auditId !== undefined) {
      const ek = (c1 ^ hashString(r.auditId)) & 0x3fffffff;
      const serial = r.serial ?? -1;
      if (this.exact.has(serial, ek, c2)) return this.duplicate();
      this.exact.add(serial, ek, c2);
      // a copy without an id seen earlier (journalctl -o short of the audit channel)?
      if (this.withoutId && this.take(this.withoutId, c1, t)) return this.duplicate();
      if (this.noted !== undefined) this.noted.note(c1, t);
      else this.add(this.withId!, c1, t);
      return true;
    }
    if (this.take(this.copiesWithId(), c1, t)) return this.duplicate();
    this.add((this.withoutId ??= new RecentTable(this.slotsLog2 - 1)), c1, t);
    return true;
  }

  /** The table of copies with an id, made now from the contents noted when it is first needed. */
  private copiesWithId(): RecentTable {
    if (this.withId === undefined) {
      const table = new RecentTable(this.slotsLog2 - 1);
      this.noted?.replay((c1, t) => this.add(table, c1, t));
      this.noted = undefined;
      this.withId = table;
    }
    return this.withId;
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

/**
 * The contents and times of the last `2^slotsLog2` copies with an id, in order, in a ring: replayed
 * into the table the first time a copy without an id needs it. The table would remember at most as
 * many keys, and a copy matches only within LOOSE_WINDOW_MS: that many records cover the window
 * unless more than 30,000 a second come.
 */
class RecentContents {
  private readonly mask: number;
  private contents: Int32Array;
  private times: Float64Array;
  private count = 0;

  constructor(slotsLog2: number) {
    this.mask = (1 << slotsLog2) - 1;
    this.contents = new Int32Array(firstSize(slotsLog2));
    this.times = new Float64Array(firstSize(slotsLog2));
  }

  note(content: number, time: number): void {
    const n = this.count;
    if (n === this.contents.length && n <= this.mask) {
      this.contents = grown(this.contents, this.mask + 1);
      this.times = grown(this.times, this.mask + 1);
    }
    this.contents[n & this.mask] = content;
    this.times[n & this.mask] = time;
    this.count = n + 1;
  }

  /** Every content kept, oldest first. */
  replay(each: (content: number, time: number) => void): void {
    for (let j = Math.max(0, this.count - this.mask - 1); j < this.count; j++) each(this.contents[j & this.mask], this.times[j & this.mask]);
  }
}
