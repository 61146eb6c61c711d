import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateHistory, RATE_VERDICTS, rateVerdictIndex, type RateSeries } from '../../src/model/rate-history.js';

const LEVELS = [
  { stepMs: 1000, keep: 1800 },
  { stepMs: 60_000, keep: 7 * 24 * 60 },
  { stepMs: 3_600_000, keep: 200_000 },
];

/** The counts the plain way: every record looked up at every level (what RateHistory.add shortcuts for a record of the same second). */
function plainSeries(records: [number | undefined, string][]): RateSeries {
  const maps = LEVELS.map(() => new Map<number, number[]>());
  let first: number | undefined;
  let last: number | undefined;
  let undated = 0;
  for (const [time, verdict] of records) {
    if (time === undefined || !Number.isFinite(time)) {
      undated++;
      continue;
    }
    if (first === undefined || time < first) first = time;
    if (last === undefined || time > last) last = time;
    LEVELS.forEach((level, i) => {
      const key = Math.floor(time / level.stepMs);
      const newest = Math.floor(last! / level.stepMs);
      if (newest - key >= level.keep) return;
      let c = maps[i].get(key);
      if (!c) {
        c = new Array<number>(RATE_VERDICTS.length).fill(0);
        maps[i].set(key, c);
        if (maps[i].size > level.keep + (level.keep >> 3)) for (const k of maps[i].keys()) if (k <= newest - level.keep) maps[i].delete(k);
      }
      c[rateVerdictIndex(verdict)]++;
    });
  }
  const levels = LEVELS.map((level, i) => {
    const keys: number[] = [];
    const counts: number[] = [];
    for (const [k, c] of maps[i]) {
      keys.push(k);
      counts.push(...c);
    }
    const newest = last === undefined ? 0 : Math.floor(last / level.stepMs);
    return { stepMs: level.stepMs, coversFrom: (newest - level.keep + 1) * level.stepMs, keys, counts };
  });
  return { levels, first, last, undated, total: records.length };
}

test('counting a record of the same second without lookups counts what the plain way counts: floods, gaps, late and far-past records', () => {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const verdicts = [...RATE_VERDICTS, undefined, 'other'];
  for (let run = 0; run < 60; run++) {
    const records: [number | undefined, string][] = [];
    let t = 1_795_316_400_000 + Math.floor(rand() * 5000);
    const n = 200 + Math.floor(rand() * 3000);
    for (let i = 0; i < n; i++) {
      const r = rand();
      // mostly forward within a second (a flood), sometimes a jump, a late record, a far-past one, no time
      if (r < 0.75) t += Math.floor(rand() * 40);
      else if (r < 0.85) t += Math.floor(rand() * 4000);
      else if (r < 0.9) t += Math.floor(rand() * 3_600_000 * (run % 3 === 0 ? 50 : 1));
      const time = r < 0.93 ? t : r < 0.96 ? t - Math.floor(rand() * 3000) : r < 0.98 ? t - 1_000_000_000 * rand() : rand() < 0.5 ? undefined : Number.NaN;
      records.push([time === undefined ? undefined : Math.floor(time), verdicts[Math.floor(rand() * verdicts.length)] as string]);
    }
    const h = new RateHistory();
    for (const [time, v] of records) h.add(time, v);
    const got = h.series();
    const want = plainSeries(records);
    assert.deepEqual({ ...got, levels: got.levels.map((l) => ({ ...l })) }, want, `run ${run}`);
  }
});
