/**
 * Merging copies of one record from several sources. The deduper decides what is a copy (audit id
 * plus content); here a copy that arrives while the first one is still held for time ordering adds
 * what the first one lacks: the host (a dmesg copy has none), and the audit.log event's SYSCALL /
 * PROCTITLE context (the journal's copy has none). Classification runs after, on the merged record.
 */
import type { AppArmorRecord } from '../model/record.js';
import { contentHash, RecordDeduper } from '../store/dedupe.js';

export class RecordMerger {
  duplicates = 0;
  private readonly deduper = new RecordDeduper();
  /** Records still held (not yet shown), by audit id + content. */
  private readonly held = new Map<string, AppArmorRecord>();
  private readonly keys = new WeakMap<AppArmorRecord, string>();

  private key(r: AppArmorRecord): string | undefined {
    if (r.auditId === undefined) return undefined;
    const [a, b] = contentHash(r);
    return `${r.auditId}/${a}/${b}`;
  }

  /** True when `r` is new (and is now held until `shown`); false when it was a copy (absorbed). */
  admit(r: AppArmorRecord): boolean {
    if (!this.deduper.admit(r)) {
      this.duplicates++;
      const k = this.key(r);
      const kept = k === undefined ? undefined : this.held.get(k);
      if (kept) absorb(kept, r);
      return false;
    }
    const k = this.key(r);
    if (k !== undefined) {
      this.held.set(k, r);
      this.keys.set(r, k);
    }
    return true;
  }

  /** The record left the hold: later copies no longer change it. */
  shown(r: AppArmorRecord): void {
    const k = this.keys.get(r);
    if (k !== undefined && this.held.get(k) === r) this.held.delete(k);
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
