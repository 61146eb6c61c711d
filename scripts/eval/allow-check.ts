/**
 * The product's own allow path on a distribution's shipped policy: for every rule suggested
 * against it, the action is prepared as `act allow` prepares it (the target resolved from the
 * record's profile, the rule placed in the file or its local include) and checked as it checks it
 * (the profile compiled with the rule by apparmor_parser, the shipped directory as its base). Nothing
 * is written to the policy: preparing only reads, and the check compiles a temporary copy.
 */
import { checkRules, generatedRefusal, prepareAllow } from '../../src/actions/allow.js';
import { resolveTarget } from '../../src/actions/resolve-target.js';
import { checkStandaloneRule } from '../../src/actions/rule-scope.js';
import { loadProfileIndex } from '../../src/profiles/load.js';
import type { Scored } from './score.js';

export interface AllowCheck {
  /** Lines with a rule suggested. */
  suggested: number;
  /** Refused before anything was placed, as `act allow` refuses: a profile flag is no rule, a generated profile is its manager's. */
  refused: number;
  /** The action could be prepared (target resolved, rule placed). */
  placed: number;
  /** apparmor_parser accepted the profile with the rule. */
  compiled: number;
  problems: string[];
}

export async function checkAllowOnShipped(scored: Scored[], dir: string, parserBin: string): Promise<AllowCheck> {
  const { index } = await loadProfileIndex([dir]);
  const out: AllowCheck = { suggested: 0, refused: 0, placed: 0, compiled: 0, problems: [] };
  const env = {
    securityfs: '/nonexistent',
    journalPath: '/nonexistent',
    isRoot: false,
    readOnly: true,
    operator: 'eval',
    host: 'eval',
    env: { ...process.env, PATH: `${parserBin.replace(/\/[^/]*$/, '')}:${process.env.PATH ?? ''}` },
  };
  for (const s of scored) {
    const rules = s.c?.suggestion?.kind === 'rule' ? s.c.suggestion.rules : undefined;
    const profile = s.record?.fields.profile;
    if (!rules?.length || !profile) continue;
    out.suggested++;
    // what `act allow` checks first (commands/act-allow.ts)
    const shape = rules.map((r) => checkStandaloneRule(r)).find((c) => !c.ok);
    const generated = generatedRefusal(profile, index.lookup(profile)?.managedBy);
    if ((shape && !shape.ok) || generated) {
      out.refused++;
      continue;
    }
    const target = await resolveTarget(profile, index, [dir]);
    if (!target.ok) {
      out.problems.push(`${profile}: ${target.refusal.reason}`);
      continue;
    }
    const prep = await prepareAllow(target.target, rules);
    if (!prep.ok) {
      out.problems.push(`${profile} ${rules.join(' ')}: ${prep.reason}`);
      continue;
    }
    out.placed++;
    const check = await checkRules(prep.prep, env);
    if (check.ok) out.compiled++;
    else out.problems.push(`${profile} ${rules.join(' ')}: ${check.reason}${check.output ? `\n    ${check.output.split('\n').join('\n    ')}` : ''}`);
  }
  return out;
}
