// The pure shape-over-time logic: bucket sizes by span, levels of counts, scaling, glyphs, marks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateHistory, seriesOf } from '../../src/model/rate-history.js';
import { attackSpan, barGlyph, bucketize, bucketRoom, peakPerMinute, sparkline, stepFor, stepLabel, stripCells, verdictBar } from '../../src/outputs/sparkline.js';

const T0 = Date.UTC(2026, 10, 22, 3, 0, 0);
const S = 1000;
const M = 60 * S;

test('the bucket size follows the span: seconds for a burst, minutes for an hour, hours for days', () => {
  assert.equal(stepFor(T0, T0 + 30 * S, 40), S);
  assert.equal(stepFor(T0, T0 + 10 * M - S, 40), 15 * S);
  assert.equal(stepFor(T0, T0 + 10 * M, 40), 30 * S, 'the bucket holding the end counts too');
  assert.equal(stepFor(T0, T0 + 60 * M, 40), 2 * M);
  assert.equal(stepFor(T0, T0 + 3 * 24 * 60 * M, 40), 2 * 60 * M);
  assert.equal(stepFor(T0, T0 + 10 * M, 40, M), M, 'a minimum step (the timeline counts per minute at least)');
  // aligned buckets: a range crossing a boundary needs one more
  assert.equal(stepFor(T0 + 59 * S, T0 + 61 * S, 2), 2 * S, '3 s across a boundary: two aligned 2 s buckets');
  assert.deepEqual(['1s', '15s', '2m', '1h', '2d'], [S, 15 * S, 2 * M, 60 * M, 48 * 60 * M].map(stepLabel));
});

test('bucketize counts each record once, by verdict, in aligned buckets', () => {
  const h = new RateHistory();
  h.add(T0 + 5 * S, 'missing-rule');
  h.add(T0 + 70 * S, 'likely-attack');
  h.add(T0 + 75 * S, 'missing-rule');
  h.add(undefined, 'missing-rule');
  const b = bucketize(h.series(), T0 + 5 * S, T0 + 75 * S, 10);
  assert.equal(b.stepMs, 10 * S);
  assert.equal(b.from, T0);
  assert.equal(b.counts.length, 8);
  assert.deepEqual(b.counts[0], [0, 0, 1, 0, 0]);
  assert.deepEqual(b.counts[7], [1, 0, 1, 0, 0]);
  assert.equal(
    b.counts.flat().reduce((a, x) => a + x, 0),
    3,
    'the undated record is not placed',
  );
  assert.equal(h.series().undated, 1);
  assert.ok(b.complete);
});

test('old seconds are let go; the minute level still answers for them, and says when nothing covers the start', () => {
  const h = new RateHistory();
  h.add(T0, 'likely-attack');
  h.add(T0 + 3 * 60 * M, 'info');
  const s = h.series();
  assert.ok(s.levels[0].coversFrom > T0, 'the seconds level no longer covers the start');
  const b = bucketize(s, T0, T0 + 3 * 60 * M, 200);
  assert.equal(b.stepMs, M, 'per minute: the finest level that still reaches back');
  assert.deepEqual(b.counts[0], [1, 0, 0, 0, 0]);
  assert.ok(b.complete);
  // memory stays bounded: a day of one record per second keeps at most ~half an hour of seconds
  const flood = new RateHistory();
  for (let i = 0; i < 24 * 3600; i += 1) flood.add(T0 + i * S, 'missing-rule');
  const f = flood.series();
  assert.ok(f.levels[0].keys.length <= 1800 * 1.2, `seconds kept: ${f.levels[0].keys.length}`);
  assert.equal(f.total, 24 * 3600);
  const whole = bucketize(f, T0, T0 + 24 * 3600 * S, 48);
  assert.equal(
    whole.counts.flat().reduce((a, x) => a + x, 0),
    24 * 3600,
    'every record counted at the coarse step',
  );
});

test('glyphs scale to the largest bucket; one record is never invisible; none is a space', () => {
  assert.equal(barGlyph(0, 10), ' ');
  assert.equal(barGlyph(1, 1000), '▁');
  assert.equal(barGlyph(1000, 1000), '█');
  assert.equal(sparkline([0, 1, 4, 8, 2]), ' ▁▄█▂');
});

test('the strip marks actions before the bucket they fell in, colours attack buckets, keeps the newest when too wide', () => {
  const series = seriesOf(
    [
      { t: T0, v: 'missing-rule' },
      { t: T0 + 2 * S, v: 'likely-attack' },
      { t: T0 + 2 * S, v: 'likely-attack' },
      { t: T0 + 4 * S, v: 'missing-rule' },
    ],
    (x) => x.t,
    (x) => x.v,
  );
  const b = bucketize(series, T0, T0 + 4 * S, 5);
  const cells = stripCells(b, [T0 + 3 * S + 500], 10);
  assert.equal(cells.map((c) => c.glyph).join(''), '▄ █│ ▄');
  assert.deepEqual(
    cells.map((c) => c.attack),
    [false, false, true, false, false, false],
  );
  assert.equal(cells[3].action, true);
  assert.equal(
    stripCells(b, [T0 + 3 * S], 3)
      .map((c) => c.glyph)
      .join(''),
    '│ ▄',
    'the oldest cells go first',
  );
  assert.deepEqual(attackSpan(b), { from: T0 + 2 * S, to: T0 + 3 * S });
  assert.equal(peakPerMinute(b), 120, '2 in one second is 120 a minute');
  assert.equal(bucketRoom(40, 2), 38);
});

test('the text histogram bar is split by verdict with a glyph each, every verdict present at least one cell', () => {
  assert.equal(verdictBar([2, 0, 2, 0, 0], 4, 8), '!!!!++++');
  assert.equal(verdictBar([1, 0, 99, 0, 0], 100, 10), '!+++++++++');
  assert.equal(verdictBar([0, 0, 0, 0, 0], 4, 8), '');
  assert.equal(verdictBar([0, 0, 1, 0, 0], 100, 10), '+', 'a small bucket still shows');
});
