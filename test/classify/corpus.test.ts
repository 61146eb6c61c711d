/**
 * Robustness: every record of libapparmor's own parser corpus (odd kernels, hex names, dbus,
 * namespaces, signals, ptrace, mounts ...) classifies without throwing, denials get a verdict that
 * is not info, every reason is a non-empty sentence, and no suggested rule widens past its path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClassifier } from '../../src/classify/index.js';
import { isDenial, type AppArmorRecord } from '../../src/model/record.js';
import { LineParser } from '../../src/parse/line-parser.js';
import { loadFixtureIndex } from './helpers.js';

const cases = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'libapparmor', 'cases.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { case: string; in: string });

test('the libapparmor corpus classifies without surprises, with and without a profile index', async () => {
  const { index } = await loadFixtureIndex();
  for (const idx of [index, undefined]) {
    const c = createClassifier(idx, { profileProblems: idx ? [] : ['/etc/apparmor.d: not found'] });
    let denials = 0;
    for (const k of cases) {
      const recs: AppArmorRecord[] = [];
      const p = new LineParser(k.case, { record: (r) => recs.push(r), unparsable: () => {}, loss: () => {} }, { year: 2026 });
      for (const line of k.in.split('\n')) p.push(line);
      p.end();
      for (const r of recs) {
        const got = c.classify(r);
        assert.ok(got.reasons.length > 0 && got.reasons.every((x) => typeof x === 'string' && x.length > 10), `${k.case}: reasons`);
        assert.ok(!got.reasons.some((x) => x.includes('\u0001')), `${k.case}: the pid placeholder leaked`);
        if (isDenial(r)) {
          denials++;
          assert.notEqual(got.verdict, 'info', k.case);
          assert.ok(got.suggestion, `${k.case}: a denial gets a suggestion`);
          if (got.verdict === 'likely-attack') assert.equal(got.suggestion!.kind, 'respond', k.case);
          // no profile here declares these names, so no neighbour glob applies: a wildcard could only come from the log
          for (const rule of got.suggestion!.rules ?? []) assert.ok(!/[*?]/.test(rule.replace(/\\./g, '')), `${k.case}: ${rule}`);
        } else assert.equal(got.verdict, 'info', k.case);
      }
    }
    assert.ok(denials > 50, `the corpus has denials (${denials})`);
  }
});
