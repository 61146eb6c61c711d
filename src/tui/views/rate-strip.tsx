/**
 * Denials over time as a one-line strip: in the header for the whole stream, per profile on the
 * Profiles screen, per denial group in its detail. Likely attacks are drawn in their colour and named
 * with their glyph and times in words beside the strip; operator actions are a `│` between bars.
 * The bucketing, scaling and glyphs are src/outputs/sparkline.ts's; this only lays them out.
 */
import React from 'react';
import type { ActionJournalEntry } from '../../model/action.js';
import { isDenial, recordProfile, type AppArmorRecord } from '../../model/record.js';
import { denialKey } from '../denial-store.js';
import { seriesOf, type RateSeries } from '../../model/rate-history.js';
import { ACTION_GLYPH, attackSpan, bucketize, bucketRoom, peakPerMinute, stepLabel, stripCells, type Buckets } from '../../outputs/sparkline.js';
import { clockTime, dateTime } from '../format.js';
import type { Theme } from '../theme.js';
import { Lines, seg, type Line } from './lines.js';

/** How far back the live header strip looks: the shape of the last hour, not of the whole boot. */
export const LIVE_STRIP_SPAN_MS = 60 * 60_000;

/** One time per operator action that ran (dry runs changed nothing): its intent, else its result. */
export function actionTimes(actions: ActionJournalEntry[]): number[] {
  const seen = new Map<string, number>();
  for (const e of actions) {
    if (e.dryRun || seen.has(e.id)) continue;
    const t = Date.parse(e.time);
    if (!Number.isNaN(t)) seen.set(e.id, t);
  }
  return [...seen.values()];
}

/** The range a strip covers: from the first dated denial (the last hour of it when live) to now. */
export function stripRange(series: RateSeries | undefined, now: number, live: boolean): { from: number; to: number } | undefined {
  if (!series || series.first === undefined || series.last === undefined) return undefined;
  const to = Math.max(now, series.last);
  const from = live ? Math.max(series.first, to - LIVE_STRIP_SPAN_MS) : series.first;
  return { from, to };
}

/** A bucket start as the strip's ends show it: seconds when the buckets are, the date when days are. */
export function edgeTime(t: number, step: number, utc: boolean, tz?: string): string {
  if (step >= 24 * 3_600_000) return dateTime(t, utc, tz).slice(5, 10);
  const c = clockTime(t, utc, tz);
  return step < 60_000 ? c : c.slice(0, 5);
}

export interface StripProps {
  series?: RateSeries;
  actions: ActionJournalEntry[];
  now: number;
  live: boolean;
  width: number;
  theme: Theme;
  utc: boolean;
  tz?: string;
}

/** The header's strip: ` 03:02 ▁▂▅█▇│▃▁ 03:11  10s/bar, peak 42/min · !! attacks 03:05-03:07 · │ action`. */
export function headerStripLine(p: StripProps): Line {
  const t = p.theme;
  const range = stripRange(p.series, p.now, p.live);
  if (!p.series || !range) return [seg(' denials over time: none dated yet', { dim: t.dim })];
  const acts = actionTimes(p.actions).filter((x) => x >= range.from && x <= range.to);
  const clockW = 8;
  const cellsW = Math.max(10, Math.min(60, p.width - 2 * (clockW + 2) - 40));
  const b = bucketize(p.series, range.from, range.to, bucketRoom(cellsW, acts.length));
  const cells = stripCells(b, acts, cellsW);
  const line: Line = [seg(` ${edgeTime(b.from, b.stepMs, p.utc, p.tz)} `, { dim: t.dim })];
  for (const c of cells) {
    line.push(c.action ? seg(ACTION_GLYPH, { bold: true, color: t.accent }) : seg(c.glyph, { color: c.attack ? t.verdict['likely-attack'] : t.verdict['missing-rule'], bold: c.attack }));
  }
  // the right end is now (the last bucket is still filling)
  line.push(seg(` ${edgeTime(range.to, b.stepMs, p.utc, p.tz)}`, { dim: t.dim }));
  line.push(seg(`  ${stepLabel(b.stepMs)}/bar, peak ${peakPerMinute(b)}/min`));
  const attacks = attackSpan(b);
  // what matters most first; a part that does not fit whole is left out, never cut
  const extra: Line = [];
  if (attacks) extra.push(seg(` · !! attacks ${edgeTime(attacks.from, b.stepMs, p.utc, p.tz)}-${edgeTime(attacks.to, b.stepMs, p.utc, p.tz)}`, { color: t.verdict['likely-attack'], bold: true }));
  if (!b.complete) extra.push(seg(' · early bars undercounted', { dim: t.dim }));
  if (acts.length) extra.push(seg(` · ${ACTION_GLYPH} ${acts.length === 1 ? 'action' : `${acts.length} actions`}`, { color: t.accent }));
  let used = line.reduce((n, x) => n + x.text.length, 0);
  for (const x of extra) {
    if (used + x.text.length > p.width) continue;
    line.push(x);
    used += x.text.length;
  }
  return line;
}

