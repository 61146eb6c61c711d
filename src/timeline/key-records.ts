/**
 * The distinct accesses of one incident, bounded: the same access repeated is one entry with a
 * count, and when an incident has more distinct accesses than fit, the least telling ones (lowest
 * verdict, then latest, then the one that came last) are dropped and counted, so attack records
 * are never pushed out by noise.
 *
 * The set holds only as many accesses as the incident lists. That loses nothing: the order is total
 * and an access's rank never changes, so the set is always the top of every access met so far; an
 * access the incident lists in the end had fewer above it than that at every moment, so it was
 * never dropped and its count is whole. (It held 64 once, 15 MB of an interactive session's heap
 * after a flood of a million one-off records.)
 */
import { digestOf, hashString53 } from '../model/digest.js';
import { DistinctCount } from '../model/distinct-count.js';
import type { AppArmorRecord } from '../model/record.js';
import { busNameOnly, pidIsPeer, recordMask, recordProfile, recordTarget } from '../model/record.js';
import { own } from '../model/own-copy.js';
import type { KeyRecord, TimePoint, TimelineVerdict } from './model.js';
import { severity } from './model.js';

/** Distinct accesses dropped that are told apart per incident: past them the count is an estimate. */
const DROPPED_TOLD_APART = 192;

/** The identity of an access, hashed: a number keeps nothing of the record alive. */
export function accessKeyPlain(r: AppArmorRecord, verdict: string): number {
  const f = r.fields;
  // 53 bits: collisions are not a practical concern here
  const key = `${r.kind}\u0000${f.operation ?? ''}\u0000${recordTarget(r) ?? ''}\u0000${recordMask(r) ?? ''}\u0000${recordProfile(r) ?? ''}\u0000${verdict}`;
  // a program's line about the same access is kept apart from the kernel's record of it, and a
  // bus daemon's line taken at its name from one the journal's _EXE vouched for
  if (r.writer !== undefined) return hashString53(`${key}\u0000${r.writer}`);
  return hashString53(busNameOnly(r) ? `${key}\u0000\u0000bus name` : key);
}

/**
 * accessKeyPlain, remembered by the record's classifier digest (every field but the pid, which the
 * key does not read: the same 60 bits the classifier's cache trusts) and the verdict: a flood's
 * denials repeat, and joining and hashing their texts again was a third of what the timeline spent
 * on a record. Direct-mapped, the last key per place.
 */
export function accessKey(r: AppArmorRecord, verdict: string): number {
  // the digest leaves the writer and the carrier out (they are no fields): such a record, rare, is keyed in full
  if (r.writer !== undefined || busNameOnly(r)) return accessKeyPlain(r, verdict);
  const d = digestOf(r);
  const i = d.cls1 & (MEMO - 1);
  if (memoCls1[i] === d.cls1 && memoCls2[i] === d.cls2 && memoVerdict[i] === verdict) return memoKey[i];
  const key = accessKeyPlain(r, verdict);
  memoCls1[i] = d.cls1;
  memoCls2[i] = d.cls2;
  memoVerdict[i] = verdict;
  memoKey[i] = key;
  return key;
}
const MEMO = 1024;
const memoCls1 = new Int32Array(MEMO).fill(-1);
const memoCls2 = new Int32Array(MEMO);
const memoVerdict: string[] = new Array<string>(MEMO).fill('');
const memoKey = new Float64Array(MEMO);

/** Keep priority, a lower one first: severity, then the later time (earlier is kept). No allocation: it runs for every entry of a full set. */
function lower(a: KeyRecord, b: KeyRecord): boolean {
  return ranksBelow(a, b.verdict, b.at);
}

/** lower(k, a record of `verdict` at `at`), without building the record. */
function ranksBelow(k: KeyRecord, verdict: TimelineVerdict, at: TimePoint): boolean {
  const sa = severity(k.verdict);
  const sb = severity(verdict);
  if (sa !== sb) return sa < sb;
  return -(k.at.time ?? Number.MAX_SAFE_INTEGER) < -(at.time ?? Number.MAX_SAFE_INTEGER);
}

export class KeyRecordSet {
  private entries = new Map<number, KeyRecord>();
  /** The distinct accesses dropped (an access dropped again counts once), and the records they stood for. */
  private readonly dropped = new DistinctCount(DROPPED_TOLD_APART, { estimate: true });
  droppedRecords = 0;

  /** `capacity`: the accesses the incident lists. */
  constructor(private capacity: number) {}

  /** Keeps only the `max` most telling accesses (an incident gone quiet): the rest become counts. */
  compact(max: number): void {
    if (this.entries.size <= max) {
      this.capacity = Math.min(this.capacity, Math.max(max, this.entries.size));
      return;
    }
    const all = [...this.entries.entries()].sort((a, b) => (lower(a[1], b[1]) ? 1 : lower(b[1], a[1]) ? -1 : 0));
    for (const [key, k] of all.slice(max)) this.drop(key, k.count);
    // a new map: a Map keeps the table it grew to even after deletions
    this.entries = new Map(all.slice(0, max));
    this.minKey = undefined;
    this.capacity = max;
  }

