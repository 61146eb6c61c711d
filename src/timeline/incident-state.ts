/**
 * One incident while the timeline is being built: aggregates only (counts, sets with caps, the
 * bounded key-record set), never the records themselves, so a log of any size fits in memory.
 */
import type { AppArmorRecord, SourceRef } from '../model/record.js';
import { pidIsPeer, recordProfile } from '../model/record.js';
import { KeyRecordSet } from './key-records.js';
import { DistinctCount, pidCountKey } from '../model/distinct-count.js';
import { own } from '../model/own-copy.js';
import type { Incident, ProfileChange, TimePoint, TimelineVerdict } from './model.js';
import { severity } from './model.js';

const MAX_LABELS = 16;
const MAX_PIDS_TRACKED = 256;
const MAX_PIDS_SHOWN = 16;
/** Pids past the tracked ones that are told apart: past them "and N more" is an estimate. */
const MORE_PIDS_TOLD_APART = 96;
const MAX_COMMS = 16;
const MAX_CHANGES = 20;
const MAX_REASONS = 3;

/**
 * The profile an incident is about: the top of a label. `a//helper` and `a//null-/usr/bin/x` are
 * children of `a` (the same confinement tree); a stack `a//&b` is kept whole.
 */
export function rootProfile(label: string): string {
  // asked for every record, and a log's records name a few labels in turn: the last answer kept
  if (label === lastLabel) return lastRoot;
  const i = label.includes('//&') ? -1 : label.indexOf('//');
  lastLabel = label;
  lastRoot = i > 0 ? label.slice(0, i) : label;
  return lastRoot;
}
let lastLabel = '';
let lastRoot = '';

/**
 * A pid as the sets hold it: a number when the text is one written plainly (`1234`, no sign, no
 * leading zero: String gives the same text back), which costs a set no string of its own; any
 * other text kept as it is.
 */
export function pidKey(pid: string): string | number {
  return pid.length <= 9 && /^[1-9][0-9]*$/.test(pid) ? Number(pid) : own(pid);
}

export class IncidentState {
  readonly labels: string[] = [];
  readonly hosts = new Set<string>();
  verdict: TimelineVerdict = 'unclassified';
  hasAttack = false;
  first: TimePoint;
  last: TimePoint;
  firstSource: SourceRef;
  lastSource: SourceRef;
  /** The latest time anything happened in it (records, actions): the gap counts from here. */
  lastActivity: number;
  /** Once a boot happened after it, no later record joins it (pids start over). */
  sealedAt?: number;
  records = 0;
  readonly byKind: Record<string, number> = {};
  readonly byVerdict: Record<string, number> = {};
  /** Distinct pids in the order met, as pidKey gives them. */
  readonly pids = new Set<string | number>();
  /** The distinct pids met once the tracked ones were full (a pid met again counts once), and the
   * tracked ones let go when the incident was compacted (distinct from those). */
  private readonly morePids = new DistinctCount(MORE_PIDS_TOLD_APART, { estimate: true });
  private pidsLetGo = 0;
  readonly comms = new Set<string>();
  readonly keys: KeyRecordSet;
  /** Set once the incident went quiet and was shrunk to what it will show. */
  compacted = false;
  readonly actionIds: string[] = [];
  readonly profileChanges: { at: TimePoint; change: ProfileChange }[] = [];
  precededBy?: { at: TimePoint; change: ProfileChange };

  constructor(
    readonly seq: number,
    readonly profile: string,
    at: TimePoint,
    source: SourceRef,
    /** The accesses it will list. */
    keyRecords: number,
  ) {
    this.first = { ...at };
    this.last = { ...at };
    this.firstSource = source;
    this.lastSource = source;
    this.lastActivity = at.time ?? 0;
    this.keys = new KeyRecordSet(keyRecords);
  }

