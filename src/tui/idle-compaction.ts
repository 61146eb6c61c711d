/**
 * When the interactive view gives its heap back. Under a flood the records the view keeps are
 * interleaved with garbage, and an ordinary collection gives back only pages left wholly empty, so
 * the heap stays at about the size the flood grew it to. Giving the rest back moves live objects
 * while the program waits, so it is done in steps (commands/heap.ts `compactStep`), one a tick,
 * each about one full collection long: a key waits for one step at most, and a key stops the run
 * (the next one starts from its first step when the view is idle again). A run starts only when
 * nobody has typed for a while and the heap grew: once the records stop coming (a flood is over),
 * or, when they never stop for a second, at most once in five minutes (under a flood the heap
 * grows back within seconds, so compacting more often buys nothing). It ends when a step gave
 * back little, or after a number of steps.
 * Pure: the runner brings the clock, the count of records taken in and the heap's size.
 */

/** How often the runner asks (ms): at most one step a tick. */
export const IDLE_TICK_MS = 500;

export interface IdleCompactionLimits {
  /** No key for this long (ms) before a run starts. */
  keyQuietMs: number;
  /** No new record for this long (ms): the flood is over. */
  ingestQuietMs: number;
  /** Under a flood that goes on, at most once per this long (ms). */
  everyMs: number;
  /** Records taken in since the last run before another is worth it. */
  minRecords: number;
  /** The heap held from the system (bytes) below which nothing is done (a small session never pays). */
  minHeld: number;
  /** The heap held must have grown by this factor over what the last run left. */
  growth: number;
  /** A step that gave back less than this (bytes) ends the run. */
  minGain: number;
  /** Steps a run takes at most. */
  maxSteps: number;
}

export const IDLE_COMPACTION_LIMITS: IdleCompactionLimits = {
  keyQuietMs: 5000,
  ingestQuietMs: 1000,
  everyMs: 300_000,
  minRecords: 20_000,
  minHeld: 64 * 2 ** 20,
  growth: 1.25,
  minGain: 2 * 2 ** 20,
  maxSteps: 8,
};

export class IdleCompaction {
  private lastKey = Number.NEGATIVE_INFINITY;
  private seenRecords = 0;
  private recordsChangedAt: number;
  private lastAt: number;
  private recordsAtLast = 0;
  private heldAfterLast = 0;
  /** The next step of the run under way, or -1 when none is. */
  private nextStep = -1;
  /** When the last step was asked for: a key since then stops the run. */
  private stepAt = Number.NEGATIVE_INFINITY;

  constructor(
    start: number,
    private readonly limits: IdleCompactionLimits = IDLE_COMPACTION_LIMITS,
  ) {
    this.recordsChangedAt = start;
    this.lastAt = start;
  }

  /** A key arrived at `now`: a run under way stops there. */
  key(now: number): void {
    this.lastKey = now;
    this.nextStep = -1;
  }

  /** Whether a run is under way (its first step taken, its last not yet). */
  get running(): boolean {
    return this.nextStep > 0;
  }

  /**
   * Asked every tick: the step to take now (0 starts a run), or -1 for none; given the records
   * taken in so far and the heap held (bytes).
   */
  due(now: number, records: number, held: number): number {
    const l = this.limits;
    if (records !== this.seenRecords) {
      this.seenRecords = records;
      this.recordsChangedAt = now;
    }
    if (this.nextStep > 0) return this.take(now, this.nextStep);
    if (now - this.lastKey < l.keyQuietMs) return -1;
    if (records - this.recordsAtLast < l.minRecords) return -1;
    if (held < l.minHeld || held < this.heldAfterLast * l.growth) return -1;
    return now - this.recordsChangedAt >= l.ingestQuietMs || now - this.lastAt >= l.everyMs ? this.take(now, 0) : -1;
  }

  private take(now: number, step: number): number {
    this.stepAt = now;
    return step;
  }

  /**
   * Step `step` ended at `now`, the heap held `before` bytes and now `after`. The first step is
   * always followed by another: the pages its collection emptied go back while V8 sweeps them,
   * after the step, so what it gave back shows only later.
   */
  stepped(step: number, now: number, records: number, before: number, after: number): void {
    if (this.lastKey >= this.stepAt) {
      // a key came while the step ran: the run stops there, as it would for a key between steps
      this.nextStep = -1;
      return;
    }
    if (step + 1 < this.limits.maxSteps && (step === 0 || before - after >= this.limits.minGain)) {
      this.nextStep = step + 1;
      return;
    }
    this.nextStep = -1;
    this.lastAt = now;
    this.recordsAtLast = records;
    this.heldAfterLast = after;
  }
}