  add(r: AppArmorRecord, verdict: TimelineVerdict, at: TimePoint): void {
    const key = accessKey(r, verdict);
    const seen = this.entries.get(key);
    if (seen) {
      seen.count++;
      if (at.time !== undefined && (seen.lastTime === undefined || at.time > seen.lastTime)) seen.lastTime = at.time;
      return;
    }
    if (this.entries.size >= this.capacity) {
      // full: the new access replaces the least telling one only if it tells more; decided before
      // the key record is built, since on a flood of one-off accesses most are dropped here
      const minKey = this.minKey ?? this.findMin();
      const min = minKey === undefined ? undefined : this.entries.get(minKey);
      if (!min || !ranksBelow(min, verdict, at)) {
        this.drop(key, 1);
        return;
      }
      this.entries.delete(minKey!);
      this.minKey = undefined;
      this.drop(minKey!, min.count);
    }
    this.entries.set(key, toKeyRecord(r, verdict, at));
    this.minKey = undefined;
  }

  private drop(key: number, records: number): void {
    this.dropped.note(key);
    this.droppedRecords += records;
  }

  /** The least telling entry (remembered until the entries change: a count going up changes no rank).
   * Of entries that rank the same, the one that came last: select and compact keep the first of
   * them (a stable sort of the entries in the order they came), so the set holds what they keep. */
  private minKey: number | undefined;
  private findMin(): number | undefined {
    let min: KeyRecord | undefined;
    for (const [kk, e] of this.entries) {
      if (!min || !lower(min, e)) {
        min = e;
        this.minKey = kk;
      }
    }
    return this.minKey;
  }

  /** The `max` most telling accesses, in time order; and what was left out. */
  select(max: number): { keyRecords: KeyRecord[]; otherAccesses: number; otherAccessesEstimated: boolean; otherRecords: number } {
    const all = [...this.entries.values()];
    all.sort((a, b) => (lower(a, b) ? 1 : lower(b, a) ? -1 : 0));
    const kept = all.slice(0, max);
    const left = all.slice(max);
    kept.sort((a, b) => (a.at.time ?? 0) - (b.at.time ?? 0) || a.source.line - b.source.line);
    return {
      keyRecords: kept.map((k) => ({ ...k, at: { ...k.at } })),
      otherAccesses: left.length + this.dropped.count,
      otherAccessesEstimated: this.dropped.estimated,
      otherRecords: left.reduce((n, k) => n + k.count, 0) + this.droppedRecords,
    };
  }
}

/** Strings kept lately (past the bound, forgotten at once): see shared(). */
const kept = new Map<string, string>();
const KEPT_MAX = 4096;
/** Longer texts are copied, not remembered: a log field can be megabytes long. */
const KEPT_LENGTH = 512;

/**
 * own(s), and one copy for every key record that keeps the same text: the profile, operation,
 * mask, command and the classifier's reasons repeat across an incident's accesses and across
 * incidents (a flood of one-off targets keeps tens of thousands of key records), and each kept its
 * own copy (short texts too: each record's parse made its own).
 */
export function shared(s: string): string;
export function shared(s: string | undefined): string | undefined;
export function shared(s: string | undefined): string | undefined {
  if (typeof s !== 'string') return s;
  if (s.length > KEPT_LENGTH) return own(s);
  let k = kept.get(s);
  if (k === undefined) {
    if (kept.size >= KEPT_MAX) kept.clear();
    k = own(s);
    kept.set(k, k);
  }
  return k;
}

function toKeyRecord(r: AppArmorRecord, verdict: TimelineVerdict, at: TimePoint): KeyRecord {
  const f = r.fields;
  const k: KeyRecord = { at, count: 1, kind: shared(r.kind), verdict, source: r.source };
  if (f.operation !== undefined) k.operation = shared(f.operation);
  const profile = recordProfile(r);
  if (profile !== undefined) k.profile = shared(profile);
  const target = recordTarget(r);
  if (target !== undefined) k.target = shared(target);
  const mask = recordMask(r);
  if (mask !== undefined) k.mask = shared(mask);
  if (f.class !== undefined) k.cls = shared(f.class);
  if (f.pid !== undefined) k.pid = own(f.pid);
  if (f.comm !== undefined) k.comm = shared(f.comm);
  if (pidIsPeer(r)) k.pidIsPeer = true;
  if (f.info !== undefined) k.info = shared(f.info);
  // what the target alone does not say: which signal, which kind of socket (unless the target is the socket)
  const sockType = f.sock_type !== undefined && target !== `${f.family} ${f.sock_type}` ? `sock_type=${f.sock_type}` : '';
  const detail = [f.signal !== undefined ? `signal=${f.signal}` : '', sockType].filter(Boolean).join(' ');
  if (detail) k.detail = shared(detail);
  if (r.auditId !== undefined) k.auditId = own(r.auditId);
  if (r.writer !== undefined) k.writer = shared(r.writer);
  else if (busNameOnly(r)) k.busNameOnly = true;
  const reasons = r.classification?.reasons;
  if (reasons && reasons.length) k.reasons = reasons.slice(0, 3).map((x) => shared(x));
  return k;
}
