/**
 * The timeline's histogram: denials per minute (or per hour, or whatever step keeps it under a
 * screenful, by span) as rows of bars split by verdict, each verdict with its own glyph, and the
 * operator's actions marked on the row they fell in. Shared by the text and markdown renderers.
 */
import { RATE_VERDICTS } from '../model/rate-history.js';
import { bucketize, stepLabel, sum, VERDICT_BAR_GLYPH, verdictBar } from '../outputs/sparkline.js';
import { verdictLabel } from './describe.js';
import type { Timeline, TimelineAction } from './model.js';
import { formatClock, formatDate, type TimeStyle } from './time-format.js';

export const HISTOGRAM_MAX_ROWS = 48;
export const HISTOGRAM_BAR = 40;

type Esc = (s: string) => string;

function actionTime(a: TimelineAction): number | undefined {
  return a.intentTime ?? a.resultTime;
}

function actionText(a: TimelineAction, style: TimeStyle, esc: Esc): string {
  const t = actionTime(a);
  const dry = a.dryRun ? ' (dry run)' : '';
  return `> ${t !== undefined ? formatClock(t, style) : '?'} ${esc(a.action)} ${esc(a.profile)}${dry}${a.operator ? ` by ${esc(a.operator)}` : ''}${a.outcome ? `, ${esc(a.outcome)}` : ''}`;
}

/**
 * The histogram's lines (a title, a legend, one row per bucket), or none when no dated denial was
 * read. `esc` makes a journal string safe for the medium.
 */
export function histogramLines(t: Timeline, style: TimeStyle, esc: Esc): string[] {
  const series = t.rates;
  if (!series || series.first === undefined || series.last === undefined) return [];
  const actions = t.actions.filter((a) => actionTime(a) !== undefined);
  const times = actions.map((a) => actionTime(a)!);
  const from = Math.min(series.first, ...times);
  const to = Math.max(series.last, ...times);
  const b = bucketize(series, from, to, HISTOGRAM_MAX_ROWS, 60_000);
  const totals = b.counts.map(sum);
  const max = Math.max(...totals);
  const days = formatDate(b.from, style) !== formatDate(b.from + (b.counts.length - 1) * b.stepMs, style);
  const clock = (ms: number) => {
    const c = formatClock(ms, style).slice(0, 5);
    return days ? `${formatDate(ms, style).slice(5)} ${c}` : c;
  };
  const present = RATE_VERDICTS.filter((_v, i) => b.counts.some((c) => c[i] > 0));
  const legend = present.map((v) => `${VERDICT_BAR_GLYPH[v]} ${verdictLabel(v)}`);
  if (actions.length) legend.push('> operator action');
  const out = [`Denials per ${stepLabel(b.stepMs)} (${legend.join(', ')})`];
  if (!b.complete) out.push('(the counts kept no longer reach back to the start at this step: early rows are undercounted)');
  const width = String(max).length;
  b.counts.forEach((c, i) => {
    const start = b.from + i * b.stepMs;
    const end = start + b.stepMs;
    const here = actions.filter((a) => actionTime(a)! >= start && actionTime(a)! < end);
    const bar = verdictBar(c, max, HISTOGRAM_BAR).padEnd(HISTOGRAM_BAR);
    const marks = here.map((a) => actionText(a, style, esc)).join('; ');
    out.push(`${clock(start)}  ${bar} ${String(totals[i]).padStart(width)}${marks ? `  ${marks}` : ''}`.trimEnd());
  });
  if (series.undated) out.push(`(${series.undated} undated record${series.undated === 1 ? '' : 's'} not placed)`);
  return out;
}
