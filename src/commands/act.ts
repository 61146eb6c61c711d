/**
 * `aa-triage act VERB PROFILE`: the non-interactive form for scripts, runbooks and tests. Same
 * resolution, refusals, journal and verification as the dialogs.
 *
 * `act` sees no denial groups, so it cannot know whether the profile's denials look like an attack. It
 * therefore treats every loosening verb (complain, unload, disable) the way the dialogs treat a
 * likely attack: a reason is required (--reason, or asked on a terminal) and journaled. Restoring
 * verbs (enforce, enable) need none. Without --yes it asks on the terminal, and refuses when there
 * is none.
 *
 * Exit status: 0 done and verified (or --dry-run), 1 ran but the kernel state is not the expected
 * one, 2 usage, 3 refused (nothing was run), 4 ran but could not be verified, 5 ran but its result
 * could not be written to the action journal (the outcome is printed; the journal holds the intent).
 */
import { createInterface } from 'node:readline/promises';
import { resolve as resolvePath } from 'node:path';
import type { CliOptions } from './args.js';
import type { ActionKind } from '../model/action.js';
import { safeText } from '../model/safe-text.js';
import { runActAllow } from './act-allow.js';
import { runActUndo } from './act-undo.js';
import { actionsAvailability, confirmationFor } from '../actions/confirm.js';
import type { ProfileDeclarations } from '../actions/declarations.js';
import { planLines } from '../actions/describe.js';
import { hasCommand } from '../actions/execute.js';
import { prepareModeEdit, performModeEdit } from '../actions/mode-edit.js';
import { hostName, operatorName, performAction, type ActionDone, type ActionEnv } from '../actions/perform.js';
import { loadProfileIndex } from '../profiles/load.js';
import type { RunSettings } from './settings.js';
import { buildPlan, wholeFileRefusal } from '../actions/plan.js';
import { resolveTarget } from '../actions/resolve-target.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, refused: 3, unverified: 4, notJournaled: 5 } as const;

export interface ActIo {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Asks on the terminal; undefined when there is no terminal to ask on. */
  ask?: (question: string) => Promise<string>;
}

export interface ActDeps {
  /** Root or not, the environment, the profile directories, securityfs and the journal. */
  settings: RunSettings;
  /** The profile index over these directories. */
  loadDeclarations: (dirs: string[]) => Promise<ProfileDeclarations>;
  operator: string;
  host: string;
  timeoutMs?: number;
}

/** Where and as whom an action from the command line runs: the same for every verb. */
export function actionEnvFor(deps: ActDeps): ActionEnv {
  return {
    securityfs: deps.settings.securityfs,
    journalPath: deps.settings.journalPath,
    isRoot: deps.settings.isRoot,
    readOnly: deps.settings.readOnly,
    env: deps.settings.env,
    operator: deps.operator,
    host: deps.host,
    timeoutMs: deps.timeoutMs,
  };
}

/**
 * Where every verb stops before acting: a dry run ends here (saying whether the real run would be
 * refused), and a host where actions are off refuses here. Undefined: go on.
 */
export function dryRunOrUnavailable(opts: CliOptions, io: ActIo, deps: ActDeps, refuse: (reason: string) => number): number | undefined {
  const available = actionsAvailability({ isRoot: deps.settings.isRoot, readOnly: deps.settings.readOnly });
  if (opts.act?.dryRun) {
    io.out(`dry run: nothing was changed${available.enabled ? '' : ` (and running it would be refused: ${available.reason})`}\n`);
    return EXIT.ok;
  }
  if (!available.enabled) return refuse(`${available.reason}; nothing was tried`);
  return undefined;
}

/**
 * The action kind for a CLI verb, or why it cannot be done here. A persistent complain or enforce
 * without aa-complain or aa-enforce (apparmor-utils) writes the profile's flags itself (`editFlags`).
 */
export function actionForVerb(verb: string, runtime: boolean, env: NodeJS.ProcessEnv): { ok: true; action: ActionKind; editFlags?: boolean } | { ok: false; code: number; reason: string } {
  switch (verb) {
    case 'complain':
      return runtime ? { ok: true, action: 'complain-runtime' } : { ok: true, action: 'complain', editFlags: !hasCommand('aa-complain', env) };
    case 'enforce':
      return runtime ? { ok: true, action: 'reload' } : { ok: true, action: 'enforce', editFlags: !hasCommand('aa-enforce', env) };
    case 'unload':
    case 'disable':
    case 'enable':
      if (runtime) return { ok: false, code: EXIT.usage, reason: `--runtime applies to complain and enforce, not ${verb}` };
      return { ok: true, action: verb };
    default:
      return { ok: false, code: EXIT.usage, reason: `unknown verb ${verb}` };
  }
}

