/**
 * The DenialStore: the model the interactive views read. Records are grouped into denial groups by
 * (profile, operation, target, mask); the store keeps counts by verdict, the loss the kernel
 * reported, source health, a bounded window of recent records for the timeline, and the operator's
 * action journal.
 *
 * It lives outside React: records arrive at any rate and are aggregated here; the view asks for a
 * `snapshot()` a few times a second and only gets a new object when something changed. Pausing
 * freezes the snapshot the view sees while aggregation continues, so nothing is lost and memory
 * stays bounded by the number of distinct groups, not by the record rate.
 *
 * Memory is bounded everywhere: groups (least recently seen evicted first, likely attacks kept
 * while others can go), pids and samples per group, the record window, the profile table.
 */
import type { ActionJournalEntry } from '../model/action.js';
import type { AppArmorRecord, Classification, LossNotice, Verdict } from '../model/record.js';
import { busNameOnly, isDenial, pidIsPeer, recordMask, recordProfile, recordTarget } from '../model/record.js';
import { NO_VERDICT, VERDICT_RANK, type GroupVerdict } from '../model/verdict.js';
import { RateHistory, type RateSeries } from '../model/rate-history.js';
import { DistinctCount, pidCountKey } from '../model/distinct-count.js';
import type { SourceHealth } from '../sources/types.js';

/** The denials of one access: every record with the same (profile, operation, target, mask). */
export interface DenialGroup {
  /** Stable identity: the grouping key. */
  key: string;
  profile: string;
  operation: string;
  target: string;
  mask: string;
  /** Record kinds seen (DENIED, ALLOWED, KILLED). */
  kinds: string[];
  verdict: GroupVerdict;
  /** The classification of the worst record seen. */
  classification?: Classification;
  /** The kind of that worst record: ALLOWED when the worst access happened (complain mode let it through). */
  worstKind: string;
  count: number;
  /** Distinct pids, at most MAX_PIDS; pidsMore counts the ones left out (each once). */
  pids: string[];
  pidsMore: number;
  /** Set when more pids were left out than are told apart: pidsMore is a lower bound. */
  pidsMoreAtLeast?: boolean;
  comms: string[];
  /** The pids and commands are the other process's: the signal's sender, the tracer (every record
   * of a group has one operation and mask; model/record.ts pidIsPeer). */
  pidIsPeer?: boolean;
  /** Hosts the records came from (the carrier's host field), at most MAX_HOSTS. */
  hosts?: string[];
  /** Records whose line a program wrote (AppArmorRecord.writer): text about a denial, not the
   * kernel's record of one; and those programs, at most MAX_WRITERS. */
  byProgram?: number;
  writers?: string[];
  /** Records a bus daemon's line told in a text log, taken at the name the line gives (model/record.ts busNameOnly). */
  byBusName?: number;
  firstSeen?: number;
  lastSeen?: number;
  /** Arrival order of the first and the latest record: a stable tiebreak when times are missing. */
  firstSeq: number;
  lastSeq: number;
  /** Evidence: the first records and the latest ones (bounded). */
  samples: AppArmorRecord[];
}

export interface ProfileCounts {
  name: string;
  denials: number;
  attacks: number;
  allowed: number;
  /** profile_load / profile_replace / profile_remove records seen for it. */
  statusEvents: number;
  lastStatus?: string;
}

export interface VerdictCounts {
  'likely-attack': number;
  'missing-rule': number;
  unclear: number;
  info: number;
  [NO_VERDICT]: number;
}

const MAX_RECOVERABLE = 10_000;

export interface LossCounts {
  /** `kauditd_printk_skb: N callbacks suppressed` and journald's own suppression. */
  suppressed: number;
  /**
   * Of `suppressed`, the records the kernel log lost that an audit-channel input read here holds
   * (it was read over their whole time): not lost for the operator. Judged when the snapshot is taken.
   */
  recovered: number;
  /** The audit-channel input that recovered them (the first one named). */
  recoveredFrom?: string;
  /** audit lost (the kernel's running total: its largest value) / backlog / journal missed. */
  lost: number;
  /** Lines the sources' queues dropped: records lost. */
  dropped: number;
  /** Groups this store let go to stay bounded: their records were read and counted, not lost. */
  evicted: number;
}

