/**
 * How many denials happened when, by verdict: the counts behind the sparklines and the timeline's
 * histogram. Records are never kept, only counts per second (the latest half hour), per minute
 * (the latest week) and per hour (everything), so memory stays bounded however long the stream
 * runs; a coarser level answers for a range the finer one no longer covers.
 */

/** The verdicts counted, in this order in every count array. */
export const RATE_VERDICTS = ['likely-attack', 'unclear', 'missing-rule', 'info', 'unclassified'] as const;
export type RateVerdict = (typeof RATE_VERDICTS)[number];
const WIDTH = RATE_VERDICTS.length;

export function rateVerdictIndex(v: string | undefined): number {
  const i = (RATE_VERDICTS as readonly string[]).indexOf(v ?? '');
  return i < 0 ? WIDTH - 1 : i;
}

/** One resolution of the counts: `keys[i]` is a time / stepMs, its counts are counts[i*5 .. i*5+4]. */
export interface RateLevel {
  stepMs: number;
  /** The earliest time whose records are all counted at this level (older ones were let go). */
  coversFrom: number;
  keys: number[];
  counts: number[];
}

export interface RateSeries {
  /** Finest first. */
  levels: RateLevel[];
  first?: number;
  last?: number;
  /** Records with no time: counted, never placed. */
  undated: number;
  total: number;
}

export const EMPTY_SERIES: RateSeries = { levels: [], undated: 0, total: 0 };

const LEVELS: { stepMs: number; keep: number }[] = [
  { stepMs: 1000, keep: 1800 },
  { stepMs: 60_000, keep: 7 * 24 * 60 },
  { stepMs: 3_600_000, keep: 200_000 },
];

export class RateHistory {
  private readonly maps = LEVELS.map(() => new Map<number, number[]>());
  private first?: number;
  private last?: number;
  private undated = 0;
  private total = 0;
  private cached?: RateSeries;
  /** The second (time / 1000) of the last dated record, and its counts at each level that counted it (see add). */
  private second = Number.NaN;
  private readonly secondCounts: number[][] = [];

  add(time: number | undefined, verdict: string | undefined): void {
    this.total++;
    this.cached = undefined;
    if (time === undefined || !Number.isFinite(time)) {
      this.undated++;
      return;
    }
    if (this.first === undefined || time < this.first) this.first = time;
    if (this.last === undefined || time > this.last) this.last = time;
    const v = rateVerdictIndex(verdict);
    // the second of the record counted before (a log is in time order, a flood brings many
    // records a second): each level's key is the same, and so is the newest second (a record of
    // another second came in between otherwise, and was counted here), hence which levels count
    // it; and their counts are still in the maps (only a new key prunes): no lookups
    const second = Math.floor(time / 1000);
    if (second === this.second) {
      const counts = this.secondCounts;
      for (let i = 0; i < counts.length; i++) counts[i][v]++;
      return;
    }
    this.secondCounts.length = 0;
    // a plain loop: this runs once per record on the hot path
    for (let i = 0; i < LEVELS.length; i++) {
      const level = LEVELS[i];
      const key = Math.floor(time / level.stepMs);
      const newest = Math.floor(this.last / level.stepMs);
      // too old for this level: a coarser one counts it
      if (newest - key >= level.keep) continue;
      const map = this.maps[i];
      let c = map.get(key);
      if (!c) {
        c = new Array<number>(WIDTH).fill(0);
        map.set(key, c);
        if (map.size > level.keep + (level.keep >> 3)) prune(map, newest - level.keep);
      }
      c[v]++;
      this.secondCounts.push(c);
    }
    this.second = second;
  }

  /** A copy of the counts (the same object until the next add). */
  series(): RateSeries {
    if (this.cached) return this.cached;
    const levels = LEVELS.map((level, i): RateLevel => {
      const map = this.maps[i];
      const keys: number[] = [];
      const counts: number[] = [];
      for (const [k, c] of map) {
        keys.push(k);
        for (let j = 0; j < WIDTH; j++) counts.push(c[j]);
      }
      const newest = this.last === undefined ? 0 : Math.floor(this.last / level.stepMs);
      const coversFrom = (newest - level.keep + 1) * level.stepMs;
      return { stepMs: level.stepMs, coversFrom, keys, counts };
    });
    this.cached = { levels, first: this.first, last: this.last, undated: this.undated, total: this.total };
    return this.cached;
  }
}

function prune(map: Map<number, number[]>, oldestKept: number): void {
  for (const k of map.keys()) if (k <= oldestKept) map.delete(k);
}

/** The counts of some records (a profile's, a denial group's) as a series. */
export function seriesOf<T>(items: Iterable<T>, time: (x: T) => number | undefined, verdict: (x: T) => string | undefined): RateSeries {
  const h = new RateHistory();
  for (const x of items) h.add(time(x), verdict(x));
  return h.series();
}