  /** Takes a record in; `pid` is its pid as pidKey gives it. */
  add(r: AppArmorRecord, pid: string | number | undefined, verdict: TimelineVerdict, at: TimePoint): void {
    this.records++;
    this.byKind[r.kind] = (this.byKind[r.kind] ?? 0) + 1;
    this.byVerdict[verdict] = (this.byVerdict[verdict] ?? 0) + 1;
    if (severity(verdict) > severity(this.verdict)) this.verdict = verdict;
    if (verdict === 'likely-attack') this.hasAttack = true;
    const label = recordProfile(r);
    if (label !== undefined && this.labels.length < MAX_LABELS && !this.labels.includes(label)) this.labels.push(own(label));
    if (r.host !== undefined && !this.hosts.has(r.host)) this.hosts.add(own(r.host));
    if (pid !== undefined && !this.pids.has(pid)) {
      if (this.pids.size < MAX_PIDS_TRACKED && !this.compacted) this.pids.add(pid);
      else if (!this.compacted) this.morePids.note(pidCountKey(pid));
    }
    // the other process's command, for a signal's receipt or a trace's target (pidIsPeer), is none of the profile's
    const comm = pid === undefined && pidIsPeer(r) ? undefined : r.fields.comm;
    if (comm !== undefined && this.comms.size < MAX_COMMS && !this.comms.has(comm)) this.comms.add(own(comm));
    if (at.time !== undefined) {
      // a time point is never changed once made: it is kept as it is, not copied
      if (this.first.time === undefined || at.time < this.first.time) {
        this.first = at;
        this.firstSource = r.source;
      }
      if (this.last.time === undefined || at.time >= this.last.time) {
        this.last = at;
        this.lastSource = r.source;
      }
      if (at.time > this.lastActivity) this.lastActivity = at.time;
    }
    this.keys.add(r, verdict, at);
  }

  /** True when a record of this pid (or whose parent is one of its pids) belongs to the same process tree; both as pidKey gives them. */
  sharesLineage(pid: string | number | undefined, ppid: string | number | undefined): boolean {
    return (pid !== undefined && this.pids.has(pid)) || (ppid !== undefined && this.pids.has(ppid));
  }

  /** Whether something at `t` is close enough to belong (within the gap on either side, not across a boot). */
  covers(t: number, gapMs: number): boolean {
    if (this.sealedAt !== undefined && t > this.sealedAt) return false;
    const first = this.first.time ?? this.lastActivity;
    return t >= first - gapMs && t <= this.lastActivity + gapMs;
  }

  hostFits(host: string | undefined): boolean {
    return host === undefined || this.hosts.size === 0 || this.hosts.has(host);
  }

  /**
   * Shrinks an incident that went quiet to what it will show: the listed key records and pids.
   * It can still take a late record (from a second log), counted; its process tree is no longer
   * followed beyond the pids kept, and new pids are not counted (the list says "and more").
   */
  compact(maxKeyRecords: number): void {
    if (this.compacted) return;
    this.compacted = true;
    this.keys.compact(maxKeyRecords);
    if (this.pids.size > MAX_PIDS_SHOWN) {
      const keep = [...this.pids].slice(0, MAX_PIDS_SHOWN);
      this.pidsLetGo += this.pids.size - keep.length;
      this.pids.clear();
      for (const p of keep) this.pids.add(p);
    }
  }

  addChange(at: TimePoint, change: ProfileChange): void {
    if (this.profileChanges.length < MAX_CHANGES) this.profileChanges.push({ at, change });
  }

  toIncident(id: number, maxKeyRecords: number): Incident {
    const { keyRecords, otherAccesses, otherAccessesEstimated, otherRecords } = this.keys.select(maxKeyRecords);
    const pids = [...this.pids].map(String);
    // why the incident has its verdict: the first reason of each listed access that has that verdict
    const reasons: string[] = [];
    for (const k of keyRecords) {
      const first = k.verdict === this.verdict ? k.reasons?.[0] : undefined;
      if (first !== undefined && !reasons.includes(first) && reasons.length < MAX_REASONS) reasons.push(first);
    }
    const inc: Incident = {
      id,
      profile: this.profile,
      labels: [...this.labels],
      hosts: [...this.hosts].sort(),
      verdict: this.verdict,
      first: { ...this.first },
      last: { ...this.last },
      records: this.records,
      byKind: { ...this.byKind },
      byVerdict: { ...this.byVerdict },
      pids: pids.slice(0, MAX_PIDS_SHOWN),
      morePids: this.pidsLetGo + this.morePids.count + Math.max(0, pids.length - MAX_PIDS_SHOWN),
      comms: [...this.comms],
      keyRecords,
      otherAccesses,
      otherRecords,
      reasons,
      actionIds: [...this.actionIds],
      profileChanges: this.profileChanges.map((c) => ({ at: { ...c.at }, change: c.change })),
      firstSource: this.firstSource,
      lastSource: this.lastSource,
    };
    // only when it is so: the counts are exact otherwise, and the documents keep their form
    if (this.morePids.estimated) inc.morePidsEstimated = true;
    if (otherAccessesEstimated) inc.otherAccessesEstimated = true;
    if (this.first.time !== undefined && this.last.time !== undefined) inc.durationMs = this.last.time - this.first.time;
    if (this.precededBy) inc.precededBy = { at: { ...this.precededBy.at }, change: this.precededBy.change };
    return inc;
  }
}
