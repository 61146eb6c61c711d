/**
 * Puts records from several sources in time order before they reach the views. Sources deliver
 * at their own pace (the journal's backfill is slower than dmesg's), so records are held briefly:
 * during the backfill until every source has caught up (bounded in time and count), live for a
 * short window. Records without a time keep their arrival position.
 */
import { performance } from 'node:perf_hooks';
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

  /**
   * Emits, in time order, the records that arrived at or before `cutoff` (all with Infinity), for
   * at most `budgetMs` (a long backlog is released over several calls so the UI is not blocked).
   * Returns how many are still due.
   */
  release(cutoff: number, budgetMs = Infinity): number {
    let n = 0;
    while (n < this.held.length && this.held[n].at <= cutoff) n++;
    if (n === 0) return 0;
    const due = n === this.held.length ? this.held : this.held.slice(0, n);
    const rest = n === this.held.length ? [] : this.held.slice(n);
    due.sort((a, b) => a.key - b.key); // stable: equal times keep arrival order; a sorted run sorts fast again
    const deadline = budgetMs === Infinity ? Infinity : performance.now() + budgetMs;
    let i = 0;
    while (i < due.length) {
      this.emit(due[i++].r);
      if ((i & 255) === 0 && performance.now() > deadline) break;
    }
    // what is not emitted yet stays first, still sorted
    this.held = i === due.length ? rest : due.slice(i).concat(rest);
    return due.length - i;
  }

  /** The oldest held arrival, or undefined. */
  oldest(): number | undefined {
    return this.held[0]?.at;
  }
}
