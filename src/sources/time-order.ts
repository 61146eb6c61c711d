/**
 * Puts records from several sources in time order before they reach the views. Sources deliver
 * at their own pace (the journal's backfill is slower than dmesg's), so records are held briefly:
 * during the backfill until every source has caught up (bounded in time and count), live for a
 * short window. Records without a time keep their arrival position.
 */
import type { AppArmorRecord } from '../model/record.js';

interface Held {
  r: AppArmorRecord;
  at: number;
  key: number;
}

export class TimeOrder {
  private held: Held[] = [];

  constructor(private readonly emit: (r: AppArmorRecord) => void) {}

  get size(): number {
    return this.held.length;
  }

  add(r: AppArmorRecord, now: number): void {
    this.held.push({ r, at: now, key: r.time ?? now });
  }

  /** Emits, in time order, the records that arrived at or before `cutoff` (all with Infinity). */
  release(cutoff: number): number {
    let n = 0;
    while (n < this.held.length && this.held[n].at <= cutoff) n++;
    if (n === 0) return 0;
    const out = n === this.held.length ? this.held : this.held.slice(0, n);
    this.held = n === this.held.length ? [] : this.held.slice(n);
    out.sort((a, b) => a.key - b.key); // stable: equal times keep arrival order
    for (const h of out) this.emit(h.r);
    return n;
  }

  /** The oldest held arrival, or undefined. */
  oldest(): number | undefined {
    return this.held[0]?.at;
  }
}
