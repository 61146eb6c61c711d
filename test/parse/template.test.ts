/**
 * The record templates (src/parse/template.ts) on lines built to share a lookup key: the key is
 * hashed from a sample of the line, so lines that differ only where the sample does not look are
 * chained under one key. Each must still be served from its own template, and read as the
 * one-pass parser reads it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppArmorRecord } from '../../src/model/record.js';
import { parseFastRecord } from '../../src/parse/fast-record.js';
import { findBody } from '../../src/parse/line-parser.js';
import { TemplateCache } from '../../src/parse/template.js';

const CLOCK = { bootTime: 1_795_305_600_000 };

function line(name: string, n: number): string {
  return `[10800.${String(n).padStart(6, '0')}] audit: type=1400 audit(1795316400.${String(n % 1000).padStart(3, '0')}:${4000 + n}): apparmor="DENIED" operation="open" profile="/usr/sbin/nginx" name="${name}" pid=${300 + (n % 3)} comm="nginx" requested_mask="r" denied_mask="r" fsuid=33 ouid=0`;
}

function parsed(l: string, n: number): AppArmorRecord {
  return parseFastRecord(l, findBody(l), { name: 't', line: n }, CLOCK, {})!;
}

function said(r: AppArmorRecord): string {
  return JSON.stringify([r.kind, r.fields, r.undecoded ?? null, r.time, r.uptime, r.serial, r.auditId, r.carrier, r.auditType, r.source, r.raw]);
}

/** Names that differ in one character, at each of four neighbouring places: whatever the sample's
 * step, some of them differ only where it does not look. */
function neighbours(count: number): string[] {
  const names: string[] = [];
  for (let at = 0; at < 4; at++) {
    for (let k = 0; k < count; k++) {
      const chars = [...'/srv/www/cache/0000/index.html'];
      chars[15 + at] = String(k + 1);
      names.push(chars.join(''));
    }
  }
  return names;
}

/** Each name's line read in rounds (a template is learnt from a line met again); the hits of each round. */
function hitsByRound(names: string[], rounds: number): number[] {
  const cache = new TemplateCache();
  let n = 0;
  const hits: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const before = cache.hits;
    for (const name of names) {
      const l = line(name, ++n);
      const body = findBody(l);
      const src = { name: 't', line: n };
      const known = cache.match(l, body, src, CLOCK);
      if (known !== undefined) assert.equal(said(known), said(parsed(l, n)), `from its template: ${name}`);
      else cache.learn(l, body, parsed(l, n));
    }
    hits.push(cache.hits - before);
  }
  return hits;
}

function thirdRoundHits(names: string[]): number {
  return hitsByRound(names, 3)[2];
}

test('lines that differ in one character where the key does not look: each served from its own template, read as the parser reads it', () => {
  // four at each place: with the sample's two characters in four, the eight of two places share a key
  const names = neighbours(4);
  assert.equal(thirdRoundHits(names), names.length, 'every line of the third round came from a template');
});

test('more lines sharing a key than a chain keeps: still read as the parser reads them', () => {
  // ten variants at each place: a key shared by more lines than a chain holds drops its oldest
  const names = neighbours(10);
  const hits = thirdRoundHits(names);
  assert.ok(hits > 0 && hits <= names.length, `hits ${hits}`);
});

test('a line met once leaves no template behind, however like it the lines before it were', () => {
  // the second round meets each line a second time: only then may its template be learnt, so the
  // second round has no hits (taking the sample for the line, the first round learnt templates
  // from lines that differ from one met before in a character the sample skips)
  const names = neighbours(4);
  assert.deepEqual(hitsByRound(names, 3), [0, 0, names.length]);
});

test('a name whose hex is not UTF-8: a record from its template keeps the hex as the line gave it', () => {
  // the decoded name shows the byte as \xbc, which a real name could hold too: only the hex tells them apart
  const cache = new TemplateCache();
  let from = 0;
  for (let n = 1; n <= 6; n++) {
    const l = line('/srv/www/index.html', n).replace(/name="[^"]*"/, 'name=2F746D702F66BC2E747874');
    const body = findBody(l);
    const known = cache.match(l, body, { name: 't', line: n }, CLOCK);
    const want = parsed(l, n);
    assert.deepEqual(want.undecoded, { name: '2F746D702F66BC2E747874' });
    if (known === undefined) cache.learn(l, body, want);
    else {
      from++;
      assert.equal(said(known), said(want));
    }
  }
  assert.ok(from >= 3, `records from the template: ${from}`);
});

test('dropped (an idle view): every template forgotten, and learnt again from lines met twice', () => {
  const cache = new TemplateCache();
  const names = neighbours(2);
  let n = 0;
  const round = () => {
    const before = cache.hits;
    for (const name of names) {
      const l = line(name, ++n);
      const body = findBody(l);
      const known = cache.match(l, body, { name: 't', line: n }, CLOCK);
      if (known !== undefined) assert.equal(said(known), said(parsed(l, n)));
      else cache.learn(l, body, parsed(l, n));
    }
    return cache.hits - before;
  };
  assert.deepEqual([round(), round(), round()], [0, 0, names.length]);
  cache.drop();
  // nothing served after the drop, nothing learnt from a line met once before it
  assert.deepEqual([round(), round(), round()], [0, 0, names.length]);
});