export async function runAct(opts: CliOptions, io: ActIo, deps: ActDeps): Promise<number> {
  const act = opts.act;
  if (!act) {
    io.err('aa-triage act: which verb and profile?\n');
    return EXIT.usage;
  }
  const refuse = (reason: string, code: number = EXIT.refused) => {
    io.err(`aa-triage act: refused: ${safeText(reason)}\n`);
    return code;
  };
  if (act.verb === 'allow') return runActAllow(opts, io, deps);
  if (act.verb === 'undo') return runActUndo(opts, io, deps);
  const kind = actionForVerb(act.verb, act.runtime, deps.settings.env);
  if (!kind.ok) return refuse(kind.reason, kind.code);
  // absolute, so the index's file paths are too (a relative --profiles-dir is common in runbooks)
  const dirs = deps.settings.profileDirs.map((d) => resolvePath(d));
  const resolution = await resolveTarget(act.profile, await deps.loadDeclarations(dirs), dirs);
  if (!resolution.ok) return refuse(resolution.refusal.reason);
  const whole = wholeFileRefusal(kind.action, resolution.target);
  if (whole) return refuse(whole.reason);
  let plan = buildPlan(kind.action, resolution.target, { ...(act.verb === 'enforce' ? { want: 'enforce' } : {}), editFlags: kind.editFlags });
  if (plan.editsFlags) {
    const prepared = await prepareModeEdit(plan);
    if (!prepared.ok) return refuse(prepared.reason);
    plan = prepared.plan;
  }
  io.out(`${planLines(plan).join('\n')}\n`);

  const stop = dryRunOrUnavailable(opts, io, deps, refuse);
  if (stop !== undefined) return stop;

  let reason = act.reason?.trim();
  if (plan.loosening && !reason) {
    if (!io.ask) return refuse(`${act.verb} loosens confinement, and act cannot see whether this profile's denials look like an attack: give --reason TEXT (it is journaled)`);
    reason = (await io.ask('Reason for this change (journaled): ')).trim();
    if (!reason) return refuse('no reason given; nothing was changed');
  }
  if (!act.yes) {
    if (!io.ask) return refuse('no terminal to confirm on: pass --yes to act without asking');
    const req = confirmationFor(plan);
    if (req.typeName) {
      const typed = (await io.ask(`Type the profile name (${safeText(plan.target.profile)}) to ${act.verb} it: `)).trim();
      if (typed !== plan.target.profile) return refuse('the typed name does not match; nothing was changed');
    } else {
      const answer = (await io.ask('Proceed? [y/N] ')).trim().toLowerCase();
      if (answer !== 'y' && answer !== 'yes') return refuse('not confirmed; nothing was changed');
    }
  }

  const env = actionEnvFor(deps);
  const report = plan.editsFlags ? await performModeEdit(plan, env, { reason }) : await performAction({ plan, reason }, env);
  if (!report.done) return refuse(report.refused);
  return reportRun(report, env.journalPath, io);
}

/**
 * What an action that ran says (each tool's output, the verification, where it was journaled) and
 * its exit status: the same for every verb. `verifiedNote` follows a verified result.
 */
export function reportRun(report: ActionDone, journalPath: string, io: ActIo, verifiedNote?: string): number {
  for (const s of report.steps) {
    const said = `${s.stdout}\n${s.stderr}`
      .split('\n')
      .map((l) => l.trimEnd())
      .filter(Boolean);
    if (said.length) io.out(`  ${s.argv[0]}: ${said.map(safeText).join('\n    ')}\n`);
  }
  io.out(`${safeText(report.judgement.message)}\n`);
  if (verifiedNote && report.judgement.outcome === 'verified') io.out(`${verifiedNote}\n`);
  if (report.journalError) {
    io.err(`aa-triage act: NOT journaled: ${safeText(report.journalError)}; the intent (id ${report.id}) is there without its result\n`);
    return EXIT.notJournaled;
  }
  io.out(`journaled in ${safeText(journalPath)} (id ${report.id})\n`);
  return report.judgement.outcome === 'verified' ? EXIT.ok : report.judgement.outcome === 'failed' ? EXIT.failed : EXIT.unverified;
}

async function askOnTerminal(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/** The `act` command wired to this host: the real uid, the profile index, the terminal (tests call runAct with their own). */
export async function runActCommand(opts: CliOptions, settings: RunSettings): Promise<number> {
  const io: ActIo = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    ask: process.stdin.isTTY ? askOnTerminal : undefined,
  };
  return runAct(opts, io, {
    settings,
    loadDeclarations: async (dirs) => (await loadProfileIndex(dirs)).index,
    operator: operatorName(settings.env),
    host: hostName(),
  });
}
