/**
 * The incremental timeline builder: records, loss notices, boots and action-journal entries go in
 * one at a time (in log order), a Timeline comes out. Pure: no I/O. Memory stays bounded whatever
 * the log's size: each incident keeps aggregates and a capped set of key records, the event list
 * is capped, and nothing holds on to the records themselves.
 *
 * Grouping: a record (not STATUS) belongs to an incident of the same profile tree (`a` and
 * `a//child`) and host while it is within the gap of that incident's activity. Among several
 * such incidents, one that already holds its process (its pid, or its parent pid when audit.log
 * told it) wins; otherwise a likely attack does not join a burst of missing rules and the other
 * way round, so an attack in a profile that also misses rules is told as its own incident.
 * Operator actions join the incident whose record triggered them and keep it open, so what the
 * profile did after the operator's change is told in the same incident.
 */
import { replacedLines, type ActionJournalEntry } from '../model/action.js';
import type { AppArmorRecord, LossNotice, SourceRef } from '../model/record.js';
import { pidIsPeer, recordProfile } from '../model/record.js';
import { IncidentState, pidKey, rootProfile } from './incident-state.js';
import { own } from '../model/own-copy.js';
import type { LossSummary, ProfileChange, TimePoint, Timeline, TimelineAction, TimelineEvent, TimelineOptions, TimelineVerdict } from './model.js';
import { severity } from './model.js';
import { resolveUptime, UptimeClock, type Segment } from './uptime-clock.js';
import { RateHistory } from '../model/rate-history.js';

export const DEFAULT_GAP_SECONDS = 300;
const DEFAULT_MAX_KEY_RECORDS = 12;
const DEFAULT_MAX_EVENTS = 5000;
/** Incidents of one profile looked at when placing a record (the newest ones). */
const CANDIDATES = 8;
const MAX_PROFILES_TRACKED = 2000;
const MAX_PROFILES_SHOWN = 100;
const MAX_HOSTS = 64;
/** Records between two looks for incidents that went quiet (to shrink them). */
const COMPACT_EVERY = 1024;
/** How long after an action's intent its STATUS record may come and still confirm it. */
const CONFIRM_WINDOW_MS = 60_000;

/** A boot seen in a log: its "Linux version" line, or an uptime that went backwards. */
export interface BootNotice {
  source: SourceRef;
  uptime?: number;
  /** Wall-clock time of the boot line, when its carrier had one (journal, syslog). */
  time?: number;
  timeApprox?: boolean;
  kernel?: string;
  detectedBy: 'linux-version' | 'uptime-reset';
}

/** Counters from the pipeline that the summary reports (what could not be read or was merged). */
export interface IngestCounts {
  unparsable: number;
  firstUnparsable?: SourceRef;
  duplicates: number;
  cut: number;
  nullMessages: number;
}

interface PendingEvent {
  event: TimelineEvent;
  seq: number;
  /** Set when the event is dated by uptime only: resolved at snapshot time. */
  segment?: Segment;
  /** The last dated time before it in log order: where it goes if its uptime cannot be dated. */
  prevTime?: number;
  /** A loss notice the audit channel may make good: asked when the timeline is built. */
  notice?: LossNotice;
}

interface ProfileStat {
  records: number;
  verdict: TimelineVerdict;
  incidents: number;
}

const CONFIRMS: Record<string, ProfileChange['op'][]> = {
  complain: ['replace', 'load'],
  'complain-runtime': ['replace', 'load'],
  enforce: ['replace', 'load'],
  reload: ['replace', 'load'],
  enable: ['replace', 'load'],
  unload: ['remove'],
  disable: ['remove'],
};

function changeOp(operation: string): ProfileChange['op'] {
  if (operation === 'profile_load') return 'load';
  if (operation === 'profile_replace') return 'replace';
  if (operation === 'profile_remove') return 'remove';
  return 'other';
}

/** `SEC.MS:SERIAL` -> epoch ms. */
function auditIdTime(id: string | undefined): number | undefined {
  const m = id === undefined ? null : /^(\d+)\.(\d{1,3})/.exec(id);
  return m ? Number(m[1]) * 1000 + Number(m[2].padEnd(3, '0')) : undefined;
}