export function HeaderStrip(p: StripProps): React.JSX.Element {
  return <Lines lines={[headerStripLine(p)]} width={p.width} />;
}

/** A bare strip of `width` cells over [from, to] for a table cell or a detail line: glyphs only (no colour in a cell). */
export function miniStrip(series: RateSeries, from: number, to: number, actions: number[], width: number): { text: string; buckets: Buckets } {
  const acts = actions.filter((x) => x >= from && x <= to);
  const b = bucketize(series, from, to, bucketRoom(width, acts.length));
  const text = stripCells(b, acts, width)
    .map((c) => c.glyph)
    .join('');
  return { text: text.padStart(width), buckets: b };
}

/** The denials of the recent window, grouped: by profile (label as recorded) and by denial group key. */
export function windowSeries(window: AppArmorRecord[], keyOf: (r: AppArmorRecord) => string | undefined): Map<string, RateSeries> {
  const groups = new Map<string, AppArmorRecord[]>();
  for (const r of window) {
    if (!isDenial(r)) continue;
    const k = keyOf(r);
    if (k === undefined) continue;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  const out = new Map<string, RateSeries>();
  for (const [k, rs] of groups)
    out.set(
      k,
      seriesOf(
        rs,
        (r) => r.time,
        (r) => r.classification?.verdict ?? 'unclassified',
      ),
    );
  return out;
}

export const byProfile = (r: AppArmorRecord): string | undefined => recordProfile(r);
export const byGroup = (r: AppArmorRecord): string => denialKey(r);

/** The time range of the window's dated denials, to `now`. */
export function windowRange(window: AppArmorRecord[], now: number): { from: number; to: number } | undefined {
  let from: number | undefined;
  let last: number | undefined;
  for (const r of window) {
    if (r.time === undefined || !isDenial(r)) continue;
    if (from === undefined || r.time < from) from = r.time;
    if (last === undefined || r.time > last) last = r.time;
  }
  return from === undefined ? undefined : { from, to: Math.max(now, last ?? now) };
}

/** Each profile's strip over the recent window (the window holds the latest records, so does the strip). */
export function profileShapes(snap: { window: AppArmorRecord[]; actions: ActionJournalEntry[] }, now: number, width: number): Map<string, string> {
  const out = new Map<string, string>();
  const range = windowRange(snap.window, now);
  if (!range) return out;
  const acts = actionTimes(snap.actions);
  for (const [name, series] of windowSeries(snap.window, byProfile)) out.set(name, miniStrip(series, range.from, range.to, acts, width).text);
  return out;
}

/** A denial group's strip line for its detail: `shape ▁▃█ │▁  03:00-03:12, 1m/bar, 12 of 12 records (recent window)`. */
export function groupShape(
  snap: { window: AppArmorRecord[]; actions: ActionJournalEntry[] },
  g: { key: string; count: number },
  now: number,
  width: number,
  utc: boolean,
  tz?: string,
): string | undefined {
  const mine = snap.window.filter((r) => isDenial(r) && denialKey(r) === g.key);
  const range = windowRange(mine, now);
  if (!range) return undefined;
  const series = seriesOf(
    mine,
    (r) => r.time,
    (r) => r.classification?.verdict ?? 'unclassified',
  );
  const { text, buckets: b } = miniStrip(series, range.from, range.to, actionTimes(snap.actions), width);
  const kept = mine.length < g.count ? `${mine.length} of ${g.count} records (the recent window)` : `${g.count} record${g.count === 1 ? '' : 's'}`;
  return `shape ${text.trimStart()}  ${edgeTime(b.from, b.stepMs, utc, tz)}-${edgeTime(range.to, b.stepMs, utc, tz)}, ${stepLabel(b.stepMs)}/bar, ${kept}${text.includes(ACTION_GLYPH) ? `, ${ACTION_GLYPH} action` : ''}`;
}
