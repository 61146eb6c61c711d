/**
 * The shape of a stream over time, for people who would rather look than read: counts put into
 * time buckets whose size follows the span (seconds for a burst, hours for a week), scaled to the
 * width, drawn with block glyphs; operator actions placed on the same axis. Pure: the TUI's strips
 * and the timeline's histogram only draw what this computes.
 */
import { RATE_VERDICTS, type RateSeries } from '../model/rate-history.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
/** Bucket sizes a reader can count in. */
export const NICE_STEPS_MS = [S, 2 * S, 5 * S, 10 * S, 15 * S, 30 * S, M, 2 * M, 5 * M, 10 * M, 15 * M, 30 * M, H, 2 * H, 3 * H, 6 * H, 12 * H, D, 2 * D, 7 * D, 14 * D, 28 * D];

/** The smallest nice step (at least `minStep`) that puts [from, to] into at most `maxBuckets` buckets aligned on the step. */
export function stepFor(from: number, to: number, maxBuckets: number, minStep = S): number {
  const n = Math.max(1, maxBuckets);
  for (const step of NICE_STEPS_MS) {
    if (step < minStep) continue;
    if (Math.floor(to / step) - Math.floor(from / step) + 1 <= n) return step;
  }
  // beyond every nice step: whole multiples of the largest
  const big = NICE_STEPS_MS[NICE_STEPS_MS.length - 1];
  let step = big;
  while (Math.floor(to / step) - Math.floor(from / step) + 1 > n) step += big;
  return step;
}

/** A step as people say it: `10s`, `5m`, `1h`, `2d`. */
export function stepLabel(step: number): string {
  if (step % D === 0) return `${step / D}d`;
  if (step % H === 0) return `${step / H}h`;
  if (step % M === 0) return `${step / M}m`;
  return `${Math.round(step / S)}s`;
}

export interface Buckets {
  /** Start of the first bucket (a multiple of step). */
  from: number;
  stepMs: number;
  /** Per bucket, the count per verdict (RATE_VERDICTS order). */
  counts: number[][];
  /** False when the finest counts kept no longer reach back to `from` at this step (the start is undercounted). */
  complete: boolean;
}

/**
 * The series' counts in buckets of a nice step covering [from, to]: at most `maxBuckets`. The
 * finest level that covers `from` and divides the step answers; failing that, the coarsest.
 */
export function bucketize(series: RateSeries, from: number, to: number, maxBuckets: number, minStep = S): Buckets {
  const lo = Math.min(from, to);
  const hi = Math.max(from, to);
  let step = stepFor(lo, hi, maxBuckets, minStep);
  const start = Math.floor(lo / step) * step;
  const usable = series.levels.filter((l) => step % l.stepMs === 0);
  let level = usable.find((l) => l.coversFrom <= start);
  const complete = level !== undefined || usable.length === 0;
  level ??= usable[usable.length - 1];
  if (!level && series.levels.length) {
    // no level divides the step (it cannot happen with the standard levels): the coarsest, its own step
    level = series.levels[series.levels.length - 1];
    step = Math.max(step, level.stepMs);
  }
  const n = Math.floor(hi / step) - Math.floor(start / step) + 1;
  const counts = Array.from({ length: n }, () => new Array<number>(RATE_VERDICTS.length).fill(0));
  if (level) {
    const w = RATE_VERDICTS.length;
    const oldest = Math.floor(level.coversFrom / level.stepMs);
    for (let i = 0; i < level.keys.length; i++) {
      const key = level.keys[i];
      if (key < oldest && complete) continue;
      const t = key * level.stepMs;
      if (t < start || t > hi) continue;
      const b = Math.floor((t - start) / step);
      if (b < 0 || b >= n) continue;
      for (let j = 0; j < w; j++) counts[b][j] += level.counts[i * w + j];
    }
  }
  return { from: start, stepMs: step, counts, complete };
}

export const sum = (c: number[]): number => c.reduce((a, b) => a + b, 0);

