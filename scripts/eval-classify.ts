/**
 * npm run eval:classify [-- --errors] [--dir DIR] [--shipped POLICY_DIR]
 *
 * Scores the classifier on the real-world corpus (test/fixtures/realworld): the confusion matrix,
 * benign lines called likely-attack / unclear / missing-rule, attack recall, calibration and the
 * suggested rules' validity; for all lines, the tuning threads and the held-out threads, without
 * profiles, with the profiles the threads show, and (--shipped) with a distribution's shipped
 * policy for the lines whose profile it declares (scripts/eval/shipped-profiles.sh fetches
 * Debian's), its suggested rules then taken through the allow action's checks. `--errors` lists
 * the tuning threads' mistakes (never the held-out ones). apparmor_parser checks the rules when installed ($APPARMOR_PARSER,
 * $APPARMOR_BASE name another binary and base directory).
 */
import { loadCorpus, REALWORLD_DIR } from './eval/corpus.js';
import { findParser, ParserCheck } from './eval/rule-check.js';
import { checkAllowOnShipped } from './eval/allow-check.js';
import { checkModeFlagsOnShipped } from './eval/mode-flags-check.js';
import { checkProfilesOnShipped } from './eval/profiles-check.js';
import { figures, report, scoreWithoutProfiles, scoreWithProfiles, scoreWithShipped, type Scored } from './eval/score.js';

const args = process.argv.slice(2);
const dirAt = args.indexOf('--dir');
const dir = dirAt >= 0 ? args[dirAt + 1] : REALWORLD_DIR;
const shippedAt = args.indexOf('--shipped');
const shippedDir = shippedAt >= 0 ? args[shippedAt + 1] : undefined;
const corpus = loadCorpus(dir);
const found = findParser();
const parser = found ? new ParserCheck(found) : undefined;
try {
  const plain = await scoreWithoutProfiles(corpus, parser);
  const publicSet = plain.filter((s) => s.item.set === 'public');
  const classes = new Set(corpus.map((c) => c.class));
  console.log(`real-world corpus: ${publicSet.length} public lines, ${corpus.length - publicSet.length} attack-set lines; classes: ${[...classes].sort().join(' ')}`);
  console.log(found ? `apparmor_parser: ${found.bin} (base ${found.base})` : 'apparmor_parser: not installed, the parse check is skipped');
  console.log('');
  console.log(report('Without profiles, all lines', figures(plain)));
  console.log('');
  console.log(report('Without profiles, tuning threads', figures(plain.filter((s) => !s.held))));
  console.log('');
  console.log(report('Without profiles, held-out threads', figures(plain.filter((s) => s.held))));
  const withP = await scoreWithProfiles(corpus, parser);
  if (withP.length) {
    console.log('');
    console.log(report('With the profiles the threads show', figures(withP)));
  }
  const shipped = shippedDir ? await scoreWithShipped(corpus, shippedDir, parser) : [];
  if (shippedDir) {
    console.log('');
    console.log(report(`With the shipped policy in ${shippedDir}, all lines whose profile it declares`, figures(shipped)));
    console.log('');
    console.log(report('With the shipped policy, held-out threads', figures(shipped.filter((s) => s.held))));
    if (found) {
      const a = await checkAllowOnShipped(shipped, shippedDir, found.bin);
      console.log('');
      console.log(
        `The allow action on the shipped policy (prepared and checked as \`act allow\` does, nothing written): ${a.suggested} rules suggested, ${a.refused} refused as act allow refuses them (a profile flag, a generated profile), ${a.placed} placed, apparmor_parser accepted the profile with the rule ${a.compiled}/${a.placed}`,
      );
      if (args.includes('--errors')) for (const p of a.problems) console.log(`- allow: ${p}`);
      const m = checkModeFlagsOnShipped(shippedDir, found.bin);
      const refused = [...m.refused].map(([why, n]) => `${n} (${why})`).join(', ') || 'none';
      console.log('');
      console.log(
        `Complain and enforce by the profile's flags, on every top-level profile of the shipped policy: ${m.tried} tried, ${m.unchanged} already so, refused ${refused}; ${m.edited} edited, read back in the mode asked with the file's other profiles as they were ${m.readBack}/${m.edited}, apparmor_parser accepted ${m.compiled}/${m.edited - m.notParsedBefore} (${m.notParsedBefore} more in files it does not read unedited either)`,
      );
      if (args.includes('--errors')) for (const p of m.problems) console.log(`- flags: ${p}`);
      const pc = await checkProfilesOnShipped(shippedDir, found.bin);
      console.log('');
      console.log(`The profile index on the shipped policy: the profiles apparmor_parser -N lists, found in ${pc.same}/${pc.files} files it reads`);
      if (args.includes('--errors')) for (const p of pc.problems) console.log(`- profiles: ${p}`);
    }
  }
  if (args.includes('--errors')) {
    const wrong = (s: Scored) => !s.held && s.denial && (s.verdict !== s.item.label || (s.rule && !(s.rule.single && s.rule.minimal && s.rule.parses !== false)));
    console.log('\nTuning threads, mistakes:');
    for (const s of [...plain, ...withP, ...shipped].filter(wrong)) {
      console.log(
        `- [${s.item.label} -> ${s.verdict} ${s.confidence}] ${s.item.family}/${s.item.class} ${s.item.url}\n  ${s.item.line}\n  why: ${s.item.why}\n  ${s.c?.reasons.join(' | ')}${s.rule ? `\n  rule: ${s.c?.suggestion?.rules?.join(' ; ')} -> ${s.rule.problem ?? 'ok'}` : ''}`,
      );
    }
    for (const s of plain.filter((x) => !x.held && x.verdict === 'unparsed')) console.log(`- unparsed: ${s.item.line}`);
  }
} finally {
  parser?.close();
}
