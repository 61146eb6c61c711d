/**
 * `aa-triage act undo [--dry-run] [--yes]`: the command-line form of the `z` key. It undoes the
 * newest action in the action journal that is not undone yet, with the same steps as the dialog:
 * the candidates from the journal (an action killed mid-way counts when the kernel's state shows it
 * took effect), the profile resolved again and refused when it moved to another file, an applied
 * rule taken back only while the files are as the allow left them, and the undo run, journaled and
 * verified like any action. Same exit codes as the other verbs.
 */
import { resolve as resolvePath } from 'node:path';
import type { CliOptions } from './args.js';
import { safeText } from '../model/safe-text.js';
import { performUndoAllow, prepareUndoAllow } from '../actions/allow.js';
import { performModeEdit, prepareFlagsUndo } from '../actions/mode-edit.js';
import { actionEnvFor, dryRunOrUnavailable, EXIT, reportRun, type ActDeps, type ActIo } from './act.js';
import { planLines } from '../actions/describe.js';
import { hasCommand } from '../actions/execute.js';
import { readJournal } from '../actions/journal.js';
import { readLoadedProfiles } from '../actions/kernel-state.js';
import { performAction, type ActionReport } from '../actions/perform.js';
import { stepLine } from '../actions/plan.js';
import { resolveTarget } from '../actions/resolve-target.js';
import { planUndo, undoCandidates } from '../actions/undo.js';

export async function runActUndo(opts: CliOptions, io: ActIo, deps: ActDeps): Promise<number> {
  const refuse = (reason: string, code: number = EXIT.refused) => {
    io.err(`aa-triage act: refused: ${safeText(reason)}\n`);
    return code;
  };
  const env = actionEnvFor(deps);
  let entries;
  try {
    entries = await readJournal(env.journalPath);
  } catch (err) {
    return refuse(`cannot read the action journal ${env.journalPath}: ${(err as Error).message}`);
  }
  // an action killed mid-way left only its intent: the kernel's state says whether it took effect
  const kernel = await readLoadedProfiles(env.securityfs);
  const candidates = undoCandidates(entries, kernel.ok ? kernel.profiles : undefined);
  const c = candidates[0];
  if (!c) return refuse(`nothing to undo: no complain, unload, disable or allow in ${env.journalPath} that is not undone yet`);
  const e = c.entry;
  const state = c.interrupted ? 'interrupted: no result journaled, the kernel shows it took effect' : (e.outcome ?? 'no result');
  io.out(`undo of ${safeText(e.action)} ${safeText(e.profile)} (id ${safeText(e.id)}, ${safeText(e.time)}, by ${safeText(e.operator)}: ${state})\n`);

  const dirs = deps.settings.profileDirs.map((d) => resolvePath(d));
  const resolution = await resolveTarget(e.requested ?? e.profile, await deps.loadDeclarations(dirs), dirs);
  const step = planUndo(c, resolution, (name) => hasCommand(name, deps.settings.env));
  if (step.kind === 'refused') return refuse(step.reason);

  let run: () => Promise<ActionReport>;
  if (step.kind === 'remove-rule') {
    const u = await prepareUndoAllow(step.entry, step.target);
    if (!u.ok) {
      if (u.diff?.length) io.err(`${u.diff.map((l) => `    ${safeText(l)}`).join('\n')}\n`);
      return refuse(u.reason);
    }
    const prep = u.prep;
    io.out(
      `${[
        `remove-rule: ${safeText(prep.plan.summary)}`,
        `  profile:  ${safeText(prep.plan.target.profile)}`,
        `  removes:  exactly the lines the allow added (${(e.rules ?? []).map(safeText).join(' ')})`,
        '  diff:',
        ...prep.diff.map((l) => `    ${safeText(l)}`),
        ...prep.plan.steps.map((argv) => `  will run: ${safeText(stepLine(prep.plan, argv))}`),
      ].join('\n')}\n`,
    );
    run = () => performUndoAllow(prep, env);
  } else if (step.kind === 'restore-flags' || step.plan.editsFlags) {
    const p = (await prepareFlagsUndo(step))!;
    if (!p.ok) return refuse(p.reason);
    io.out(`${planLines(p.plan).join('\n')}\n`);
    run = () => performModeEdit(p.plan, env, { undoOf: e.id, reason: opts.act?.reason?.trim() || undefined });
  } else {
    io.out(`${planLines(step.plan).join('\n')}\n`);
    run = () => performAction({ plan: step.plan, undoOf: step.undoOf, reason: opts.act?.reason?.trim() || undefined }, env);
  }

  const stop = dryRunOrUnavailable(opts, io, deps, refuse);
  if (stop !== undefined) return stop;
  if (!opts.act?.yes) {
    if (!io.ask) return refuse('no terminal to confirm on: pass --yes to act without asking');
    const answer = (await io.ask('Undo it? [y/N] ')).trim().toLowerCase();
    if (answer !== 'y' && answer !== 'yes') return refuse('not confirmed; nothing was changed');
  }
  const report = await run();
  if (!report.done) return refuse(report.refused);
  return reportRun(report, env.journalPath, io);
}
