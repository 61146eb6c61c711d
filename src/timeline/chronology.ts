/**
 * The story in order, as rows both text and markdown render: the events that stand alone (boots,
 * profile changes, actions and losses outside any incident) and one row per incident at its start;
 * and, per incident, its own rows (key records, the profile changes and operator actions that
 * happened in it) in time order. Several loads or replaces at once (a boot loading every profile)
 * read as one row. Strings are escaped with the renderer's `esc`.
 */
import type { Incident, ProfileChange, TimePoint, Timeline, TimelineAction, TimelineEvent } from './model.js';
import { timeNote } from './time-format.js';
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
export function chronologyRows(t: Timeline, esc: Esc, opts: { attachedActions?: boolean } = {}): Row[] {
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
      case 'loss':
        rows.push({ kind: 'loss', at: e.at, text: lossText(e.kind, e.count, esc), evidence: evidence(e.source, esc) });
        break;
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
          rows.push({ kind: 'profile', at: e.at, text: changesText(e.change.op, burst.map((b) => b.change.profile), esc), evidence: where });
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
  losses: Extract<TimelineEvent, { type: 'loss' }>[];
  /** The action a profile change confirmed. */
  changeAction: Map<ProfileChange, string>;
}

const indexes = new WeakMap<Timeline, TimelineIndex>();

/** Lookups every incident's rows need, built once per timeline (thousands of incidents stay linear). */
function indexOf(t: Timeline): TimelineIndex {
  let ix = indexes.get(t);
  if (ix) return ix;
  ix = { actions: new Map(t.actions.map((a) => [a.id, a])), actionEvents: new Map(), losses: [], changeAction: new Map() };
  for (const e of t.events) {
    if (e.type === 'action' && e.incidentId !== undefined) {
      const list = ix.actionEvents.get(e.incidentId) ?? [];
      list.push(e);
      ix.actionEvents.set(e.incidentId, list);
    } else if (e.type === 'loss') ix.losses.push(e);
    else if (e.type === 'profile' && e.actionId !== undefined) ix.changeAction.set(e.change, e.actionId);
  }
  indexes.set(t, ix);
  return ix;
}

/** An incident's own rows: key records, profile changes and operator actions, in time order. `clock` writes a time. */
export function incidentRows(t: Timeline, inc: Incident, esc: Esc, clock: (ms: number) => string): Row[] {
  const journal = t.summary.actionJournal ?? 'actions.jsonl';
  const ix = indexOf(t);
  const rows: { row: Row; order: number }[] = [];
  let order = 0;
  for (const k of inc.keyRecords) {
    const facts = [processText(k, esc)];
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
  // loss the kernel reported while the incident went on: some of its records may be missing
  for (const e of ix.losses) {
    if (e.at.time !== undefined && inc.first.time !== undefined && inc.last.time !== undefined && e.at.time >= inc.first.time && e.at.time <= inc.last.time) {
      rows.push({ row: { kind: 'loss', at: e.at, text: lossText(e.kind, e.count, esc), evidence: evidence(e.source, esc) }, order: order++ });
    }
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