/** The parent pid of a record's process, when audit.log's SYSCALL record told it. */
function recordPpid(r: AppArmorRecord): string | undefined {
  const ctx = r.context as { ppid?: unknown } | undefined;
  return typeof ctx?.ppid === 'string' ? ctx.ppid : r.fields.ppid;
}

export class TimelineBuilder {
  private readonly gapMs: number;
  private readonly maxKeyRecords: number;
  private readonly maxEvents: number;
  private readonly clock = new UptimeClock();
  private readonly incidents: IncidentState[] = [];
  /** Incidents not yet shrunk: the ones a record may still join with its whole detail. */
  private open: IncidentState[] = [];
  private sinceCompact = 0;
  private readonly byProfile = new Map<string, IncidentState[]>();
  private readonly events: PendingEvent[] = [];
  private omittedEvents = 0;
  private seq = 0;
  private readonly actions = new Map<string, TimelineAction>();
  private readonly queuedActions: { entry: ActionJournalEntry; line: number; time: number }[] = [];
  private readonly lastChange = new Map<string, { at: TimePoint; change: ProfileChange }>();
  private readonly profiles = new Map<string, ProfileStat>();
  private moreProfileRecords = 0;
  private readonly hosts = new Set<string>();
  private readonly lost = new Map<string, LossSummary>();
  private lastDated: number | undefined;
  private minTime: number | undefined;
  private maxTime: number | undefined;
  private records = 0;
  private readonly byVerdict: Record<string, number> = {};
  private readonly byKind: Record<string, number> = {};
  private classified = false;
  private approxTimes = 0;
  private undated = 0;
  private boots = 0;
  private counts: IngestCounts = { unparsable: 0, duplicates: 0, cut: 0, nullMessages: 0 };
  private badJournalLines = 0;
  private readonly rates = new RateHistory();

  constructor(private readonly opts: TimelineOptions = {}) {
    this.gapMs = (opts.gapSeconds ?? DEFAULT_GAP_SECONDS) * 1000;
    this.maxKeyRecords = opts.maxKeyRecords ?? DEFAULT_MAX_KEY_RECORDS;
    this.maxEvents = opts.maxEvents ?? DEFAULT_MAX_EVENTS;
  }

  /** Action-journal entries (any order): each is placed when the log reaches its time. `line` is its 1-based journal line. */
  queueActions(entries: { entry: ActionJournalEntry; line: number }[]): void {
    for (const e of entries) {
      const time = Date.parse(e.entry.time);
      if (Number.isNaN(time)) {
        this.badJournalLines++;
        continue;
      }
      this.queuedActions.push({ ...e, time });
    }
    this.queuedActions.sort((a, b) => a.time - b.time || a.line - b.line);
  }

  noteBadJournalLines(n: number): void {
    this.badJournalLines += n;
  }

  setCounts(c: IngestCounts): void {
    this.counts = { ...c };
  }

  addRecord(r: AppArmorRecord): void {
    if (r.uptime !== undefined) {
      if (this.clock.observe(r.source.name, r.uptime)) this.implicitBoot(r.source, r.uptime, r.time !== undefined && !r.timeApprox ? r.time : undefined);
      if (r.time !== undefined && !r.timeApprox && r.auditId !== undefined) this.clock.learn(r.source.name, r.uptime, r.time);
    }
    if (r.time !== undefined) this.drainActions(r.time);
    const at = this.pointOf(r);
    this.records++;
    this.byKind[r.kind] = (this.byKind[r.kind] ?? 0) + 1;
    if (r.host !== undefined && this.hosts.size < MAX_HOSTS) this.hosts.add(r.host);
    if (r.kind === 'STATUS') {
      this.addStatus(r, at);
      return;
    }
    if (r.classification) this.classified = true;
    const verdict: TimelineVerdict = r.classification?.verdict ?? 'unclassified';
    this.byVerdict[verdict] = (this.byVerdict[verdict] ?? 0) + 1;
    this.rates.add(at.time, verdict);
    const label = recordProfile(r) ?? '(no profile)';
    const profile = rootProfile(label);
    // the pid as the incidents' sets hold it, worked out once for both
    // (a signal's receipt or a trace's target names the other process's pid: none of the profile's)
    const pid = r.fields.pid === undefined || pidIsPeer(r) ? undefined : pidKey(r.fields.pid);
    const inc = this.place(r, pid, profile, verdict, at);
    inc.add(r, pid, verdict, at);
    this.countProfile(profile, verdict);
    if (++this.sinceCompact >= COMPACT_EVERY) this.compactQuiet();
  }

