/**
 * The deduper's exact keys (a record's audit id and content, hashed), kept in the order they were
 * admitted with each record's audit serial beside them. The kernel numbers audit events in
 * increasing order, so a log read in order brings a serial above every one kept nearly every time:
 * such a record cannot be a copy of one kept (a copy has the same id, so the same serial), and it
 * is appended at the end of three arrays, with no lookup and no write to a random slot. A table
 * placed by hash wrote each new key to a slot of its own somewhere in megabytes of memory and
 * looked in two generations first: on a flood of new records most of the deduper's time.
 *
 * Where the serials go down (another input read after the first, a reboot, a copy from the other
 * channel) a new run starts, and a key at or under the highest serial is looked for by binary
 * search in each run still kept. Past RUNS_MAX runs (inputs interleaved record by record) the keys
 * move to a RecentTable and stay there: the same answers, at the table's cost.
 *
 * Bounded: the last `slots` keys are kept (a ring), at least as many as a RecentTable of the same
 * size remembers.
 */
import { RecentTable } from './recent-table.js';
import { firstSize, grown } from './columns.js';

/** Runs searched at most before the keys move to a table. */
const RUNS_MAX = 16;

export class SerialLog {
  private readonly mask: number;
  private serials: Float64Array;
  private keys: Int32Array;
  private values: Int32Array;
  /** Keys appended so far (the next one's place is `count & mask`). */
  private count = 0;
  /** The highest serial appended (those forgotten included: a bound, never too low). */
  private highest = -Infinity;
  /** Where each run still kept starts (as counts), oldest first; the last runs to `count`. */
  private runs: number[] = [0];
  private table: RecentTable | undefined;

  constructor(private readonly slotsLog2: number) {
    this.mask = (1 << slotsLog2) - 1;
    // the columns grow with the keys, up to the bound (columns.ts)
    this.serials = new Float64Array(firstSize(slotsLog2));
    this.keys = new Int32Array(firstSize(slotsLog2));
    this.values = new Int32Array(firstSize(slotsLog2));
  }

  /** Whether `key` was added with `value` and `serial`. */
  has(serial: number, key: number, value: number): boolean {
    if (this.table !== undefined) return this.table.get(key) === value;
    if (serial > this.highest) return false;
    const oldest = Math.max(0, this.count - this.mask - 1);
    for (let r = this.runs.length - 1; r >= 0; r--) {
      const end = r + 1 < this.runs.length ? this.runs[r + 1] : this.count;
      const start = Math.max(this.runs[r], oldest);
      if (start >= end) break;
      if (this.findIn(start, end, serial, key, value)) return true;
    }
    return false;
  }

  add(serial: number, key: number, value: number): void {
    if (this.table !== undefined) {
      this.table.set(key, value);
      return;
    }
    const n = this.count;
    // (a serial that is no number, `!(a >= b)`, starts a run too)
    if (n > 0 && !(serial >= this.serials[(n - 1) & this.mask]) && !this.newRun(n)) {
      this.add(serial, key, value);
      return;
    }
    if (n < this.mask + 1 && n === this.keys.length) {
      this.serials = grown(this.serials, this.mask + 1);
      this.keys = grown(this.keys, this.mask + 1);
      this.values = grown(this.values, this.mask + 1);
    }
    const i = n & this.mask;
    this.serials[i] = serial;
    this.keys[i] = key;
    this.values[i] = value;
    this.count = n + 1;
    if (serial > this.highest) this.highest = serial;
  }

  /** A key of `serial` in the run [start, end) (counts): its serials never go down. */
  private findIn(start: number, end: number, serial: number, key: number, value: number): boolean {
    const m = this.mask;
    // the first place whose serial is not below `serial`
    let lo = start;
    let hi = end;
    while (lo < hi) {
      const mid = lo + ((hi - lo) >>> 1);
      if (this.serials[mid & m] < serial) lo = mid + 1;
      else hi = mid;
    }
    for (let j = lo; j < end && this.serials[j & m] === serial; j++) if (this.keys[j & m] === key && this.values[j & m] === value) return true;
    return false;
  }

  /** Starts a run at `at`; false when there are then too many and the keys moved to a table. */
  private newRun(at: number): boolean {
    const oldest = Math.max(0, at - this.mask);
    // runs wholly forgotten (the ring wrote over them) are dropped
    let drop = 0;
    while (drop + 1 < this.runs.length && this.runs[drop + 1] <= oldest) drop++;
    if (drop > 0) this.runs.splice(0, drop);
    this.runs.push(at);
    if (this.runs.length <= RUNS_MAX) return true;
    this.toTable();
    return false;
  }

  /** Every key kept moves to a table, oldest first (a newer key takes an older one's place). */
  private toTable(): void {
    const t = new RecentTable(this.slotsLog2);
    const m = this.mask;
    for (let j = Math.max(0, this.count - m - 1); j < this.count; j++) t.set(this.keys[j & m], this.values[j & m]);
    this.table = t;
    this.serials = new Float64Array(0);
    this.keys = new Int32Array(0);
    this.values = new Int32Array(0);
  }
}
