/**
 * The real-world corpus (test/fixtures/realworld: lines people posted publicly, and the attack set)
 * scored through the product's own parse + classify path without profiles, as `npm run
 * eval:classify` prints it. The figures are pinned at the values reached, so a change that makes the
 * classifier worse on real traffic fails here; raise them when it gets better.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCorpus } from '../../scripts/eval/corpus.js';
import { findParser, ParserCheck } from '../../scripts/eval/rule-check.js';
import { figures, rate, scoreWithoutProfiles, scoreWithProfiles, type Figures } from '../../scripts/eval/score.js';

/** Reached on the corpus as committed; the targets are <= 2 %, <= 20 %, >= 75 %, 100 %, >= 90 % (the false alarms,
 * 21 of 1,004 in all and 8 of 211 in the held-out threads, are above the first: see docs/classification.md). */
const PINNED = {
  all: { benignAttack: 0.022, benignUnclear: 0.074, benignMissing: 0.902, rulesMinimal: 1, unparsed: 3 },
  heldOut: { benignAttack: 0.038, benignUnclear: 0.15, benignMissing: 0.803, rulesMinimal: 1, unparsed: 2 },
};

const corpus = loadCorpus();

function holds(f: Figures, pin: (typeof PINNED)['all'], what: string): void {
  assert.ok(rate(f.benignAttack, f.benign) <= pin.benignAttack, `${what}: benign called likely-attack ${f.benignAttack}/${f.benign}`);
  assert.ok(rate(f.benignUnclear, f.benign) <= pin.benignUnclear, `${what}: benign called unclear ${f.benignUnclear}/${f.benign}`);
  assert.ok(rate(f.benignMissing, f.benign) >= pin.benignMissing, `${what}: benign called missing-rule ${f.benignMissing}/${f.benign}`);
  assert.equal(f.attacksCaught, f.attacks, `${what}: every attack line is called likely-attack`);
  assert.equal(f.attacksAsMissing, 0, `${what}: no attack is called a missing rule`);
  assert.ok(rate(f.rulesMinimal, f.rules) >= pin.rulesMinimal, `${what}: suggested rules valid and minimal ${f.rulesMinimal}/${f.rules}`);
  assert.equal(f.nonDenialsInfo, f.nonDenials, `${what}: STATUS and other non-denials are info`);
  assert.ok(f.unparsed <= pin.unparsed, `${what}: lines that give no record: ${f.unparsed}`);
}

test('the corpus is what the figures claim: public lines from many threads, every record class, an attack set', () => {
  const pub = corpus.filter((c) => c.set === 'public');
  assert.ok(pub.length >= 250, `public lines: ${pub.length}`);
  assert.ok(new Set(pub.map((c) => c.url)).size >= 80, 'threads');
  for (const cls of ['file', 'exec', 'mmap', 'capability', 'network', 'unix', 'signal', 'ptrace', 'dbus', 'mount', 'userns', 'change_profile', 'status']) {
    assert.ok(
      pub.some((c) => c.class === cls),
      `class ${cls}`,
    );
  }
  assert.ok(
    corpus.some((c) => c.set === 'attack'),
    'attack set',
  );
  for (const c of corpus) assert.ok(c.url && c.why && c.label, `url, label and why on every line: ${c.line}`);
});

test('without profiles: benign lines rarely alarm, mostly come out as missing rules; every attack is caught', async () => {
  const scored = await scoreWithoutProfiles(corpus);
  holds(figures(scored), PINNED.all, 'all lines');
  holds(figures(scored.filter((s) => s.held)), PINNED.heldOut, 'held-out threads');
  // calibration: a likely-attack or missing-rule verdict given with confidence c is right at least about c of the time
  for (const b of figures(scored).calibration) if (b.n >= 10) assert.ok(rate(b.right, b.n) >= b.from, `bucket [${b.from}, ${b.to}): ${b.right}/${b.n}`);
});

test('with the profiles the threads show, attacks are still caught', async () => {
  const scored = await scoreWithProfiles(corpus);
  const f = figures(scored);
  assert.equal(f.attacksCaught, f.attacks);
  assert.equal(f.attacksAsMissing, 0);
});

test('suggested rules compile with apparmor_parser', async (t) => {
  const found = findParser();
  if (!found) {
    t.skip('apparmor_parser (or tunables/global under its base) is not installed');
    return;
  }
  const parser = new ParserCheck(found);
  try {
    const f = figures(await scoreWithoutProfiles(corpus, parser));
    assert.equal(f.rulesParseOk, f.rulesParsed, `${f.rulesParsed - f.rulesParseOk} rules rejected`);
  } finally {
    parser.close();
  }
});