  /**
   * Shrinks the incidents the log has moved well past (quiet for twice the gap): memory then
   * grows with the number of incidents, a few kilobytes each, never with the number of records.
   */
  private compactQuiet(): void {
    this.sinceCompact = 0;
    const now = this.lastDated;
    if (now === undefined) return;
    const still: IncidentState[] = [];
    for (const inc of this.open) {
      if (inc.lastActivity + 2 * this.gapMs < now) inc.compact(this.maxKeyRecords);
      else still.push(inc);
    }
    this.open = still;
  }

  /** A loss notice; `uptime` is the uptime of its line when the line had only that (raw dmesg). */
  addLoss(n: LossNotice, uptime?: number): void {
    const prev = this.lost.get(n.kind);
    if (prev) {
      prev.notices++;
      prev.count = n.kind === 'audit-lost' ? Math.max(prev.count, n.count) : prev.count + n.count;
    } else {
      this.lost.set(n.kind, { kind: n.kind, count: n.count, notices: 1, firstSource: n.source });
    }
    const notice = n.recovery ? n : undefined;
    if (n.time !== undefined) {
      this.pushEvent({ type: 'loss', at: { time: n.time, approx: false, basis: 'record' }, kind: n.kind, count: n.count, source: n.source }, true, undefined, notice);
      return;
    }
    if (uptime !== undefined) this.clock.observe(n.source.name, uptime);
    this.pushEvent({ type: 'loss', at: this.undatedPoint(uptime), kind: n.kind, count: n.count, source: n.source }, true, uptime !== undefined ? this.clock.segment(n.source.name) : undefined, notice);
  }

  addBoot(b: BootNotice): void {
    this.boots++;
    const bootTime = b.time !== undefined ? b.time - Math.round((b.uptime ?? 0) * 1000) : undefined;
    const seg = this.clock.boot(b.source.name, b.uptime ?? 0, bootTime, 'journal');
    const event: TimelineEvent = { type: 'boot', at: this.undatedPoint(b.uptime ?? 0), source: b.source, detectedBy: b.detectedBy };
    if (b.kernel !== undefined) event.kernel = b.kernel;
    if (bootTime !== undefined) {
      event.at = { time: bootTime, approx: !!b.timeApprox, basis: 'journal' };
      this.seal(b.source.name, bootTime);
      this.pushEvent(event, true);
    } else {
      this.seal(b.source.name, this.lastDated);
      this.pushEvent(event, true, seg);
    }
  }

  /** Notes an uptime read from a line that is not a record; a reset means the host rebooted. */
  observeUptime(source: SourceRef, uptime: number): void {
    if (this.clock.observe(source.name, uptime)) this.implicitBoot(source, uptime, undefined);
  }

