/**
 * The story in order, as rows both text and markdown render: the events that stand alone (boots,
 * profile changes, actions and losses outside any incident) and one row per incident at its start;
 * and, per incident, its own rows (key records, the profile changes and operator actions that
 * happened in it) in time order. Several loads or replaces at once (a boot loading every profile)
 * read as one row. Strings are escaped with the renderer's `esc`.
 */
import type { Incident, ProfileChange, TimePoint, Timeline, TimelineAction, TimelineEvent } from './model.js';
import { timeNote } from './time-format.js';
import { BUS_NAME_ONLY_TEXT } from '../model/record.js';
import { accessText, actionIntentText, actionResultText, actionStatusText, bootText, changesText, changeText, evidence, lossText, processText, type Esc } from './describe.js';

export interface Row {
  kind: 'boot' | 'profile' | 'action' | 'loss' | 'incident' | 'access';
  at: TimePoint;
  text: string;
  /** Extra facts shown after the text (process, count, notes). */
  detail?: string;
  evidence?: string;
  incidentId?: number;
  /** For key records: their verdict, so a renderer can mark attack rows. */
  verdict?: string;
  /** A loss row whose records the audit channel read here holds: not a loss, not marked as one. */
  recovered?: boolean;
}

/** Profile changes this close together with the same operation read as one row. */
const BURST_MS = 10_000;
const BURST_MIN = 3;

function actionRow(e: Extract<TimelineEvent, { type: 'action' }>, a: TimelineAction | undefined, journal: string, esc: Esc): Row {
  if (!a) return { kind: 'action', at: e.at, text: `action ${esc(e.actionId)}` };
  const row: Row = { kind: 'action', at: e.at, text: e.phase === 'intent' ? actionIntentText(a, esc) : actionResultText(a, esc), evidence: `${esc(journal)}:${a.journalLine}` };
  const status = e.phase === 'result' || a.resultTime === undefined ? actionStatusText(a, esc) : undefined;
  if (status) row.detail = status;
  if (e.phase === 'result') delete row.evidence;
  if (a.incidentId !== undefined) row.incidentId = a.incidentId;
  return row;
}

function changeRow(at: TimePoint, c: ProfileChange, esc: Esc, actionId?: string): Row {
  const row: Row = { kind: 'profile', at, text: changeText(c, esc), evidence: evidence(c.source, esc) };
  if (actionId !== undefined) row.detail = `the operator's action ${esc(actionId)} taking effect`;
  return row;
}

/**
 * The rows of the whole timeline, incidents as one row each. With `attachedActions`, operator
 * actions inside incidents (and the kernel records confirming them) are listed here too: for a
 * chronology that does not show the incident blocks inline.
 */