export interface StoreSnapshot {
  /** Increases with every change; equal versions mean equal content. */
  version: number;
  /** The denial groups (the rows of the Denials screen). */
  groups: DenialGroup[];
  /** Counts of records by verdict (denials only). */
  verdicts: VerdictCounts;
  records: number;
  loss: LossCounts;
  health: SourceHealth[];
  /** Recent records in arrival order (denials and STATUS alike), bounded. */
  window: AppArmorRecord[];
  windowDropped: number;
  profiles: ProfileCounts[];
  actions: ActionJournalEntry[];
  /** Journal line numbers that held no readable entry (torn by a failed write, or foreign): skipped, not hidden. */
  actionsUnreadable: number[];
  paused: boolean;
  /** Records that arrived since the pause (shown as "PAUSED (N new)"). */
  newSincePause: number;
  /** Latest record time seen: "now" for relative times when replaying saved logs. */
  latestTime?: number;
  /** Denials over time by verdict (every one, not only the window's): the sparkline's counts. */
  rates?: RateSeries;
}

export interface DenialStoreLimits {
  maxGroups: number;
  maxWindow: number;
  maxProfiles: number;
  maxActions: number;
}

const DEFAULT_LIMITS: DenialStoreLimits = { maxGroups: 5000, maxWindow: 5000, maxProfiles: 2000, maxActions: 2000 };
const MAX_PIDS = 16;
/** Pids past MAX_PIDS told apart per group (a group's few hundred bytes at most). */
const MORE_PIDS_TOLD_APART = 48;
const MAX_COMMS = 8;
const MAX_HOSTS = 16;
const MAX_WRITERS = 8;
const FIRST_SAMPLES = 2;
const LAST_SAMPLES = 3;

/** The group's mask: the record's (recordMask), else for a record without one its signal. */
export function maskOf(r: AppArmorRecord): string {
  return recordMask(r) ?? r.fields.signal ?? '';
}

export function denialKey(r: AppArmorRecord): string {
  return [recordProfile(r) ?? '', r.fields.operation ?? '', recordTarget(r) ?? '', maskOf(r)].join('\u0000');
}

/**
 * Whether record `r` (with `verdict`) is more severe than the group's worst record so far: a
 * higher verdict first; at the same verdict, an access that happened (ALLOWED) outranks one that was
 * stopped, so an attack that got through is never described by the denial that preceded it.
 */
function worse(verdict: GroupVerdict, r: AppArmorRecord, g: DenialGroup): boolean {
  if (VERDICT_RANK[verdict] !== VERDICT_RANK[g.verdict]) return VERDICT_RANK[verdict] > VERDICT_RANK[g.verdict];
  const happened = r.kind === 'ALLOWED';
  const worstHappened = g.worstKind === 'ALLOWED';
  if (happened !== worstHappened) return happened;
  return !g.classification && !!r.classification;
}

function emptyVerdicts(): VerdictCounts {
  return { 'likely-attack': 0, 'missing-rule': 0, unclear: 0, info: 0, [NO_VERDICT]: 0 };
}

export class DenialStore {
  private readonly limits: DenialStoreLimits;
  private readonly groups = new Map<string, DenialGroup>();
  /** The copy the last snapshot handed out, per live group: reused while the group is unchanged. */
  private readonly copies = new WeakMap<DenialGroup, DenialGroup>();
  /** The pids a group left out, told apart: made for a group once it has MAX_PIDS. */
  private readonly morePids = new WeakMap<DenialGroup, DistinctCount>();
  private readonly profiles = new Map<string, ProfileCounts>();
  private readonly window: AppArmorRecord[] = [];
  private windowStart = 0;
  private windowDropped = 0;
  private verdicts = emptyVerdicts();
  private records = 0;
  private seq = 0;
  private loss: LossCounts = { suppressed: 0, lost: 0, dropped: 0, evicted: 0, recovered: 0 };
  /** Kernel-log loss notices that an audit channel may make good (bounded: past it, never counted as recovered). */
  private readonly recoverable: LossNotice[] = [];
  /** The largest `audit_lost` total seen (already in loss.lost). */
  private auditLost = 0;
  private health: SourceHealth[] = [];
  private actions: ActionJournalEntry[] = [];
  private actionsUnreadable: number[] = [];
  private latestTime?: number;
  private readonly rates = new RateHistory();
  private version = 0;
  private cached?: StoreSnapshot;
  private paused = false;
  private newSincePause = 0;
  /** Likely-attack groups not yet announced (keys), once announcements are armed. */
  private announce: string[] = [];
  private armed = false;

