/**
 * The forensic timeline's shape: a header summary, the incidents (records grouped by profile,
 * process tree and time gap) and the chronological events (boots, profile loads/replaces/removes,
 * operator actions, loss notices, incident starts). Built by src/timeline/builder.ts, rendered as
 * text, markdown or JSON, and shown by the TUI's timeline screen.
 *
 * Every string that came from a log is raw here: renderers make it safe for their medium.
 */
import type { ActionKind, ReplacedLine } from '../model/action.js';
import type { SourceRef } from '../model/record.js';
import type { GroupVerdict } from '../model/verdict.js';
import type { RateSeries } from '../model/rate-history.js';

/** A record's verdict, or NO_VERDICT when no classifier ran (never guessed). */
export type TimelineVerdict = GroupVerdict;

/** A point in time as the evidence gave it. */
export interface TimePoint {
  /** Epoch ms; undefined when nothing in the evidence dates it. */
  time?: number;
  /** True when `time` is an estimate (syslog date without year, uptime with an assumed boot time, position in the log). */
  approx: boolean;
  /** Seconds since boot, when the evidence only gave an uptime. */
  uptime?: number;
  /** Where `time` came from. */
  basis: 'record' | 'uptime' | 'position' | 'journal' | 'none';
}

/** One distinct access inside an incident (same kind, operation, target and mask), with how often it happened. */
export interface KeyRecord {
  /** First occurrence. */
  at: TimePoint;
  /** Last occurrence (epoch ms) when it happened more than once. */
  lastTime?: number;
  count: number;
  kind: string;
  verdict: TimelineVerdict;
  operation?: string;
  /** The profile (label) exactly as the record named it (a child like `a//helper` included). */
  profile?: string;
  target?: string;
  mask?: string;
  cls?: string;
  pid?: string;
  comm?: string;
  /** `pid` and `comm` are the other process's: the signal's sender, the tracer (model/record.ts pidIsPeer). */
  pidIsPeer?: boolean;
  info?: string;
  /** What the target alone does not say: `signal=hup`, `sock_type=raw`. */
  detail?: string;
  /** Classifier reasons for this access (at most three). */
  reasons?: string[];
  auditId?: string;
  /** The program whose log line carried these records (AppArmorRecord.writer): text about a
   * denial, not the kernel's record of one. Kept apart from the same access the kernel logged. */
  writer?: string;
  /** A D-Bus denial the bus daemon's line told in a text log, taken at the name the line gives
   * (model/record.ts busNameOnly): any program can give itself that name. Kept apart like `writer`. */
  busNameOnly?: boolean;
  /** Evidence: the first occurrence's input and line. */
  source: SourceRef;
}

export interface ProfileChange {
  op: 'load' | 'replace' | 'remove' | 'other';
  /** The `operation=` value verbatim (profile_load, ...). */
  operation: string;
  /** The profile loaded, replaced or removed (`name=`). */
  profile: string;
  info?: string;
  pid?: string;
  comm?: string;
  source: SourceRef;
  auditId?: string;
  /** The program whose log line told of it (AppArmorRecord.writer): no change the kernel reported. */
  writer?: string;
}

/** An operator action from the action journal: its intent and result merged by id. */
export interface TimelineAction {
  id: string;
  action: ActionKind | string;
  profile: string;
  operator?: string;
  host?: string;
  file?: string;
  reason?: string;
  overrideReason?: string;
  undoOf?: string;
  dryRun: boolean;
  modeBefore?: string;
  modeAfter?: string;
  /** verified | failed | unverified; undefined when no result entry was written (interrupted?). */
  outcome?: string;
  error?: string;
  argv: string[][];
  /** What apparmor_parser read on standard input: one profile's lines of a file that declares several. */
  input?: string;
  /** Lines the action replaced in the profile file before its command (complain or enforce written into the flags). */
  replaced?: ReplacedLine[];
  intentTime?: number;
  resultTime?: number;
  /** The record that led to the action, as the journal names it. */
  trigger?: { auditId?: string; source?: SourceRef; verdict?: string };
  /** The kernel's STATUS record that shows the change took effect. */
  confirmedBy?: { at: TimePoint; operation: string; source: SourceRef };
  /** The journal line (1-based) of the intent, else the result. */
  journalLine: number;
  incidentId?: number;
}

