/**
 * Derives what each screen lists from the store's snapshot and the UI state: filtering, sorting,
 * the timeline's interleaving, the action log's commands, list windowing. Pure.
 */
import { replacedLines, type ActionJournalEntry, type ReplacedLine } from '../model/action.js';
import type { AppArmorRecord } from '../model/record.js';
import { isDenial, recordProfile, recordTarget } from '../model/record.js';
import { VERDICT_RANK } from '../model/verdict.js';
import { denialKey, type DenialGroup, type ProfileCounts, type StoreSnapshot } from './denial-store.js';
import type { ProfileFact, ProfileFacts } from './profile-facts.js';
import { buildTimeline } from '../timeline/builder.js';
import { undoCandidates } from '../actions/undo.js';
import type { Incident as TimelineIncident } from '../timeline/model.js';
import type { RowTest } from './field-filter.js';

export type SortMode = 'attacks' | 'latest' | 'count' | 'profile' | 'first' | 'operation' | 'target' | 'mask' | 'pids';
export const SORT_MODES: SortMode[] = ['attacks', 'latest', 'count', 'profile', 'first', 'operation', 'target', 'mask', 'pids'];
export const SORT_TITLE: Record<SortMode, string> = {
  attacks: 'attacks first',
  latest: 'latest first',
  count: 'most frequent',
  profile: 'by profile',
  first: 'first seen, earliest first',
  operation: 'by operation',
  target: 'by target',
  mask: 'by mask',
  pids: 'most pids',
};

/** A filter as typed: `!text` inverts. Case-insensitive substring. */
export interface Filter {
  text: string;
  invert: boolean;
}

export function parseFilter(typed: string): Filter | undefined {
  const invert = typed.startsWith('!');
  const text = (invert ? typed.slice(1) : typed).toLowerCase();
  if (!text) return undefined;
  return { text, invert };
}

export function matches(f: Filter | undefined, ...haystack: (string | undefined)[]): boolean {
  if (!f) return true;
  const hit = haystack.some((h) => h !== undefined && h.toLowerCase().includes(f.text));
  return f.invert ? !hit : hit;
}

const latest = (i: DenialGroup) => i.lastSeen ?? -Infinity;

export function sortGroups(list: DenialGroup[], mode: SortMode): DenialGroup[] {
  const byLatest = (a: DenialGroup, b: DenialGroup) => latest(b) - latest(a) || b.lastSeq - a.lastSeq;
  const cmp: Record<SortMode, (a: DenialGroup, b: DenialGroup) => number> = {
    attacks: (a, b) => VERDICT_RANK[b.verdict] - VERDICT_RANK[a.verdict] || byLatest(a, b),
    latest: byLatest,
    count: (a, b) => b.count - a.count || byLatest(a, b),
    profile: (a, b) => (a.profile < b.profile ? -1 : a.profile > b.profile ? 1 : 0) || byLatest(a, b),
    first: (a, b) => (a.firstSeen ?? Infinity) - (b.firstSeen ?? Infinity) || a.firstSeq - b.firstSeq,
    operation: (a, b) => (a.operation < b.operation ? -1 : a.operation > b.operation ? 1 : 0) || byLatest(a, b),
    target: (a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0) || byLatest(a, b),
    mask: (a, b) => (a.mask < b.mask ? -1 : a.mask > b.mask ? 1 : 0) || byLatest(a, b),
    pids: (a, b) => b.pids.length + b.pidsMore - (a.pids.length + a.pidsMore) || byLatest(a, b),
  };
  return list.slice().sort(cmp[mode]);
}

export function visibleGroups(snap: StoreSnapshot, filter: Filter | undefined, sort: SortMode): DenialGroup[] {
  const list = filter ? snap.groups.filter((i) => matches(filter, i.profile, i.operation, i.target, i.mask, i.verdict, ...i.comms, ...i.pids)) : snap.groups;
  return sortGroups(list, sort);
}

export interface ProfileRow extends ProfileCounts {
  fact?: ProfileFact;
}

/** Every profile known from the host (loaded list, profile files) or seen in the records. */
export function profileRows(snap: StoreSnapshot, facts: ProfileFacts, filter: Filter | undefined): ProfileRow[] {
  const rows = new Map<string, ProfileRow>();
  for (const f of facts.values()) rows.set(f.name, { name: f.name, denials: 0, attacks: 0, allowed: 0, statusEvents: 0, fact: f });
  for (const p of snap.profiles) rows.set(p.name, { ...p, fact: facts.get(p.name) });
  return [...rows.values()]
    .filter((r) => matches(filter, r.name, r.fact?.mode, r.fact?.file, r.fact?.managedBy))
    .sort((a, b) => b.attacks - a.attacks || b.denials + b.allowed - (a.denials + a.allowed) || (a.name < b.name ? -1 : 1));
}

export type TimelineItem =
  | { kind: 'record'; time?: number; order: number; record: AppArmorRecord; groupKey?: string; incidentId?: number }
  | { kind: 'action'; time?: number; order: number; entry: ActionJournalEntry }
  | { kind: 'incident'; time?: number; order: number; incident: TimelineIncident };

/**
 * Records and operator actions in time order (records without a time keep their arrival place),
 * grouped under the same numbered incidents `aa-triage timeline` reports: a header row where each
 * incident begins, and each denial tagged with its incident's number. `incidents`: those of every
 * record read so far (the runner feeds them all to a timeline builder), so the numbers are the
 * whole stream's even when the window holds only its latest records; without them, the window's.
 */