/** Eighths of a cell, lowest first. */
export const BAR_GLYPHS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** The glyph for `value` on a scale up to `max`: a space for none, never invisible for one. */
export function barGlyph(value: number, max: number): string {
  if (value <= 0 || max <= 0) return ' ';
  const level = Math.ceil((value / max) * BAR_GLYPHS.length) - 1;
  return BAR_GLYPHS[Math.max(0, Math.min(BAR_GLYPHS.length - 1, level))];
}

/** One glyph per value, scaled to the largest (or to `max`). */
export function sparkline(values: number[], max = Math.max(0, ...values)): string {
  return values.map((v) => barGlyph(v, max)).join('');
}

/** The bucket index of each time inside the buckets (times outside are left out), in order, once each. */
export function bucketsOf(times: number[], b: Pick<Buckets, 'from' | 'stepMs' | 'counts'>): number[] {
  const out = new Set<number>();
  for (const t of times) {
    const i = Math.floor((t - b.from) / b.stepMs);
    if (i >= 0 && i < b.counts.length) out.add(i);
  }
  return [...out].sort((a, z) => a - z);
}

/** Where the operator acted: drawn between bars, before the bucket the action fell in. */
export const ACTION_GLYPH = '│';

export interface StripCell {
  glyph: string;
  /** The bucket has likely attacks (drawn in their colour). */
  attack: boolean;
  action: boolean;
  /** Index of the bucket (undefined for an action mark). */
  bucket?: number;
}

/**
 * The strip's cells: one bar per bucket, an action mark inserted before each bucket an action fell
 * in. At most `width` cells: when the marks make it wider, the oldest cells go.
 */
export function stripCells(b: Buckets, actionTimes: number[], width: number): StripCell[] {
  const totals = b.counts.map(sum);
  const max = Math.max(0, ...totals);
  const marks = new Set(bucketsOf(actionTimes, b));
  const cells: StripCell[] = [];
  b.counts.forEach((c, i) => {
    if (marks.has(i)) cells.push({ glyph: ACTION_GLYPH, attack: false, action: true });
    cells.push({ glyph: barGlyph(totals[i], max), attack: c[0] > 0, action: false, bucket: i });
  });
  return cells.length > width ? cells.slice(cells.length - Math.max(0, width)) : cells;
}

/** How many buckets fit `width` cells with room for the action marks in the range. */
export function bucketRoom(width: number, actions: number): number {
  return Math.max(1, width - Math.min(actions, Math.floor(width / 4)));
}

/** The fullest bucket as a rate per minute (a bucket shorter than a minute is extrapolated). */
export function peakPerMinute(b: Buckets): number {
  const max = Math.max(0, ...b.counts.map(sum));
  return Math.round((max * M) / b.stepMs);
}

/** First and last bucket (start times) with likely attacks, if any. */
export function attackSpan(b: Buckets): { from: number; to: number } | undefined {
  let first: number | undefined;
  let last: number | undefined;
  b.counts.forEach((c, i) => {
    if (c[0] > 0) {
      first ??= i;
      last = i;
    }
  });
  return first === undefined ? undefined : { from: b.from + first * b.stepMs, to: b.from + (last! + 1) * b.stepMs };
}

/** Glyph for each verdict in the text histogram, where there is no colour: the verdict labels' glyphs. */
export const VERDICT_BAR_GLYPH: Record<string, string> = { 'likely-attack': '!', unclear: '~', 'missing-rule': '+', info: 'i', unclassified: '?' };

/**
 * A horizontal bar of `total * width / max` cells, split by verdict in RATE_VERDICTS order, each
 * part drawn with its verdict's glyph; a verdict with any records gets at least one cell.
 */
export function verdictBar(counts: number[], max: number, width: number): string {
  const total = sum(counts);
  if (total <= 0 || max <= 0 || width <= 0) return '';
  const cellsFor = Math.max(1, Math.round((total / max) * width));
  const parts = counts.map((c) => (c > 0 ? Math.max(1, Math.round((c / total) * cellsFor)) : 0));
  // rounding and the one-cell minimum can overshoot: take from the largest part
  while (sum(parts) > Math.max(cellsFor, parts.filter((p) => p > 0).length)) {
    const i = parts.indexOf(Math.max(...parts));
    parts[i]--;
  }
  return parts.map((p, i) => VERDICT_BAR_GLYPH[RATE_VERDICTS[i]].repeat(p)).join('');
}