export interface Incident {
  /** 1-based, in order of first time. */
  id: number;
  /** The profile the incident is about: the top of the label (`a` for `a//helper`). */
  profile: string;
  /** Every label seen in it (children and hats too), in order of appearance. */
  labels: string[];
  hosts: string[];
  /** The most severe verdict among its records. */
  verdict: TimelineVerdict;
  first: TimePoint;
  last: TimePoint;
  durationMs?: number;
  records: number;
  byKind: Record<string, number>;
  byVerdict: Record<string, number>;
  pids: string[];
  /** Distinct pids beyond those listed. */
  morePids: number;
  /** Set when there were more distinct pids than are told apart: morePids is an estimate. */
  morePidsEstimated?: true;
  comms: string[];
  /** The accesses that tell the story, attack records first when there are more than fit; in time order. */
  keyRecords: KeyRecord[];
  /** Distinct accesses not listed in keyRecords. */
  otherAccesses: number;
  /** Set when there were more distinct accesses than are told apart: otherAccesses is an estimate
   * (a few percent off, never at or below the number told apart). */
  otherAccessesEstimated?: true;
  /** Records whose access is not among keyRecords. */
  otherRecords: number;
  /** Why the incident has its verdict: the first reason of its listed accesses with that verdict (at most three). */
  reasons: string[];
  /** Operator actions on this profile during the incident (ids into Timeline.actions). */
  actionIds: string[];
  /** Profile loads/replaces/removes of this profile during the incident. */
  profileChanges: { at: TimePoint; change: ProfileChange }[];
  /** The latest profile change shortly before the incident began (a replace that introduced missing rules). */
  precededBy?: { at: TimePoint; change: ProfileChange };
  /** Evidence of the first and last record. */
  firstSource: SourceRef;
  lastSource: SourceRef;
}

export type TimelineEvent =
  | { type: 'boot'; at: TimePoint; source: SourceRef; kernel?: string; detectedBy: 'linux-version' | 'uptime-reset' }
  | { type: 'profile'; at: TimePoint; change: ProfileChange; incidentId?: number; actionId?: string }
  | { type: 'action'; at: TimePoint; actionId: string; phase: 'intent' | 'result'; incidentId?: number }
  | { type: 'loss'; at: TimePoint; kind: string; count: number; source: SourceRef; recoveredFrom?: string }
  | { type: 'incident'; at: TimePoint; incidentId: number };

export interface LossSummary {
  kind: string;
  /** Records lost, summed over notices (audit-lost: the kernel's cumulative maximum). */
  count: number;
  notices: number;
  firstSource: SourceRef;
  /**
   * Of `count`, the records the kernel log lost that an audit-channel input read here holds (read
   * over their whole time), and that input: not lost for the operator. Absent when none.
   */
  recovered?: number;
  recoveredFrom?: string;
}

export interface TimelineSummary {
  hosts: string[];
  /** First and last dated item of the timeline. */
  first?: TimePoint;
  last?: TimePoint;
  durationMs?: number;
  /** The --since/--until window the records were cut to, when one was given. */
  requested?: { since?: number; until?: number };
  /** AppArmor records in the timeline (STATUS included). */
  records: number;
  /** Records that are not STATUS, by verdict. */
  byVerdict: Record<string, number>;
  byKind: Record<string, number>;
  /** Profiles with records, most records first (at most 100 listed). */
  profiles: { profile: string; records: number; verdict: TimelineVerdict; incidents: number }[];
  moreProfiles: number;
  incidents: number;
  actions: number;
  boots: number;
  /** What the evidence says was lost, and what could not be read. */
  lost: LossSummary[];
  unparsable: number;
  firstUnparsable?: SourceRef;
  duplicates: number;
  cutLines: number;
  nullMessages: number;
  /** Records with an estimated time, and records with none at all. */
  approxTimes: number;
  undated: number;
  /** The action journal read, by the name evidence references use. */
  actionJournal?: string;
  /** Action journal lines that were not valid entries. */
  badJournalLines: number;
  /** What the timeline itself left out to stay bounded. */
  omittedEvents: number;
  /** True when no record carried a classification: verdicts read 'unclassified'. */
  unclassified: boolean;
  /** Seconds of quiet that separate incidents. */
  gapSeconds: number;
}

export interface Timeline {
  summary: TimelineSummary;
  /** Inputs that failed part-way (a truncated gzip), one line each: what they gave is in the timeline. */
  damagedInputs?: string[];
  incidents: Incident[];
  /** Chronological: boots, profile changes, actions, loss notices and incident starts. */
  events: TimelineEvent[];
  actions: TimelineAction[];
  /** Denials per time bucket by verdict (the histogram's counts); not part of the JSON document. */
  rates?: RateSeries;
}

export interface TimelineOptions {
  /** Quiet time that separates two incidents of one profile (default 300 s). */
  gapSeconds?: number;
  /** Wall-clock boot time (epoch ms) for uptime-only evidence when the log does not tell it. */
  bootTime?: number;
  /** Key records listed per incident (default 12). */
  maxKeyRecords?: number;
  /** Chronological events kept (default 5000); the rest are counted. */
  maxEvents?: number;
  requested?: { since?: number; until?: number };
  /** The action journal's name in evidence references (its path, or DEMO:actions.jsonl). */
  actionJournal?: string;
}

/** The verdict ranking of model/verdict.ts (the TUI's store ranks with the same one). */
export { verdictRank as severity } from '../model/verdict.js';
