/**
 * Every rule aa-triage would suggest for a record of the fixtures compiles with apparmor_parser:
 * the real-world corpus, libapparmor's own test cases, the kernel captures, the demo and generated
 * logs, each record's rule taken whatever its verdict (a rule shown is one a user may paste).
 * Runs where apparmor_parser is installed (with tunables/global under its base), skipped elsewhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatherFacts } from '../../src/classify/facts.js';
import { missingRuleSuggestion } from '../../src/classify/suggest.js';
import { isDenial } from '../../src/model/record.js';
import { findParser, ParserCheck } from '../../scripts/eval/rule-check.js';
import { fixtureRecords } from './helpers.js';

test('every rule suggested for a fixture record compiles with apparmor_parser', (t) => {
  const found = findParser();
  if (!found) {
    t.skip('apparmor_parser (or tunables/global under its base) is not installed');
    return;
  }
  const rules = new Set<string>();
  for (const r of fixtureRecords()) {
    if (!isDenial(r)) continue;
    for (const rule of missingRuleSuggestion(gatherFacts(r, undefined), { signals: [], neighbours: [] }, undefined).rules ?? []) rules.add(rule);
  }
  assert.ok(rules.size > 300, `rules suggested: ${rules.size}`);
  const parser = new ParserCheck(found);
  try {
    parser.prime([...rules]);
    const rejected = [...rules].filter((rule) => parser.parses(rule) === false);
    assert.deepEqual(rejected, [], 'rules apparmor_parser rejects');
  } finally {
    parser.close();
  }
});
