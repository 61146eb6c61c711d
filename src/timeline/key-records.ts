/**
 * The distinct accesses of one incident, bounded: the same access repeated is one entry with a
 * count, and when an incident has more distinct accesses than fit, the least telling ones (lowest
 * verdict, then latest) are dropped and counted, so attack records are never pushed out by noise.
 */
import type { AppArmorRecord } from '../model/record.js';
import { recordProfile, recordTarget } from '../model/record.js';
import type { KeyRecord, TimePoint, TimelineVerdict } from './model.js';
import { severity } from './model.js';

/** Distinct accesses tracked per incident; more than the listed ones so the choice is a good one. */
export const TRACKED_ACCESSES = 64;

function accessKey(r: AppArmorRecord, verdict: string): string {
  const f = r.fields;
  return `${r.kind}\u0000${f.operation ?? ''}\u0000${recordTarget(r) ?? ''}\u0000${f.denied_mask ?? f.requested_mask ?? f.mask ?? ''}\u0000${recordProfile(r) ?? ''}\u0000${verdict}`;
}

/** Keep priority: higher is kept. Severity first, then earlier time. */
function rank(k: KeyRecord): [number, number] {
  return [severity(k.verdict), -(k.at.time ?? Number.MAX_SAFE_INTEGER)];
}

function lower(a: KeyRecord, b: KeyRecord): boolean {
  const [sa, ta] = rank(a);
  const [sb, tb] = rank(b);
  return sa < sb || (sa === sb && ta < tb);
}

export class KeyRecordSet {
  private readonly entries = new Map<string, KeyRecord>();
  /** Distinct accesses dropped and the records they stood for. */
  droppedAccesses = 0;
  droppedRecords = 0;

  constructor(private readonly capacity = TRACKED_ACCESSES) {}

  add(r: AppArmorRecord, verdict: TimelineVerdict, at: TimePoint): void {
    const key = accessKey(r, verdict);
    const seen = this.entries.get(key);
    if (seen) {
      seen.count++;
      if (at.time !== undefined && (seen.lastTime === undefined || at.time > seen.lastTime)) seen.lastTime = at.time;
      return;
    }
    const k = toKeyRecord(r, verdict, at);
    if (this.entries.size >= this.capacity) {
      let minKey: string | undefined;
      let min: KeyRecord | undefined;
      for (const [kk, e] of this.entries) {
        if (!min || lower(e, min)) {
          min = e;
          minKey = kk;
        }
      }
      if (!min || minKey === undefined || !lower(min, k)) {
        this.droppedAccesses++;
        this.droppedRecords++;
        return;
      }
      this.entries.delete(minKey);
      this.droppedAccesses++;
      this.droppedRecords += min.count;
    }
    this.entries.set(key, k);
  }

  /** The `max` most telling accesses, in time order; and what was left out. */
  select(max: number): { keyRecords: KeyRecord[]; otherAccesses: number; otherRecords: number } {
    const all = [...this.entries.values()];
    all.sort((a, b) => (lower(a, b) ? 1 : lower(b, a) ? -1 : 0));
    const kept = all.slice(0, max);
    const left = all.slice(max);
    kept.sort((a, b) => (a.at.time ?? 0) - (b.at.time ?? 0) || a.source.line - b.source.line);
    return {
      keyRecords: kept.map((k) => ({ ...k, at: { ...k.at } })),
      otherAccesses: left.length + this.droppedAccesses,
      otherRecords: left.reduce((n, k) => n + k.count, 0) + this.droppedRecords,
    };
  }
}

function toKeyRecord(r: AppArmorRecord, verdict: TimelineVerdict, at: TimePoint): KeyRecord {
  const f = r.fields;
  const k: KeyRecord = { at, count: 1, kind: r.kind, verdict, source: { name: r.source.name, line: r.source.line } };
  if (f.operation !== undefined) k.operation = f.operation;
  const profile = recordProfile(r);
  if (profile !== undefined) k.profile = profile;
  const target = recordTarget(r);
  if (target !== undefined) k.target = target;
  const mask = f.denied_mask ?? f.requested_mask ?? f.mask;
  if (mask !== undefined) k.mask = mask;
  if (f.class !== undefined) k.cls = f.class;
  if (f.pid !== undefined) k.pid = f.pid;
  if (f.comm !== undefined) k.comm = f.comm;
  if (f.info !== undefined) k.info = f.info;
  // what the target alone does not say: which signal, which kind of socket
  const detail = [f.signal !== undefined ? `signal=${f.signal}` : '', f.sock_type !== undefined ? `sock_type=${f.sock_type}` : ''].filter(Boolean).join(' ');
  if (detail) k.detail = detail;
  if (r.auditId !== undefined) k.auditId = r.auditId;
  const reasons = r.classification?.reasons;
  if (reasons && reasons.length) k.reasons = reasons.slice(0, 3);
  return k;
}
