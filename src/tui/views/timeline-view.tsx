/**
 * The timeline: records in time order, grouped under the numbered incidents of `aa-triage timeline`,
 * with profile loads/replaces/removes and the operator's
 * actions interleaved, so "the profile was replaced, then the denials started" is visible.
 */
import React from 'react';
import { recordMask, recordProfile, recordTarget } from '../../model/record.js';
import { clockTime, dateTime, VERDICT_LABEL } from '../format.js';
import { NO_VERDICT } from '../../model/verdict.js';
import type { Theme } from '../theme.js';
import type { TimelineItem } from '../view-model.js';
import { safeCell } from '../../model/safe-text.js';
import { Lines, seg, titleLine, type Line } from './lines.js';
import { markMatches, type ShownSearch } from '../view-search.js';

export interface TimelineViewProps {
  items: TimelineItem[];
  start: number;
  selected: number;
  /** Records that fell out of the bounded window. */
  dropped: number;
  utc: boolean;
  tz?: string;
  width: number;
  height: number;
  theme: Theme;
  /** The records span more than a day: each row shows its date. */
  dates?: boolean;
  /** `/` on the timeline: its matches are marked. */
  search?: ShownSearch;
  /** "12-28 of 214 ↓" on the title line. */
  range?: string;
  /** More than one host in view: each record names its host. */
  hosts?: boolean;
}

const DAY_MS = 86_400_000;

/** Whether the rows' times span more than a day (then a time of day alone would mislead). */
export function timelineSpansDays(items: readonly { time?: number }[]): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (const i of items) {
    if (i.time === undefined) continue;
    if (i.time < lo) lo = i.time;
    if (i.time > hi) hi = i.time;
  }
  return hi - lo > DAY_MS;
}

/** A row's time: HH:MM:SS, with the date before it when the timeline spans days. */
function rowTime(t: number | undefined, utc: boolean, tz: string | undefined, dates: boolean): string {
  if (!dates) return clockTime(t, utc, tz);
  // the zone is named once, in the header's clock note, not on every row
  return t === undefined ? '----------          ' : dateTime(t, utc, tz).slice(0, 19);
}

export function timelineRow(item: TimelineItem, utc: boolean, theme: Theme, tz?: string, width = 200, dates = false, hosts = false): Line {
  // each log value cut to the width: the line is fitted again when drawn, but the work stays bounded
  const safe = (s: string) => safeCell(s, width);
  const time = `${rowTime(item.time, utc, tz, dates)}  `;
  if (item.kind === 'incident') {
    const inc = item.incident;
    const v = inc.verdict;
    const pids = inc.pids.length ? ` · pid ${inc.pids.slice(0, 4).map(safe).join(',')}${inc.pids.length > 4 || inc.morePids ? '…' : ''}` : '';
    return [
      seg(time),
      seg(`#${inc.id} `.padEnd(4), { bold: true }),
      seg(`${VERDICT_LABEL[v].padEnd(10)}`, { color: theme.verdict[v], bold: true }),
      seg(
        `incident: ${safe(inc.profile)} · ${inc.records} record${inc.records === 1 ? '' : 's'}${pids} · until ${clockTime(inc.last.time, utc, tz)}${inc.reasons[0] ? ` · ${safe(inc.reasons[0])}` : ''}`,
        { bold: true },
      ),
    ];
  }
  if (item.kind === 'action') {
    const e = item.entry;
    const res =
      e.phase === 'result' ? ` → ${safe(e.outcome ?? 'done')}${e.exitCodes ? ` exit ${e.exitCodes.map((c) => (c === null ? 'signal' : c)).join(',')}` : ''}` : e.reason ? ` (${safe(e.reason)})` : '';
    return [
      seg(time),
      seg('    '),
      seg('ACTION  ', { bold: true, color: theme.accent }),
      seg(`${safe(e.operator)} ${safe(e.action)}${e.dryRun ? ' (dry run)' : ''} ${safe(e.profile)} ${safe(e.phase)}${res}`, { bold: true }),
    ];
  }
  const r = item.record;
  const f = r.fields;
  if (r.kind === 'STATUS') {
    return [
      seg(time),
      seg('    '),
      seg('STATUS  ', { color: theme.accent }),
      seg(`${safe(f.operation ?? '')} ${safe(f.name ?? '')}${f.info ? ` (${safe(f.info)})` : ''}  [${safe(r.source.name)}:${r.source.line}]`),
    ];
  }
  const v = r.classification?.verdict ?? NO_VERDICT;
  const mask = recordMask(r) ?? '';
  return [
    seg(time),
    seg((item.incidentId !== undefined ? `#${item.incidentId} ` : '').padEnd(4), { dim: theme.dim }),
    seg(`${r.kind.padEnd(7).slice(0, 7)} `, { dim: theme.dim }),
    seg(`${VERDICT_LABEL[v].padEnd(10)}`, { color: theme.verdict[v], bold: v === 'likely-attack' }),
    seg(hosts ? `${safe(r.host ?? '?')} ` : '', { dim: theme.dim }),
    seg(`${safe(recordProfile(r) ?? '?')} ${safe(f.operation ?? '')} ${safe(recordTarget(r) ?? '')}${mask ? ` (${safe(mask)})` : ''}  [${safe(r.source.name)}:${r.source.line}]`),
  ];
}

export function timelineLines(p: TimelineViewProps): Line[] {
  const head = ` ${'TIME'.padEnd(p.dates ? 21 : 10)}${'#'.padEnd(4)}KIND    VERDICT   ${p.hosts ? 'HOST ' : ''}WHAT`;
  const lines: Line[] = [titleLine(head, p.range, p.width, { bold: true, dim: p.theme.dim })];
  if (p.dropped) lines.push([seg(` (${p.dropped} older records are no longer kept in the window; the counts above include them)`, { dim: p.theme.dim })]);
  if (p.items.length === 0) lines.push([seg(' nothing yet')]);
  const room = Math.max(0, p.height - lines.length);
  p.items.slice(p.start, p.start + room).forEach((item, i) => {
    const sel = p.start + i === p.selected;
    const row = timelineRow(item, p.utc, p.theme, p.tz, p.width, p.dates, p.hosts);
    const [marked] = markMatches([row.map((s) => (sel ? { ...s, inverse: true } : s))], p.start + i, p.search);
    lines.push([seg(sel ? '>' : ' ', { inverse: sel }), ...marked]);
  });
  return lines;
}

export function TimelineView(p: TimelineViewProps): React.JSX.Element {
  return <Lines lines={timelineLines(p)} width={p.width} />;
}
