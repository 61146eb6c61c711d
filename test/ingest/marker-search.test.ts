import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MarkerSearch } from '../../src/ingest/marker-search.js';
import { LINE_MARKERS } from '../../src/parse/markers.js';
import { prng } from '../../bench/generate.mjs';

/** The plain search the marker search stands in for: each marker looked for on its own, the first taken. */
function plainFind(buf: Buffer, markers: readonly string[], from: number, end: number): number {
  let best = -1;
  for (const m of markers) {
    const i = buf.subarray(0, end).indexOf(m, from, 'latin1');
    if (i >= 0 && (best < 0 || i < best)) best = i;
  }
  return best;
}

/** Every match from the start, each search starting one byte past the last match. */
function allMatches(find: (from: number) => number, length: number): number[] {
  const out: number[] = [];
  for (let from = 0; from < length;) {
    const i = find(from);
    if (i < 0) break;
    out.push(i);
    from = i + 1;
  }
  return out;
}

describe('MarkerSearch', () => {
  const search = new MarkerSearch(LINE_MARKERS);

  it('finds what a search per marker finds, in every fixture log', () => {
    const dir = join(import.meta.dirname, '..', 'fixtures');
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(dir);
    let matches = 0;
    for (const f of files) {
      const buf = readFileSync(f);
      const fast = allMatches((from) => search.find(buf, from, buf.length), buf.length);
      assert.deepEqual(
        fast,
        allMatches((from) => plainFind(buf, LINE_MARKERS, from, buf.length), buf.length),
        f,
      );
      matches += fast.length;
    }
    assert.ok(matches > 100, `the fixtures hold markers (${matches})`);
  });

  it('finds what a search per marker finds in random text full of near misses, whatever the range', () => {
    const rand = prng(7);
    // pieces of markers, whole markers, letters and the bytes around them
    const pieces = [
      ...LINE_MARKERS,
      ...LINE_MARKERS.map((m) => m.slice(0, 1 + Math.floor(m.length / 2))),
      ...LINE_MARKERS.map((m) => m.slice(2)),
      'a',
      'r',
      '=',
      ' ',
      'audit',
      'pparmor',
      '\n',
      'xxxxxxx',
    ];
    for (let round = 0; round < 300; round++) {
      let text = '';
      while (text.length < 50 + round * 3) text += pieces[Math.floor(rand() * pieces.length)];
      const buf = Buffer.from(text, 'latin1');
      const from = Math.floor(rand() * 20);
      const end = buf.length - Math.floor(rand() * 20);
      for (let f = from; f < end; f += 1 + Math.floor(rand() * 9)) {
        assert.equal(search.find(buf, f, end), plainFind(buf, LINE_MARKERS, f, end), `round ${round}, from ${f}, end ${end}`);
      }
    }
  });

  it('never reports a marker that runs past the end of the range', () => {
    const buf = Buffer.from('xx apparmor="DENIED" yy', 'latin1');
    assert.equal(search.find(buf, 0, buf.length), 3);
    assert.equal(search.find(buf, 0, 3 + 'apparmor='.length), 3);
    assert.equal(search.find(buf, 0, 3 + 'apparmor='.length - 1), -1);
    assert.equal(search.find(buf, 4, buf.length), -1);
  });
});