  constructor(limits: Partial<DenialStoreLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** From now on, a new likely-attack group is queued for announcement (not the backlog read at start-up). */
  armAnnouncements(): void {
    this.armed = true;
  }

  /** Likely-attack groups that appeared since the last call, oldest first. */
  takeAnnouncements(): string[] {
    const out = this.announce;
    this.announce = [];
    return out;
  }

  add(r: AppArmorRecord): void {
    this.records++;
    this.seq++;
    this.version++;
    if (this.paused) this.newSincePause++;
    if (r.time !== undefined && (this.latestTime === undefined || r.time > this.latestTime)) this.latestTime = r.time;
    this.pushWindow(r);
    const profile = recordProfile(r);
    if (r.kind === 'STATUS') {
      const name = r.fields.name;
      if (name !== undefined) {
        const p = this.profileCounts(name);
        if (p) {
          p.statusEvents++;
          p.lastStatus = r.fields.operation;
        }
      }
      return;
    }
    if (!isDenial(r)) return;
    const verdict: GroupVerdict = r.classification?.verdict ?? NO_VERDICT;
    this.verdicts[verdict]++;
    this.rates.add(r.time, verdict);
    if (profile !== undefined) {
      const p = this.profileCounts(profile);
      if (p) {
        if (r.kind === 'ALLOWED') p.allowed++;
        else p.denials++;
        if (verdict === 'likely-attack') p.attacks++;
      }
    }
    this.addToGroup(r, verdict);
  }

  private addToGroup(r: AppArmorRecord, verdict: GroupVerdict): void {
    const key = denialKey(r);
    let g = this.groups.get(key);
    const wasAttack = g?.verdict === 'likely-attack';
    if (!g) {
      if (this.groups.size >= this.limits.maxGroups) this.evict();
      g = {
        key,
        profile: recordProfile(r) ?? '',
        operation: r.fields.operation ?? '',
        target: recordTarget(r) ?? '',
        mask: maskOf(r),
        kinds: [],
        verdict,
        classification: r.classification,
        worstKind: r.kind,
        count: 0,
        pids: [],
        pidsMore: 0,
        comms: [],
        pidIsPeer: pidIsPeer(r),
        hosts: [],
        firstSeen: r.time,
        lastSeen: r.time,
        firstSeq: this.seq,
        lastSeq: this.seq,
        samples: [],
      };
      this.groups.set(key, g);
    }
    g.count++;
    g.lastSeq = this.seq;
    if (!g.kinds.includes(r.kind)) g.kinds.push(r.kind);
    if (worse(verdict, r, g)) {
      g.verdict = verdict;
      g.classification = r.classification;
      g.worstKind = r.kind;
    }
    const pid = r.fields.pid;
    if (pid !== undefined && !g.pids.includes(pid)) {
      if (g.pids.length < MAX_PIDS) g.pids.push(pid);
      else {
        let more = this.morePids.get(g);
        if (more === undefined) this.morePids.set(g, (more = new DistinctCount(MORE_PIDS_TOLD_APART)));
        more.note(pidCountKey(pid));
        g.pidsMore = more.count;
        if (more.atLeast) g.pidsMoreAtLeast = true;
      }
    }
    const comm = r.fields.comm;
    if (comm !== undefined && !g.comms.includes(comm) && g.comms.length < MAX_COMMS) g.comms.push(comm);
    const hosts = (g.hosts ??= []);
    if (r.host !== undefined && !hosts.includes(r.host) && hosts.length < MAX_HOSTS) hosts.push(r.host);
    if (r.writer !== undefined) {
      g.byProgram = (g.byProgram ?? 0) + 1;
      const writers = (g.writers ??= []);
      if (!writers.includes(r.writer) && writers.length < MAX_WRITERS) writers.push(r.writer);
    } else if (busNameOnly(r)) g.byBusName = (g.byBusName ?? 0) + 1;
    if (r.time !== undefined) {
      if (g.firstSeen === undefined || r.time < g.firstSeen) g.firstSeen = r.time;
      if (g.lastSeen === undefined || r.time > g.lastSeen) g.lastSeen = r.time;
    }
    if (g.samples.length < FIRST_SAMPLES + LAST_SAMPLES) g.samples.push(r);
    else (g.samples.splice(FIRST_SAMPLES, 1), g.samples.push(r));
    if (this.armed && g.verdict === 'likely-attack' && !wasAttack) this.announce.push(key);
  }

  /**
   * Forgets the least recently seen tenth of the groups at once (likely attacks last), so a flood
   * of distinct targets costs a sort every few hundred new groups, not a scan per record.
   */
  private evict(): void {
    const all = [...this.groups.values()];
    all.sort((a, b) => (a.verdict === 'likely-attack' ? 1 : 0) - (b.verdict === 'likely-attack' ? 1 : 0) || a.lastSeq - b.lastSeq);
    const n = Math.max(1, Math.ceil(this.limits.maxGroups / 10));
    for (const g of all.slice(0, n)) this.groups.delete(g.key);
    this.loss.evicted += n;
  }

  private pushWindow(r: AppArmorRecord): void {
    if (this.window.length < this.limits.maxWindow) {
      this.window.push(r);
      return;
    }
    this.window[this.windowStart] = r;
    this.windowStart = (this.windowStart + 1) % this.limits.maxWindow;
    this.windowDropped++;
  }

  private profileCounts(name: string): ProfileCounts | undefined {
    let p = this.profiles.get(name);
    if (!p) {
      if (this.profiles.size >= this.limits.maxProfiles) return undefined;
      p = { name, denials: 0, attacks: 0, allowed: 0, statusEvents: 0 };
      this.profiles.set(name, p);
    }
    return p;
  }

  addLoss(n: LossNotice): void {
    this.version++;
    if (n.kind === 'printk-suppressed' || n.kind === 'journal-suppressed') this.loss.suppressed += n.count;
    else if (n.kind === 'audit-lost') {
      // the kernel's running total: each notice repeats the ones before it
      if (n.count > this.auditLost) {
        this.loss.lost += n.count - this.auditLost;
        this.auditLost = n.count;
      }
    } else this.loss.lost += n.count;
    if (n.recovery && this.recoverable.length < MAX_RECOVERABLE) this.recoverable.push(n);
  }

  /** What the audit channel read so far makes good (it grows as more of it is read). */
  private recoveredNow(): { recovered: number; recoveredFrom?: string } {
    let recovered = 0;
    let recoveredFrom: string | undefined;
    for (const n of this.recoverable) {
      const by = n.recovery!.coveredBy();
      if (by === undefined) continue;
      recovered += n.count;
      recoveredFrom ??= by;
    }
    return recoveredFrom === undefined ? { recovered } : { recovered, recoveredFrom };
  }

  setHealth(h: SourceHealth[]): void {
    this.version++;
    this.health = h.map((s) => ({ ...s }));
  }

  addAction(e: ActionJournalEntry): void {
    this.version++;
    this.actions.push(e);
    if (this.actions.length > this.limits.maxActions) this.actions.splice(0, this.actions.length - this.limits.maxActions);
  }

  /** The journal as read again from disk (it is the record of what was done; newest kept when over the bound). */
  replaceActions(entries: ActionJournalEntry[], unreadable: number[] = []): void {
    this.version++;
    this.actions = entries.slice(-this.limits.maxActions);
    this.actionsUnreadable = unreadable.slice();
  }

  setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    this.newSincePause = 0;
    this.version++;
    if (!paused) this.cached = undefined;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Records taken in so far (without building a snapshot). */
  get taken(): number {
    return this.records;
  }

  /** The view's model. While paused, the frozen snapshot with only the pause counter updated. */
  snapshot(): StoreSnapshot {
    if (this.cached && this.paused) {
      if (this.cached.paused && this.cached.newSincePause === this.newSincePause) return this.cached;
      this.cached = { ...this.cached, paused: true, newSincePause: this.newSincePause, version: this.version };
      return this.cached;
    }
    // the audit channel can make a loss good without a new record reaching the store (its copies are merged)
    const rec = this.recoveredNow();
    if (this.cached && this.cached.version === this.version && this.cached.loss.recovered === rec.recovered) return this.cached;
    const groups: DenialGroup[] = [];
    for (const g of this.groups.values()) {
      let copy = this.copies.get(g);
      // lastSeq moves with every record the group takes: an equal one means an unchanged group.
      if (!copy || copy.lastSeq !== g.lastSeq || copy.verdict !== g.verdict) {
        copy = { ...g, pids: g.pids.slice(), comms: g.comms.slice(), hosts: g.hosts?.slice(), kinds: g.kinds.slice(), samples: g.samples.slice() };
        if (g.writers) copy.writers = g.writers.slice();
        this.copies.set(g, copy);
      }
      groups.push(copy);
    }
    const window = this.windowStart === 0 ? this.window.slice() : [...this.window.slice(this.windowStart), ...this.window.slice(0, this.windowStart)];
    this.cached = {
      version: this.version,
      groups,
      verdicts: { ...this.verdicts },
      records: this.records,
      loss: { ...this.loss, ...rec, dropped: this.loss.dropped + this.health.reduce((n, h) => n + (h.dropped ?? 0), 0) },
      health: this.health,
      window,
      windowDropped: this.windowDropped,
      profiles: [...this.profiles.values()].map((p) => ({ ...p })),
      actions: this.actions.slice(),
      actionsUnreadable: this.actionsUnreadable,
      paused: this.paused,
      newSincePause: this.newSincePause,
      latestTime: this.latestTime,
      rates: this.rates.series(),
    };
    return this.cached;
  }
}