  /** The timeline so far. Queued actions are placed first; the builder can go on taking input. */
  snapshot(): Timeline {
    this.drainActions(Number.POSITIVE_INFINITY);
    const ordered = [...this.incidents].sort((a, b) => (a.first.time ?? 0) - (b.first.time ?? 0) || a.seq - b.seq);
    const idOf = new Map<IncidentState, number>();
    ordered.forEach((inc, i) => idOf.set(inc, i + 1));
    const seqToId = new Map<number, number>();
    for (const [inc, id] of idOf) seqToId.set(inc.seq, id);

    const incidents = ordered.map((inc) => inc.toIncident(idOf.get(inc)!, this.maxKeyRecords));
    const actions = [...this.actions.values()].map((a) => ({ ...a, argv: a.argv.map((x) => [...x]), incidentId: a.incidentId !== undefined ? seqToId.get(a.incidentId) : undefined }));
    for (const a of actions) if (a.incidentId === undefined) delete a.incidentId;

    // what the audit channel read so far makes good of the kernel log's losses
    const lost = new Map([...this.lost].map(([k, l]) => [k, { ...l }]));
    const events: { e: TimelineEvent; seq: number }[] = this.events.map((p) => {
      const e = { ...p.event, at: this.resolve(p) } as TimelineEvent;
      const by = p.notice?.recovery?.coveredBy();
      if (e.type === 'loss' && by !== undefined) {
        e.recoveredFrom = by;
        const l = lost.get(e.kind)!;
        l.recovered = (l.recovered ?? 0) + e.count;
        l.recoveredFrom ??= by;
      }
      if ((e.type === 'profile' || e.type === 'action') && e.incidentId !== undefined) e.incidentId = seqToId.get(e.incidentId);
      if ((e.type === 'profile' || e.type === 'action') && e.incidentId === undefined) delete e.incidentId;
      return { e, seq: p.seq };
    });
    for (const inc of ordered) events.push({ e: { type: 'incident', at: { ...inc.first }, incidentId: idOf.get(inc)! }, seq: -1 });
    const key = (x: { e: TimelineEvent; seq: number }) => x.e.at.time ?? Number.NEGATIVE_INFINITY;
    // at equal times an incident's start comes after the events logged before its first record
    events.sort((a, b) => key(a) - key(b) || (a.e.type === 'incident' ? 1 : 0) - (b.e.type === 'incident' ? 1 : 0) || a.seq - b.seq);

    let first = this.minTime;
    let last = this.maxTime;
    for (const { e } of events) {
      if (e.at.time === undefined) continue;
      if (first === undefined || e.at.time < first) first = e.at.time;
      if (last === undefined || e.at.time > last) last = e.at.time;
    }
    const hosts = new Set(this.hosts);
    for (const a of actions) if (a.host !== undefined && hosts.size < MAX_HOSTS) hosts.add(a.host);
    const incidentsPerProfile = new Map<string, number>();
    for (const inc of ordered) incidentsPerProfile.set(inc.profile, (incidentsPerProfile.get(inc.profile) ?? 0) + 1);
    const profiles = [...this.profiles.entries()]
      .map(([profile, s]) => ({ profile, records: s.records, verdict: s.verdict, incidents: incidentsPerProfile.get(profile) ?? 0 }))
      .sort((a, b) => severity(b.verdict) - severity(a.verdict) || b.records - a.records || a.profile.localeCompare(b.profile));

    const timeline: Timeline = {
      summary: {
        hosts: [...hosts].sort(),
        records: this.records,
        byVerdict: { ...this.byVerdict },
        byKind: { ...this.byKind },
        profiles: profiles.slice(0, MAX_PROFILES_SHOWN),
        moreProfiles: Math.max(0, profiles.length - MAX_PROFILES_SHOWN) + (this.moreProfileRecords > 0 ? 1 : 0),
        incidents: incidents.length,
        actions: actions.length,
        boots: this.boots,
        lost: [...lost.values()],
        unparsable: this.counts.unparsable,
        duplicates: this.counts.duplicates,
        cutLines: this.counts.cut,
        nullMessages: this.counts.nullMessages,
        approxTimes: this.approxTimes,
        undated: this.undated,
        badJournalLines: this.badJournalLines,
        omittedEvents: this.omittedEvents,
        unclassified: !this.classified,
        gapSeconds: this.gapMs / 1000,
      },
      incidents,
      events: events.map((x) => x.e),
      actions,
      rates: this.rates.series(),
    };
    if (this.opts.actionJournal !== undefined) timeline.summary.actionJournal = this.opts.actionJournal;
    if (this.counts.firstUnparsable) timeline.summary.firstUnparsable = this.counts.firstUnparsable;
    if (first !== undefined) timeline.summary.first = { time: first, approx: false, basis: 'record' };
    if (last !== undefined) timeline.summary.last = { time: last, approx: false, basis: 'record' };
    if (first !== undefined && last !== undefined) timeline.summary.durationMs = last - first;
    if (this.opts.requested && (this.opts.requested.since !== undefined || this.opts.requested.until !== undefined)) timeline.summary.requested = { ...this.opts.requested };
    return timeline;
  }

