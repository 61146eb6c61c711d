/**
 * `aa-triage act allow PROFILE --rule 'RULE' [--rule ...]`: the runbook form of the `a` key. `act`
 * sees no denial, so each rule must name one object (no class-wide rule, no `**`, no unconfined
 * exec), a reason is required as for every loosening verb, and the profile with the rules is
 * compiled by apparmor_parser before anything is written. Same exit codes as the other verbs.
 */
import { resolve as resolvePath } from 'node:path';
import type { CliOptions } from './args.js';
import { safeText } from '../model/safe-text.js';
import { checkRules, generatedRefusal, performAllow, prepareAllow } from '../actions/allow.js';
import { actionEnvFor, dryRunOrUnavailable, EXIT, reportRun, type ActDeps, type ActIo } from './act.js';
import { stepLine } from '../actions/plan.js';
import { resolveTarget } from '../actions/resolve-target.js';
import { checkStandaloneRule } from '../actions/rule-scope.js';

export async function runActAllow(opts: CliOptions, io: ActIo, deps: ActDeps): Promise<number> {
  const act = opts.act!;
  const refuse = (reason: string, code: number = EXIT.refused) => {
    io.err(`aa-triage act: refused: ${safeText(reason)}\n`);
    return code;
  };
  const rules: string[] = [];
  for (const r of act.rules ?? []) {
    const c = checkStandaloneRule(r);
    if (!c.ok) return refuse(`rule ${r}: ${c.reason}`, EXIT.usage);
    rules.push(c.rule);
  }
  const dirs = deps.settings.profileDirs.map((d) => resolvePath(d));
  const index = await deps.loadDeclarations(dirs);
  const generated = generatedRefusal(act.profile, index.lookup(act.profile)?.managedBy);
  if (generated) return refuse(generated);
  const resolution = await resolveTarget(act.profile, index, dirs);
  if (!resolution.ok) return refuse(resolution.refusal.reason);
  const prepared = await prepareAllow(resolution.target, rules);
  if (!prepared.ok) return refuse(prepared.reason);
  const { prep } = prepared;
  const t = prep.plan.target;
  const lines = [
    `allow: ${safeText(prep.plan.summary)}`,
    `  profile:  ${safeText(t.requested)}`,
    `  file:     ${safeText(t.file)}`,
    `  where:    ${safeText(prep.placement.where)}`,
    ...prep.rules.map((r) => `  rule:     ${safeText(r)}`),
    '  diff:',
    ...prep.diff.map((l) => `    ${safeText(l)}`),
    `  will run: ${safeText(stepLine(prep.plan, prep.plan.steps[0]))}`,
    `  undo:     aa-triage act undo (or z in the interactive view) removes exactly these lines (when the files are unchanged)`,
  ];
  io.out(`${lines.join('\n')}\n`);

  const env = actionEnvFor(deps);
  const check = await checkRules(prep, env);
  if (!check.ok) {
    if (check.output)
      io.err(
        `${check.output
          .split('\n')
          .map((l) => `  ${safeText(l)}`)
          .join('\n')}\n`,
      );
    return refuse(`${check.reason}; nothing was written`);
  }
  io.out('  checked:  apparmor_parser compiles the profile with the rule (not loaded, no cache)\n');

  const stop = dryRunOrUnavailable(opts, io, deps, refuse);
  if (stop !== undefined) return stop;
  let reason = act.reason?.trim();
  if (!reason) {
    if (!io.ask) return refuse("allow loosens confinement, and act cannot see whether this profile's denials look like an attack: give --reason TEXT (it is journaled)");
    reason = (await io.ask('Reason for this change (journaled): ')).trim();
    if (!reason) return refuse('no reason given; nothing was changed');
  }
  if (!act.yes) {
    if (!io.ask) return refuse('no terminal to confirm on: pass --yes to act without asking');
    const answer = (await io.ask('Add the rule and reload? [y/N] ')).trim().toLowerCase();
    if (answer !== 'y' && answer !== 'yes') return refuse('not confirmed; nothing was changed');
  }
  const report = await performAllow(prep, env, { reason });
  if (!report.done) return refuse(report.refused);
  return reportRun(report, env.journalPath, io, 'watch the log for the same denial: it should not come back for this access');
}
