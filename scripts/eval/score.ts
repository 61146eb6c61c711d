/**
 * Scores the classifier on the real-world corpus through the product's own path: each thread's lines
 * go through a LineParser and the enrichment step (profiles + classifier) in the order they were
 * posted, as if the thread's log were read by aa-triage. Without profiles the enrichment gets no
 * profile directory (an engineer with only the log); with profiles, a line whose thread shows the
 * profile is classified again against a temporary directory holding that text.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnrichment } from '../../src/classify/enrich.js';
import { createClassifier } from '../../src/classify/index.js';
import { loadProfileIndex } from '../../src/profiles/load.js';
import { isDenial, type AppArmorRecord, type Classification, type Verdict } from '../../src/model/record.js';
import { LineParser } from '../../src/parse/line-parser.js';
import { heldOut, type CorpusLine, type Label } from './corpus.js';
import { checkSuggestion, type ParserCheck, type RuleVerdict } from './rule-check.js';

export interface Scored {
  item: CorpusLine;
  held: boolean;
  record?: AppArmorRecord;
  /** `unparsed` when the line gave no record. */
  verdict: Verdict | 'unparsed';
  confidence: number;
  c?: Classification;
  denial: boolean;
  rule?: RuleVerdict;
}

function parseLines(lines: string[]): (AppArmorRecord | undefined)[] {
  // one parser per line: a thread's lines were posted one by one, some without carrier
  return lines.map((line) => {
    const recs: AppArmorRecord[] = [];
    const p = new LineParser('realworld', { record: (r) => recs.push(r), unparsable: () => {}, loss: () => {} }, { year: 2026 });
    for (const l of line.split('\n')) p.push(l);
    p.end();
    return recs.find((r) => r.fields.apparmor !== undefined || r.kind !== undefined);
  });
}

/** Classifies a thread's lines in order with one classifier (what one log read by aa-triage gives). */
async function classifyThread(items: CorpusLine[], dirs: string[]): Promise<{ record?: AppArmorRecord; c?: Classification }[]> {
  const en = await loadEnrichment(dirs);
  return parseLines(items.map((i) => i.line)).map((record) => {
    if (!record) return {};
    en.enrich(record);
    return { record, c: record.classification };
  });
}

function score(item: CorpusLine, got: { record?: AppArmorRecord; c?: Classification }, parser?: ParserCheck): Scored {
  const denial = !!got.record && isDenial(got.record);
  const out: Scored = { item, held: heldOut(item.url), record: got.record, verdict: got.c?.verdict ?? 'unparsed', confidence: got.c?.confidence ?? 0, c: got.c, denial };
  if (got.record && got.c && denial && item.label === 'missing-rule' && got.c.verdict === 'missing-rule') out.rule = checkSuggestion(got.c.suggestion, got.record, parser);
  return out;
}

function groupByThread(items: CorpusLine[]): CorpusLine[][] {
  const m = new Map<string, CorpusLine[]>();
  for (const i of items) {
    const k = `${i.set}\u0000${i.url}`;
    let g = m.get(k);
    if (!g) m.set(k, (g = []));
    g.push(i);
  }
  return [...m.values()];
}

/** Every line without profiles. */
export async function scoreWithoutProfiles(items: CorpusLine[], parser?: ParserCheck): Promise<Scored[]> {
  const done: [CorpusLine, { record?: AppArmorRecord; c?: Classification }][] = [];
  for (const g of groupByThread(items)) {
    const got = await classifyThread(g, []);
    g.forEach((item, i) => done.push([item, got[i]]));
  }
  // one parser run for every rule first; a rule is compiled alone only when the batch fails
  parser?.prime(done.flatMap(([, got]) => (got.c?.suggestion?.rules?.length === 1 ? got.c.suggestion.rules : [])));
  return done.map(([item, got]) => score(item, got, parser));
}