  // ---- records ----

  private pointOf(r: AppArmorRecord): TimePoint {
    if (r.time !== undefined) {
      this.noteTime(r.time);
      if (r.timeApprox) this.approxTimes++;
      const p: TimePoint = { time: r.time, approx: !!r.timeApprox, basis: 'record' };
      if (r.uptime !== undefined && r.auditId === undefined) {
        p.uptime = r.uptime;
        p.basis = 'uptime';
      }
      return p;
    }
    this.undated++;
    return this.undatedPoint(r.uptime);
  }

  /** Where an item without a wall-clock time stands: right after the last dated item before it. */
  private undatedPoint(uptime: number | undefined): TimePoint {
    const p: TimePoint = this.lastDated !== undefined ? { time: this.lastDated, approx: true, basis: 'position' } : { approx: true, basis: 'none' };
    if (uptime !== undefined) p.uptime = uptime;
    return p;
  }

  private noteTime(t: number): void {
    this.lastDated = t;
    if (this.minTime === undefined || t < this.minTime) this.minTime = t;
    if (this.maxTime === undefined || t > this.maxTime) this.maxTime = t;
  }

  private place(r: AppArmorRecord, pid: string | number | undefined, profile: string, verdict: TimelineVerdict, at: TimePoint): IncidentState {
    const list = this.byProfile.get(profile) ?? [];
    const t = at.time;
    const attack = verdict === 'likely-attack';
    const ppidText = recordPpid(r);
    const ppid = ppidText === undefined ? undefined : pidKey(ppidText);
    let chosen: IncidentState | undefined;
    if (t !== undefined) {
      // the latest few incidents, newest first: one of the same process tree, else one of the
      // same kind (attack or not); walked in place, this runs for every record
      const from = Math.max(0, list.length - CANDIDATES);
      let sameKind: IncidentState | undefined;
      for (let i = list.length - 1; i >= from && chosen === undefined; i--) {
        const inc = list[i];
        if (!inc.hostFits(r.host) || !inc.covers(t, this.gapMs)) continue;
        if (inc.sharesLineage(pid, ppid)) chosen = inc;
        else if (sameKind === undefined && inc.hasAttack === attack) sameKind = inc;
      }
      chosen ??= sameKind;
    } else {
      // undated: it stands where the log put it, with the profile's latest incident
      chosen = list[list.length - 1];
    }
    if (chosen) return chosen;
    const inc = new IncidentState(this.seq++, profile, at, r.source, this.maxKeyRecords);
    if (r.host !== undefined) inc.hosts.add(r.host);
    const change = this.lastChange.get(profile);
    if (change && t !== undefined && change.at.time !== undefined && t - change.at.time >= 0 && t - change.at.time <= this.gapMs) inc.precededBy = change;
    this.incidents.push(inc);
    this.open.push(inc);
    list.push(inc);
    this.byProfile.set(profile, list);
    const stat = this.profiles.get(profile);
    if (stat) stat.incidents++;
    return inc;
  }

  private countProfile(profile: string, verdict: TimelineVerdict): void {
    const s = this.profiles.get(profile);
    if (s) {
      s.records++;
      if (severity(verdict) > severity(s.verdict)) s.verdict = verdict;
    } else if (this.profiles.size < MAX_PROFILES_TRACKED) {
      this.profiles.set(profile, { records: 1, verdict, incidents: 1 });
    } else {
      this.moreProfileRecords++;
    }
  }

