/**
 * When the interactive view compacts its heap. Under a flood the records the view keeps are
 * interleaved with garbage, and an ordinary collection gives back only pages left wholly empty, so
 * the heap stays at about the size the flood grew it to. A compacting collection gives the rest
 * back, but moves the whole heap while the program waits: a key pressed then waits with it. So it
 * runs only when nobody has typed for a while, and only when the heap grew: once the records stop
 * coming (a flood is over), or, when they never stop for a second, at most once in five minutes
 * (under a flood the heap grows back within seconds, so compacting more often buys nothing).
 * Pure: the runner brings the clock, the count of records taken in and the heap's size.
 */

/** How often the runner asks (ms). */
export const IDLE_TICK_MS = 500;

export interface IdleCompactionLimits {
  /** No key for this long (ms) before the heap is moved. */
  keyQuietMs: number;
  /** No new record for this long (ms): the flood is over. */
  ingestQuietMs: number;
  /** Under a flood that goes on, at most once per this long (ms). */
  everyMs: number;
  /** Records taken in since the last compaction before another is worth it. */
  minRecords: number;
  /** The heap held from the system (bytes) below which nothing is done (a small session never pays). */
  minHeld: number;
  /** The heap held must have grown by this factor over what the last compaction left. */
  growth: number;
}

export const IDLE_COMPACTION_LIMITS: IdleCompactionLimits = {
  keyQuietMs: 5000,
  ingestQuietMs: 1000,
  everyMs: 300_000,
  minRecords: 20_000,
  minHeld: 64 * 2 ** 20,
  growth: 1.25,
};

export class IdleCompaction {
  private lastKey = Number.NEGATIVE_INFINITY;
  private seenRecords = 0;
  private recordsChangedAt: number;
  private lastAt: number;
  private recordsAtLast = 0;
  private heldAfterLast = 0;

  constructor(
    start: number,
    private readonly limits: IdleCompactionLimits = IDLE_COMPACTION_LIMITS,
  ) {
    this.recordsChangedAt = start;
    this.lastAt = start;
  }

  /** A key arrived at `now`. */
  key(now: number): void {
    this.lastKey = now;
  }

  /** Asked every tick: whether to compact now, given the records taken in so far and the heap held (bytes). */
  due(now: number, records: number, held: number): boolean {
    const l = this.limits;
    if (records !== this.seenRecords) {
      this.seenRecords = records;
      this.recordsChangedAt = now;
    }
    if (now - this.lastKey < l.keyQuietMs) return false;
    if (records - this.recordsAtLast < l.minRecords) return false;
    if (held < l.minHeld || held < this.heldAfterLast * l.growth) return false;
    return now - this.recordsChangedAt >= l.ingestQuietMs || now - this.lastAt >= l.everyMs;
  }

  /** A compaction ended at `now`, leaving `held` bytes of heap. */
  done(now: number, records: number, held: number): void {
    this.lastAt = now;
    this.recordsAtLast = records;
    this.heldAfterLast = held;
  }
}