/** The lines whose thread shows the profile, each thread's lines against that profile text. */
export async function scoreWithProfiles(items: CorpusLine[], parser?: ParserCheck): Promise<Scored[]> {
  const out: Scored[] = [];
  for (const g of groupByThread(items.filter((i) => i.profile_text))) {
    const byText = new Map<string, CorpusLine[]>();
    for (const i of g) byText.set(i.profile_text!, [...(byText.get(i.profile_text!) ?? []), i]);
    for (const [text, lines] of byText) {
      const dir = mkdtempSync(join(tmpdir(), 'aa-eval-profiles-'));
      try {
        writeFileSync(join(dir, 'profile'), text);
        const got = await classifyThread(lines, [dir]);
        lines.forEach((item, i) => out.push(score(item, got[i], parser)));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  return out;
}

/**
 * The lines whose profile a directory of shipped policy declares (a distribution's /etc/apparmor.d,
 * as its packages install it: scripts/eval/shipped-profiles.sh), each thread's lines classified
 * against that policy in order. The policy is the distribution's current one, not the thread's
 * host's: an access the thread asked for may be allowed by now, and the right answer is then to
 * reload, not to add a rule.
 */
export async function scoreWithShipped(items: CorpusLine[], dir: string, parser?: ParserCheck): Promise<Scored[]> {
  const { index, problems } = await loadProfileIndex([dir]);
  const done: [CorpusLine, { record?: AppArmorRecord; c?: Classification }][] = [];
  for (const g of groupByThread(items)) {
    const records = parseLines(g.map((i) => i.line));
    const classifier = createClassifier(index, { profileProblems: problems });
    records.forEach((record, i) => {
      if (!record) return;
      // every line goes through the classifier (what came before shapes the sequence), only those
      // whose profile the policy declares are scored
      const c = classifier.classify(record);
      if (index.lookup(record.fields.profile ?? '') ?? index.lookup((record.fields.profile ?? '').split('//')[0])) done.push([g[i], { record, c }]);
    });
  }
  parser?.prime(done.flatMap(([, got]) => (got.c?.suggestion?.rules?.length === 1 ? got.c.suggestion.rules : [])));
  return done.map(([item, got]) => score(item, got, parser));
}

export const VERDICTS: (Verdict | 'unparsed')[] = ['likely-attack', 'missing-rule', 'unclear', 'info', 'unparsed'];
export const LABELS: Label[] = ['likely-attack', 'missing-rule', 'unclear'];
export const BUCKETS: [number, number][] = [
  [0, 0.4],
  [0.4, 0.6],
  [0.6, 0.75],
  [0.75, 0.9],
  [0.9, 1.01],
];

export interface Figures {
  lines: number;
  threads: number;
  /** Lines that gave no record at all. */
  unparsed: number;
  /** Non-denials (STATUS and the like): right when they come out as info. */
  nonDenials: number;
  nonDenialsInfo: number;
  /** label -> verdict -> count, denials only. */
  matrix: Record<Label, Record<string, number>>;
  /** Denials not labelled likely-attack. */
  benign: number;
  benignAttack: number;
  benignUnclear: number;
  benignMissing: number;
  /** Lines labelled likely-attack (public and attack set). */
  attacks: number;
  attacksCaught: number;
  attacksAsMissing: number;
  /** Unclear verdicts given (not in the calibration: they claim neither side). */
  unclearGiven: number;
  /** Per confidence bucket: likely-attack and missing-rule verdicts given and how many matched the label. */
  calibration: { from: number; to: number; n: number; right: number }[];
  /** Lines labelled missing-rule and called missing-rule, and how many of them got a rule. */
  missingCalled: number;
  rules: number;
  rulesSingle: number;
  rulesMinimal: number;
  /** Checked with apparmor_parser (0 when not installed) and how many it accepted. */
  rulesParsed: number;
  rulesParseOk: number;
}

export const rate = (n: number, d: number) => (d === 0 ? 0 : n / d);

export function figures(scored: Scored[]): Figures {
  const matrix = Object.fromEntries(LABELS.map((l) => [l, Object.fromEntries(VERDICTS.map((v) => [v, 0]))])) as Figures['matrix'];
  const f: Figures = {
    lines: scored.length,
    threads: new Set(scored.map((s) => s.item.url)).size,
    unparsed: 0,
    nonDenials: 0,
    nonDenialsInfo: 0,
    matrix,
    benign: 0,
    benignAttack: 0,
    benignUnclear: 0,
    benignMissing: 0,
    attacks: 0,
    attacksCaught: 0,
    attacksAsMissing: 0,
    unclearGiven: 0,
    calibration: BUCKETS.map(([from, to]) => ({ from, to, n: 0, right: 0 })),
    missingCalled: 0,
    rules: 0,
    rulesSingle: 0,
    rulesMinimal: 0,
    rulesParsed: 0,
    rulesParseOk: 0,
  };
  for (const s of scored) {
    const attack = s.item.label === 'likely-attack';
    if (attack) {
      f.attacks++;
      if (s.verdict === 'likely-attack') f.attacksCaught++;
      if (s.verdict === 'missing-rule') f.attacksAsMissing++;
    }
    if (s.verdict === 'unparsed') f.unparsed++;
    if (s.record && !s.denial) {
      f.nonDenials++;
      if (s.verdict === 'info') f.nonDenialsInfo++;
      continue;
    }
    matrix[s.item.label][s.verdict]++;
    if (!attack) {
      f.benign++;
      if (s.verdict === 'likely-attack') f.benignAttack++;
      else if (s.verdict === 'unclear') f.benignUnclear++;
      else if (s.verdict === 'missing-rule') f.benignMissing++;
    }
    if (s.verdict === 'unclear') f.unclearGiven++;
    // calibration is about claims: an unclear verdict claims neither attack nor missing rule
    if (s.verdict === 'likely-attack' || s.verdict === 'missing-rule') {
      const b = f.calibration.find((x) => s.confidence >= x.from && s.confidence < x.to);
      if (b) {
        b.n++;
        if (s.verdict === s.item.label) b.right++;
      }
    }
    if (s.rule) f.missingCalled++;
    if (s.rule && s.rule.problem !== 'no rule suggested') {
      f.rules++;
      if (s.rule.single) f.rulesSingle++;
      if (s.rule.single && s.rule.minimal && s.rule.parses !== false) f.rulesMinimal++;
      if (s.rule.parses !== undefined) {
        f.rulesParsed++;
        if (s.rule.parses) f.rulesParseOk++;
      }
    }
  }
  return f;
}

const pct = (n: number, d: number) => (d === 0 ? '  -  ' : `${(100 * rate(n, d)).toFixed(1).padStart(5)} %`);

/** The figures as the scoring command prints them. */
export function report(title: string, f: Figures): string {
  const out: string[] = [];
  out.push(`${title}: ${f.lines} lines from ${f.threads} threads${f.unparsed ? `, ${f.unparsed} gave no record` : ''}`);
  const head = ['label \\ verdict', ...VERDICTS];
  out.push(`  ${head.map((h, i) => (i === 0 ? h.padEnd(16) : h.padStart(13))).join('')}`);
  for (const l of LABELS) out.push(`  ${l.padEnd(16)}${VERDICTS.map((v) => String(f.matrix[l][v]).padStart(13)).join('')}`);
  if (f.nonDenials) out.push(`  non-denials (STATUS ...): ${f.nonDenials}, shown as info: ${f.nonDenialsInfo}`);
  out.push(
    `  benign denials: ${f.benign}; called likely-attack ${pct(f.benignAttack, f.benign)} (${f.benignAttack}), unclear ${pct(f.benignUnclear, f.benign)} (${f.benignUnclear}), missing-rule ${pct(f.benignMissing, f.benign)} (${f.benignMissing})`,
  );
  out.push(`  attack recall: ${pct(f.attacksCaught, f.attacks)} (${f.attacksCaught}/${f.attacks}); attacks called missing-rule: ${f.attacksAsMissing}`);
  out.push(`  calibration (likely-attack and missing-rule verdicts by confidence: given, right as labelled; ${f.unclearGiven} unclear verdicts claim neither):`);
  for (const b of f.calibration) if (b.n) out.push(`    [${b.from.toFixed(2)}, ${Math.min(1, b.to).toFixed(2)}${b.to > 1 ? ']' : ')'}: ${String(b.n).padStart(4)}, right ${pct(b.right, b.n)}`);
  out.push(
    `  missing-rule lines called missing-rule: ${f.missingCalled}, a rule suggested on ${f.rules} (the others get advice: reload, load the profile, fix the container); one line ${pct(f.rulesSingle, f.rules)}, valid and minimal ${pct(f.rulesMinimal, f.rules)} (${f.rulesMinimal})${f.rulesParsed ? `; apparmor_parser accepted ${f.rulesParseOk}/${f.rulesParsed}` : '; apparmor_parser not installed: parse check skipped'}`,
  );
  return out.join('\n');
}