export function timelineItems(snap: StoreSnapshot, filter: Filter | RowTest | undefined, incidents?: TimelineIncident[]): TimelineItem[] {
  const test = filter && 'record' in filter ? filter : undefined;
  const plain = test ? undefined : (filter as Filter | undefined);
  const items: TimelineItem[] = [];
  const story = incidents ?? buildTimeline(snap.window, snap.actions).incidents;
  const member = incidentOf(story);
  const shown = new Set<number>();
  let lastTime: number | undefined;
  snap.window.forEach((r, i) => {
    if (r.time !== undefined) lastTime = r.time;
    const f = r.fields;
    if (test ? !test.record(r) : !matches(plain, r.kind, recordProfile(r), f.operation, recordTarget(r), f.name, f.comm, f.pid, r.host, r.classification?.verdict)) return;
    const incidentId = isDenial(r) ? member(r) : undefined;
    if (incidentId !== undefined) shown.add(incidentId);
    items.push({ kind: 'record', time: r.time ?? lastTime, order: i, record: r, groupKey: isDenial(r) ? denialKey(r) : undefined, incidentId });
  });
  snap.actions.forEach((e, i) => {
    if (test ? !test.action(e) : !matches(plain, 'action', e.action, e.profile, e.operator, e.outcome, ...e.argv.flat())) return;
    const t = Date.parse(e.time);
    items.push({ kind: 'action', time: Number.isNaN(t) ? undefined : t, order: snap.window.length + i, entry: e });
  });
  for (const inc of story) {
    // before its first record: same time, lower order
    if (shown.has(inc.id)) items.push({ kind: 'incident', time: inc.first.time, order: -1, incident: inc });
  }
  return items.sort((a, b) => (a.time ?? Infinity) - (b.time ?? Infinity) || a.order - b.order);
}

/** Which incident a denial belongs to: same profile (top label), within its time span, its pid preferred. */
function incidentOf(incidents: TimelineIncident[]): (r: AppArmorRecord) => number | undefined {
  const byProfile = new Map<string, TimelineIncident[]>();
  for (const inc of incidents) {
    const list = byProfile.get(inc.profile);
    if (list) list.push(inc);
    else byProfile.set(inc.profile, [inc]);
  }
  return (r) => {
    const top = (recordProfile(r) ?? '').split('//')[0];
    const list = byProfile.get(top);
    if (!list) return undefined;
    const t = r.time;
    const within = t === undefined ? list : list.filter((inc) => (inc.first.time ?? -Infinity) <= t && t <= (inc.last.time ?? Infinity));
    const pid = r.fields.pid;
    return (within.find((inc) => pid !== undefined && inc.pids.includes(pid)) ?? within[0])?.id;
  };
}

export interface CommandRow {
  id: string;
  time?: string;
  operator: string;
  action: string;
  profile: string;
  argv: string[];
  /** Exit status: a number, null (killed by a signal), or undefined (no result recorded: interrupted). */
  exit?: number | null;
  done: boolean;
  outcome?: string;
  dryRun?: boolean;
  error?: string;
  /** Why the operator acted (journaled with the intent). */
  reason?: string;
  /** What apparmor_parser read on standard input (one profile of a file that declares several). */
  input?: string;
  /** Lines the action replaced in the profile file before this command (its flags), on the command that loads it. */
  replaced?: ReplacedLine[];
  /** A loosening action with its result journaled, not failed, and no verified undo after it: what z still offers. */
  notUndone?: boolean;
}

/** The loosening actions the journal shows as not undone (what z offers), newest first: one line each. */
export function notUndone(actions: ActionJournalEntry[]): { id: string; action: string; profile: string; time: string }[] {
  return undoCandidates(actions).map((c) => ({ id: c.entry.id, action: c.entry.action, profile: c.entry.profile, time: c.entry.time }));
}

/** Every command aa-triage ran, from the journal: one row per argv of each action. */
export function commandRows(actions: ActionJournalEntry[], filter: Filter | undefined): CommandRow[] {
  const results = new Map<string, ActionJournalEntry>();
  for (const e of actions) if (e.phase === 'result') results.set(e.id, e);
  const open = new Set(notUndone(actions).map((a) => a.id));
  const rows: CommandRow[] = [];
  for (const e of actions) {
    if (e.phase !== 'intent' && !(e.phase === 'result' && !actions.some((x) => x.id === e.id && x.phase === 'intent'))) continue;
    const res = results.get(e.id);
    const argvs = (res ?? e).argv.length ? (res ?? e).argv : [[]];
    const replaced = replacedLines(e);
    argvs.forEach((argv, i) => {
      const row: CommandRow = {
        id: e.id,
        time: res?.time ?? e.time,
        operator: e.operator,
        action: e.action,
        profile: e.profile,
        argv,
        exit: res?.exitCodes?.[i],
        done: !!res && (res.exitCodes?.length ?? 0) > i,
        outcome: res?.outcome,
        dryRun: e.dryRun,
        error: res?.error,
        reason: e.reason ?? e.override?.reason,
        ...(e.input && argv[0] === 'apparmor_parser' ? { input: e.input } : {}),
        ...(i === 0 && replaced.length ? { replaced } : {}),
        ...(open.has(e.id) ? { notUndone: true } : {}),
      };
      if (matches(filter, row.action, row.profile, row.operator, row.outcome, ...argv)) rows.push(row);
    });
  }
  return rows;
}

/** First row to show so that `index` is visible, moving the window as little as possible. */
export function windowStart(prev: number, index: number, height: number, length: number): number {
  if (height <= 0 || length <= height) return 0;
  let start = Math.min(Math.max(prev, 0), length - height);
  if (index < start) start = index;
  else if (index >= start + height) start = index - height + 1;
  return Math.max(0, Math.min(start, length - height));
}
