/**
 * The benchmark's log generator: deterministic, the AppArmor share it was asked for, and every
 * record it writes is one aa-triage parses (so the benchmark measures parsing, not rejects).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CARRIERS, generate, generateFile } from '../../bench/generate.mjs';
import { ingestInputs } from '../../src/pipeline/saved-inputs.js';

function text(carrier: (typeof CARRIERS)[number], lines: number, seed = 1, share = 0.2): { out: string; records: number; lines: number } {
  let out = '';
  const r = generate({ carrier, lines, seed, share }, (s) => (out += s));
  return { out, ...r };
}

test('the same options give the same bytes; another seed gives others', () => {
  for (const carrier of CARRIERS) {
    const a = text(carrier, 500);
    assert.equal(a.out, text(carrier, 500).out);
    assert.notEqual(a.out, text(carrier, 500, 2).out);
    assert.equal(a.out.split('\n').length - 1, 500, 'exactly the lines asked for');
  }
});

test('AppArmor records are the share of lines asked for, in every carrier', () => {
  for (const carrier of CARRIERS) {
    for (const share of [0.2, 0.5]) {
      const g = text(carrier, 20_000, 1, share);
      const withKey = g.out.split('\n').filter((l) => l.includes('apparmor=')).length;
      assert.equal(withKey, g.records, `${carrier}: the count it reports is the lines it wrote`);
      assert.ok(Math.abs(g.records / g.lines - share) < 0.02, `${carrier} share ${share}: got ${(g.records / g.lines).toFixed(3)}`);
    }
  }
});

test('every generated record parses, nothing is unparsable, and chatter yields no record', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'aa-gen-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const carrier of CARRIERS) {
    const path = join(dir, `${carrier}.log`);
    const g = generateFile({ carrier, lines: 5000 }, path);
    assert.equal(readFileSync(path, 'utf8').split('\n').length - 1, 5000);
    const counts = await ingestInputs([{ path, name: carrier }], () => {});
    assert.equal(counts.lines, 5000);
    assert.equal(counts.unparsable, 0, `${carrier}: ${JSON.stringify(counts.firstUnparsable[0])}`);
    assert.equal(counts.records + counts.duplicates, g.records, carrier);
  }
});