export function chronologyRows(t: Timeline, esc: Esc, clock: (ms: number) => string, opts: { attachedActions?: boolean } = {}): Row[] {
  const actions = new Map(t.actions.map((a) => [a.id, a]));
  const incidents = new Map(t.incidents.map((i) => [i.id, i]));
  const journal = t.summary.actionJournal ?? 'actions.jsonl';
  const rows: Row[] = [];
  const events = t.events;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    switch (e.type) {
      case 'incident': {
        const inc = incidents.get(e.incidentId);
        if (inc) rows.push({ kind: 'incident', at: e.at, text: '', incidentId: inc.id, evidence: evidence(inc.firstSource, esc) });
        break;
      }
      case 'boot':
        rows.push({ kind: 'boot', at: e.at, text: bootText(e.kernel, e.detectedBy, esc), evidence: evidence(e.source, esc) });
        break;
      case 'loss': {
        // notices of one kind in a row (a flood brings one a second): one row with the totals
        const run: LossRun = { first: e, last: e, count: e.count, notices: 1 };
        while (
          i + 1 < events.length &&
          events[i + 1].type === 'loss' &&
          (events[i + 1] as LossEvent).kind === e.kind &&
          (events[i + 1] as LossEvent).recoveredFrom === e.recoveredFrom &&
          events[i + 1].at.time !== undefined &&
          e.at.time !== undefined
        ) {
          addToRun(run, events[++i] as LossEvent);
        }
        rows.push(lossRow(run, esc, clock));
        break;
      }
      case 'action':
        if (e.incidentId === undefined || opts.attachedActions) rows.push(actionRow(e, actions.get(e.actionId), journal, esc));
        break;
      case 'profile': {
        if (e.incidentId !== undefined && !(opts.attachedActions && e.actionId !== undefined)) break;
        // a burst: the same operation on several profiles within seconds, none part of an incident
        let j = i;
        while (
          j + 1 < events.length &&
          events[j + 1].type === 'profile' &&
          (events[j + 1] as typeof e).incidentId === undefined &&
          (events[j + 1] as typeof e).actionId === undefined &&
          (events[j + 1] as typeof e).change.op === e.change.op &&
          (events[j + 1] as typeof e).change.info === e.change.info &&
          e.at.time !== undefined &&
          events[j + 1].at.time !== undefined &&
          events[j + 1].at.time! - e.at.time <= BURST_MS
        )
          j++;
        if (e.actionId === undefined && e.change.op !== 'other' && j - i + 1 >= BURST_MIN) {
          const burst = events.slice(i, j + 1) as (typeof e)[];
          const first = burst[0].change.source;
          const last = burst[burst.length - 1].change.source;
          const where = first.name === last.name ? `${evidence(first, esc)}-${last.line}` : `${evidence(first, esc)} to ${evidence(last, esc)}`;
          rows.push({
            kind: 'profile',
            at: e.at,
            text: changesText(
              e.change.op,
              burst.map((b) => b.change.profile),
              esc,
            ),
            evidence: where,
          });
          i = j;
        } else {
          rows.push(changeRow(e.at, e.change, esc, e.actionId));
        }
        break;
      }
    }
  }
  return rows;
}

interface TimelineIndex {
  actions: Map<string, TimelineAction>;
  /** Action events per incident id, and the loss events, in event order. */
  actionEvents: Map<number, Extract<TimelineEvent, { type: 'action' }>[]>;
  losses: LossEvent[];
  /** The dated loss events in time order (an incident's are found by bisection). */
  datedLosses: LossEvent[];
  /** The action a profile change confirmed. */
  changeAction: Map<ProfileChange, string>;
}

const indexes = new WeakMap<Timeline, TimelineIndex>();

/** Lookups every incident's rows need, built once per timeline (thousands of incidents stay linear). */
function indexOf(t: Timeline): TimelineIndex {
  let ix = indexes.get(t);
  if (ix) return ix;
  ix = { actions: new Map(t.actions.map((a) => [a.id, a])), actionEvents: new Map(), losses: [], datedLosses: [], changeAction: new Map() };
  for (const e of t.events) {
    if (e.type === 'action' && e.incidentId !== undefined) {
      const list = ix.actionEvents.get(e.incidentId) ?? [];
      list.push(e);
      ix.actionEvents.set(e.incidentId, list);
    } else if (e.type === 'loss') ix.losses.push(e);
    else if (e.type === 'profile' && e.actionId !== undefined) ix.changeAction.set(e.change, e.actionId);
  }
  // stable: notices at the same time keep their order
  ix.datedLosses = ix.losses.filter((e) => e.at.time !== undefined).sort((a, b) => a.at.time! - b.at.time!);
  indexes.set(t, ix);
  return ix;
}

type LossEvent = Extract<TimelineEvent, { type: 'loss' }>;

/** Loss notices of one kind inside one incident. */
interface LossRun {
  first: LossEvent;
  last: LossEvent;
  count: number;
  notices: number;
}

function addToRun(run: LossRun, e: LossEvent): void {
  run.notices++;
  run.last = e;
  // audit_lost is the kernel's running total; the others are counts of their own
  run.count = e.kind === 'audit-lost' ? Math.max(run.count, e.count) : run.count + e.count;
}