  private addStatus(r: AppArmorRecord, at: TimePoint): void {
    const f = r.fields;
    const operation = f.operation ?? 'status';
    const change: ProfileChange = { op: changeOp(operation), operation: own(operation), profile: own(f.name ?? recordProfile(r) ?? ''), source: r.source };
    if (f.info !== undefined) change.info = own(f.info);
    if (f.pid !== undefined) change.pid = own(f.pid);
    if (f.comm !== undefined) change.comm = own(f.comm);
    if (r.auditId !== undefined) change.auditId = own(r.auditId);
    if (r.writer !== undefined) change.writer = own(r.writer);
    const profile = rootProfile(change.profile);
    const event: TimelineEvent = { type: 'profile', at, change };
    const t = at.time;
    if (t !== undefined) {
      const inc = (this.byProfile.get(profile) ?? [])
        .slice(-CANDIDATES)
        .reverse()
        .find((i) => i.hostFits(r.host) && i.covers(t, this.gapMs) && t >= (i.first.time ?? t));
      if (inc) {
        inc.addChange(at, change);
        event.incidentId = inc.seq;
      }
      // a program's line about a change is shown, and neither confirms an action nor marks the incidents after it as following a change
      const action = change.writer === undefined ? this.confirmAction(change, t, at) : undefined;
      if (action) event.actionId = action.id;
      if (change.writer === undefined && change.op !== 'other' && (this.lastChange.has(profile) || this.lastChange.size < MAX_PROFILES_TRACKED)) this.lastChange.set(profile, { at, change });
    }
    this.pushEvent(event, event.incidentId !== undefined || event.actionId !== undefined);
  }

  /** A STATUS record that shows an operator's change took effect. */
  private confirmAction(change: ProfileChange, t: number, at: TimePoint): TimelineAction | undefined {
    for (const a of this.actions.values()) {
      if (a.confirmedBy || a.dryRun || a.intentTime === undefined) continue;
      if (a.profile !== change.profile) continue;
      if (!(CONFIRMS[a.action] ?? []).includes(change.op)) continue;
      if (t < a.intentTime - 1000 || t > a.intentTime + CONFIRM_WINDOW_MS) continue;
      a.confirmedBy = { at, operation: change.operation, source: change.source };
      return a;
    }
    return undefined;
  }

  // ---- actions ----

  private drainActions(until: number): void {
    while (this.queuedActions.length && this.queuedActions[0].time <= until) {
      const q = this.queuedActions.shift()!;
      this.addAction(q.entry, q.line, q.time);
    }
  }

  private addAction(e: ActionJournalEntry, line: number, time: number): void {
    let a = this.actions.get(e.id);
    if (!a) {
      a = { id: e.id, action: e.action, profile: e.profile, dryRun: !!e.dryRun, argv: [], journalLine: line };
      this.actions.set(e.id, a);
    }
    if (e.operator !== undefined) a.operator = e.operator;
    if (e.host !== undefined) a.host = e.host;
    if (e.file !== undefined) a.file = e.file;
    if (e.reason !== undefined) a.reason = e.reason;
    if (e.override?.reason !== undefined) a.overrideReason = e.override.reason;
    if (e.undoOf !== undefined) a.undoOf = e.undoOf;
    if (e.dryRun) a.dryRun = true;
    if (e.modeBefore !== undefined) a.modeBefore = e.modeBefore;
    if (e.modeAfter !== undefined) a.modeAfter = e.modeAfter;
    if (Array.isArray(e.argv) && e.argv.length) a.argv = e.argv.map((x) => [...x]);
    if (typeof e.input === 'string') a.input = e.input;
    const replaced = replacedLines(e);
    if (replaced.length) a.replaced = replaced;
    if (e.trigger) {
      a.trigger = {};
      if (e.trigger.auditId !== undefined) a.trigger.auditId = e.trigger.auditId;
      if (e.trigger.source) a.trigger.source = { name: e.trigger.source.name, line: e.trigger.source.line };
      if (e.trigger.verdict !== undefined) a.trigger.verdict = e.trigger.verdict;
    }
    if (e.phase === 'intent') {
      a.intentTime = time;
      a.journalLine = line;
    } else {
      a.resultTime = time;
      if (e.outcome !== undefined) a.outcome = e.outcome;
      if (e.error !== undefined) a.error = e.error;
    }
    this.noteTime(time);
    if (a.incidentId === undefined) {
      const inc = this.incidentForAction(a, time);
      if (inc) {
        a.incidentId = inc.seq;
        inc.actionIds.push(a.id);
      }
    }
    if (a.incidentId !== undefined) {
      const inc = this.incidents.find((i) => i.seq === a!.incidentId);
      if (inc && time > inc.lastActivity) inc.lastActivity = time;
    }
    const event: TimelineEvent = { type: 'action', at: { time, approx: false, basis: 'record' }, actionId: a.id, phase: e.phase === 'intent' ? 'intent' : 'result' };
    if (a.incidentId !== undefined) event.incidentId = a.incidentId;
    this.pushEvent(event, true);
  }

