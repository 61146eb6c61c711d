/**
 * Merging copies of one record from several sources. The deduper decides what is a copy (audit id
 * plus content); here a copy that arrives while the first one is still held for time ordering adds
 * what the first one lacks: the host (a dmesg copy has none), and the audit.log event's SYSCALL /
 * PROCTITLE context (the journal's copy has none). Classification runs after, on the merged record.
 */
import type { AppArmorRecord } from '../model/record.js';
import { contentHash, RecordDeduper } from './dedupe.js';

export class RecordMerger {
  duplicates = 0;
  private readonly deduper = new RecordDeduper();
  /**
   * Records still held (not yet shown), by audit id: usually one, several when one event carries
   * several records. Content is compared only when a copy arrives (rare next to new records).
   */
  private readonly held = new Map<string, AppArmorRecord | AppArmorRecord[]>();

  /** True when `r` is new (and is now held until `shown`); false when it was a copy (absorbed). */
  admit(r: AppArmorRecord): boolean {
    const id = r.auditId;
    if (!this.deduper.admit(r)) {
      this.duplicates++;
      const kept = id === undefined ? undefined : this.held.get(id);
      if (kept) {
        const [a, b] = contentHash(r);
        const same = (k: AppArmorRecord) => {
          const [c, d] = contentHash(k);
          return a === c && b === d;
        };
        const match = Array.isArray(kept) ? kept.find(same) : same(kept) ? kept : undefined;
        if (match) absorb(match, r);
      }
      return false;
    }
    if (id !== undefined) {
      const kept = this.held.get(id);
      if (kept === undefined) this.held.set(id, r);
      else if (Array.isArray(kept)) kept.push(r);
      else this.held.set(id, [kept, r]);
    }
    return true;
  }

  /** The record left the hold: later copies no longer change it. */
  shown(r: AppArmorRecord): void {
    const id = r.auditId;
    if (id === undefined) return;
    const kept = this.held.get(id);
    if (kept === r) this.held.delete(id);
    else if (Array.isArray(kept)) {
      const i = kept.indexOf(r);
      if (i >= 0) kept.splice(i, 1);
      if (kept.length === 0) this.held.delete(id);
    }
  }
}

/** Fills what `kept` lacks from another copy of the same record. */
export function absorb(kept: AppArmorRecord, copy: AppArmorRecord): void {
  if (kept.host === undefined && copy.host !== undefined) kept.host = copy.host;
  if (copy.context) kept.context = { ...copy.context, ...kept.context };
  if (kept.timeApprox && !copy.timeApprox && copy.time !== undefined) {
    kept.time = copy.time;
    delete kept.timeApprox;
  }
}