function lossRow(run: LossRun, esc: Esc, clock: (ms: number) => string): Row {
  const { first, last, notices } = run;
  const row: Row = { kind: 'loss', at: first.at, text: lossText(first.kind, run.count, esc, first.recoveredFrom), evidence: evidence(first.source, esc) };
  if (first.recoveredFrom !== undefined) row.recovered = true;
  if (notices > 1) {
    const a = clock(first.at.time!);
    const b = clock(last.at.time!);
    row.detail = `${notices} notices${a !== b ? `, ${a} to ${b}` : ''}`;
    row.evidence = `${row.evidence} and ${notices - 1} more`;
  }
  return row;
}

/** The index of the first event at or after `t` in events sorted by time. */
function firstAtOrAfter(events: LossEvent[], t: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid].at.time! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** An incident's own rows: key records, profile changes and operator actions, in time order. `clock` writes a time. */
export function incidentRows(t: Timeline, inc: Incident, esc: Esc, clock: (ms: number) => string): Row[] {
  const journal = t.summary.actionJournal ?? 'actions.jsonl';
  const ix = indexOf(t);
  const rows: { row: Row; order: number }[] = [];
  let order = 0;
  for (const k of inc.keyRecords) {
    const facts = [processText(k, esc)];
    if (k.writer !== undefined) facts.push(`written by ${esc(k.writer)} (a program's log line, not the kernel's: it proves no denial)`);
    else if (k.busNameOnly) facts.push(`from ${BUS_NAME_ONLY_TEXT}`);
    if (k.count > 1) {
      const until = k.lastTime !== undefined && k.at.time !== undefined ? clock(k.lastTime) : undefined;
      facts.push(`×${k.count}${until !== undefined && until !== clock(k.at.time!) ? ` until ${until}` : ''}`);
    }
    // the first reason is the one that decided; the JSON keeps the others
    if (k.reasons?.length) facts.push(`why: ${esc(k.reasons[0])}`);
    const row: Row = { kind: 'access', at: k.at, text: accessText(k, esc, inc.profile), detail: facts.filter(Boolean).join(' · '), evidence: evidence(k.source, esc), verdict: k.verdict };
    rows.push({ row, order: order++ });
  }
  for (const c of inc.profileChanges) rows.push({ row: changeRow(c.at, c.change, esc, ix.changeAction.get(c.change)), order: order++ });
  for (const e of ix.actionEvents.get(inc.id) ?? []) rows.push({ row: actionRow(e, ix.actions.get(e.actionId), journal, esc), order: order++ });
  // loss the kernel reported while the incident went on: some of its records may be missing. A
  // flood brings a notice every second or so: one row per kind with the totals, the first and the
  // last time, instead of a row per notice
  const from = inc.first.time;
  const until = inc.last.time;
  if (from !== undefined && until !== undefined) {
    const within = new Map<string, LossRun>();
    for (let i = firstAtOrAfter(ix.datedLosses, from); i < ix.datedLosses.length && ix.datedLosses[i].at.time! <= until; i++) {
      const e = ix.datedLosses[i];
      const key = `${e.kind}\0${e.recoveredFrom ?? ''}`;
      const run = within.get(key);
      if (!run) within.set(key, { first: e, last: e, count: e.count, notices: 1 });
      else addToRun(run, e);
    }
    for (const run of within.values()) rows.push({ row: lossRow(run, esc, clock), order: order++ });
  }
  rows.sort((a, b) => (a.row.at.time ?? 0) - (b.row.at.time ?? 0) || a.order - b.order);
  return rows.map((r) => r.row);
}

/** How a row's time was obtained, when the reader should know (estimated, from an uptime, undated). */
export function rowNote(r: Row): string | undefined {
  if (r.at.basis === 'record' && !r.at.approx) return undefined;
  // a boot dated from the log's own uptime clock needs no note: that is what a boot time is
  if (r.kind === 'boot' && (r.at.basis === 'uptime' || r.at.basis === 'journal') && !r.at.approx) return undefined;
  return timeNote(r.at);
}