  /** The incident an action belongs to: the one holding its trigger record, else the profile's open one. */
  private incidentForAction(a: TimelineAction, time: number): IncidentState | undefined {
    const list = (this.byProfile.get(rootProfile(a.profile)) ?? []).filter((i) => i.hostFits(a.host));
    const tt = auditIdTime(a.trigger?.auditId);
    if (tt !== undefined) {
      const byTrigger = list.find((i) => i.first.time !== undefined && tt >= i.first.time - 1000 && tt <= i.lastActivity + 1000);
      if (byTrigger) return byTrigger;
    }
    const src = a.trigger?.source;
    if (src) {
      const bySource = list.find((i) => i.firstSource.name === src.name && i.firstSource.line <= src.line && i.lastSource.line >= src.line);
      if (bySource) return bySource;
    }
    for (let i = list.length - 1; i >= 0; i--) if (list[i].covers(time, this.gapMs) && time >= (list[i].first.time ?? time)) return list[i];
    return undefined;
  }

  // ---- boots and events ----

  private implicitBoot(source: SourceRef, uptime: number, timeOfLine: number | undefined): void {
    this.boots++;
    const bootTime = timeOfLine !== undefined ? timeOfLine - Math.round(uptime * 1000) : undefined;
    const seg = this.clock.boot(source.name, uptime, bootTime);
    if (bootTime !== undefined) {
      seg.basis = 'log';
      this.seal(source.name, bootTime);
      this.pushEvent({ type: 'boot', at: { time: bootTime, approx: false, basis: 'uptime', uptime: 0 }, source, detectedBy: 'uptime-reset' }, true);
    } else {
      this.seal(source.name, this.lastDated);
      this.pushEvent({ type: 'boot', at: this.undatedPoint(0), source, detectedBy: 'uptime-reset' }, true, seg);
    }
  }

  private seal(sourceName: string, at: number | undefined): void {
    if (at === undefined) return;
    for (const inc of this.incidents) if (inc.sealedAt === undefined && inc.lastSource.name === sourceName && inc.lastActivity <= at) inc.sealedAt = at;
  }

  private pushEvent(event: TimelineEvent, important: boolean, segment?: Segment, notice?: LossNotice): void {
    if (!important && this.events.length >= this.maxEvents) {
      this.omittedEvents++;
      return;
    }
    const p: PendingEvent = { event, seq: this.seq++ };
    if (notice) p.notice = notice;
    if (segment) {
      p.segment = segment;
      p.prevTime = this.lastDated;
    }
    this.events.push(p);
  }

  private resolve(p: PendingEvent): TimePoint {
    const at = p.event.at;
    if (!p.segment || at.uptime === undefined) return { ...at };
    const t = resolveUptime(p.segment, at.uptime, this.opts.bootTime);
    if (t !== undefined) return { time: t, approx: false, basis: 'uptime', uptime: at.uptime };
    return p.prevTime !== undefined ? { time: p.prevTime, approx: true, basis: 'position', uptime: at.uptime } : { approx: true, basis: 'none', uptime: at.uptime };
  }
}

/**
 * The whole timeline of records already in memory (the TUI's timeline screen, tests). Records in
 * log order; actions in any order (placed by their time). For a log of any size, feed a
 * TimelineBuilder record by record instead.
 */
export function buildTimeline(records: Iterable<AppArmorRecord>, actions: ActionJournalEntry[], opts: TimelineOptions & { loss?: LossNotice[]; counts?: IngestCounts } = {}): Timeline {
  const b = new TimelineBuilder(opts);
  b.queueActions(actions.map((entry, i) => ({ entry, line: i + 1 })));
  for (const r of records) b.addRecord(r);
  for (const n of opts.loss ?? []) b.addLoss(n);
  if (opts.counts) b.setCounts(opts.counts);
  return b.snapshot();
}
