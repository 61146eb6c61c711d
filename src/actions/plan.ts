/**
 * What an action will do, decided before anything runs. Pure: a resolved target and an action kind
 * in, the exact commands (argument arrays, never a shell line), whether the change persists, and the
 * consequence the engineer must read, out. The dialogs and `act --dry-run` show this plan verbatim.
 */
import type { ActionKind } from '../model/action.js';
import type { Refusal, Target } from './resolve-target.js';
import type { FileEdit } from './rule-edit.js';

/** The kernel state that proves the action took effect, for the acted-on profile. */
export type ExpectedState = 'complain' | 'enforce' | 'loaded' | 'absent';

export interface ActionPlan {
  action: ActionKind;
  target: Target;
  /** Commands in order; a step that fails or times out stops the rest. */
  steps: string[][];
  /** Survives a reload or reboot (edits the file or the disable/ directory). */
  persists: boolean;
  /** Makes confinement weaker (complain, unload, disable). */
  loosening: boolean;
  expect: ExpectedState;
  /** The disable link must exist (disable) or be gone (enable) afterwards. */
  expectLink?: 'present' | 'absent';
  /** One line: what will run. */
  summary: string;
  /** What happens to the processes and the policy; shown before confirming. */
  consequence: string;
  /** Profiles the command changes besides the acted-on one (the file's children and hats). */
  alsoAffected: string[];
  /** Said before confirming: the plan cannot give what was asked for (the file declares another mode), and what would. */
  warning?: string;
  /**
   * The file declares other top-level profiles: the apparmor_parser steps name no file and read
   * the profile's own part of it on their standard input (profile-extract.ts), made from the file
   * as it is when the steps run, so only this profile (with its children) is loaded or removed.
   */
  input?: { file: string; profile: string };
  /**
   * complain or enforce written into the profile's own flags (mode-flags.ts) before the step, for
   * what aa-complain and aa-enforce cannot do. Such a plan runs through performModeEdit, with the
   * edits it prepared from the file (`fileEdits`), never through performAction.
   */
  editsFlags?: boolean;
  /** The edits of an `editsFlags` plan, made from the file as it was read, and their diff. */
  fileEdits?: FileEdit[];
  diff?: string[];
}

export interface PlanOptions {
  /**
   * The mode the operator asked a reload to give (`act enforce --runtime`; an undo: the mode before
   * the action). A reload gives the mode the file declares, so when the file says otherwise the plan
   * warns beforehand and the result is judged against what was asked, never against the file.
   */
  want?: 'enforce' | 'complain';
  /**
   * complain or enforce by the profile's flags even when the file declares no other profile: the
   * host lacks aa-complain or aa-enforce (apparmor-utils). With other profiles in the file it is
   * always so.
   */
  editFlags?: boolean;
}

/**
 * Actions that can act on one profile of a file that declares several: apparmor_parser loads or
 * removes what it reads, and complain and enforce then write the profile's own flags
 * (mode-flags.ts) rather than run aa-complain or aa-enforce, which edit every profile of the file.
 * The others link the file into disable/, and so change every profile it declares.
 */
export const ONE_PROFILE_ACTIONS: ReadonlySet<ActionKind> = new Set<ActionKind>(['complain', 'enforce', 'complain-runtime', 'unload', 'reload', 'allow', 'remove-rule']);

/** Why `action` cannot be done on the profile alone (its file declares others), and what can. */
export function wholeFileRefusal(action: ActionKind, target: Target): Refusal | undefined {
  if (!target.siblings.length || ONE_PROFILE_ACTIONS.has(action)) return undefined;
  const { file, profile, siblings } = target;
  const those = `${siblings.join(', ')} too`;
  const instead: Partial<Record<ActionKind, string>> = {
    disable: `a disable/ link keeps the whole file from loading at boot, ${those}; act unload removes ${profile} alone until the next reload, and act complain puts it alone in complain mode across reboots`,
    enable: `removing the disable/ link brings back the whole file at boot, ${those}: do it by hand`,
  };
  return { code: 'multi-profile', reason: `${file} also declares ${siblings.join(', ')} (AppArmor acts on whole files): ${instead[action] ?? `${action} would change ${those}`}` };
}

export const LOOSENING: ReadonlySet<ActionKind> = new Set<ActionKind>(['complain', 'complain-runtime', 'unload', 'disable']);

/** The action that puts a loosening one back. */
export const UNDO_OF: Partial<Record<ActionKind, ActionKind>> = {
  complain: 'enforce',
  'complain-runtime': 'reload',
  unload: 'reload',
  disable: 'enable',
  allow: 'remove-rule',
};

/** A reload brings back the mode the file declares; when the index does not say, any loaded mode will do. */
function reloadExpectation(target: Target, want: PlanOptions['want']): ExpectedState {
  if (want) return want;
  return target.declaredMode === 'complain' || target.declaredMode === 'enforce' ? target.declaredMode : 'loaded';
}

/** Why a reload cannot give `want`, and what would. */
function reloadWarning(target: Target, want: PlanOptions['want']): string | undefined {
  const declared = target.declaredMode;
  if (!want || !declared || declared === want) return undefined;
  const alone = target.siblings.length > 0;
  const fix =
    want === 'enforce'
      ? alone
        ? `act enforce without --runtime (it takes complain out of ${target.profile}'s flags alone, then loads it) would enforce it`
        : `aa-enforce ${target.file} (it edits the flag out of the file and reloads; act enforce without --runtime) would enforce it`
      : alone
        ? `act complain --runtime would load it alone in complain mode`
        : `apparmor_parser -r -C ${target.file} (act complain --runtime) would load it in complain mode`;
  return `${target.file} declares flags=(${declared}): loading it again gives ${declared}, not ${want}; ${fix}`;
}

export function buildPlan(action: ActionKind, target: Target, opts: PlanOptions = {}): ActionPlan {
  const byFlags = (action === 'complain' || action === 'enforce') && (target.siblings.length > 0 || opts.editFlags);
  const plan = byFlags ? modeFlagPlan(action, target, opts) : wholeFilePlan(action, target, opts);
  if (!target.siblings.length) return plan;
  // never a command on a whole file that declares other profiles: performAction refuses a plan
  // without `input` for such a target, and callers ask wholeFileRefusal first
  if (!ONE_PROFILE_ACTIONS.has(action)) return plan;
  const { file, profile } = target;
  return {
    ...plan,
    steps: plan.steps.map((argv) => (argv[0] === 'apparmor_parser' ? [...argv.filter((a) => a !== file), '-K'] : argv)),
    input: { file, profile },
    summary: `${plan.summary} (${profile} alone: apparmor_parser reads its part of ${file} on standard input, so ${target.siblings.join(', ')} ${target.siblings.length > 1 ? 'are' : 'is'} not touched)`,
  };
}

/** Why a persistent complain or enforce of `target` writes its flags rather than run aa-complain or aa-enforce. */
export function whyByFlags(mode: 'complain' | 'enforce', target: Target): string {
  return target.siblings.length ? `aa-${mode} would change ${target.siblings.join(', ')} too` : `aa-${mode} is not installed (apparmor-utils)`;
}

/** complain or enforce by the profile's own flags: the edit (made by prepareModeEdit), then a reload. */
function modeFlagPlan(mode: 'complain' | 'enforce', target: Target, opts: PlanOptions): ActionPlan {
  const { file, profile } = target;
  const alsoAffected = target.fileProfiles.filter((p) => p.startsWith(`${profile}//`));
  const headers = alsoAffected.length ? `the headers of ${profile} and of its children and hats` : `${profile}'s header`;
  const why = whyByFlags(mode, target);
  const base = { action: mode, target, alsoAffected, steps: [['apparmor_parser', '-r', file]], persists: true, editsFlags: true, expect: mode };
  if (mode === 'complain')
    return {
      ...base,
      loosening: true,
      summary: `put ${profile} in complain mode, persistently: complain written into the flags of ${headers} in ${file}, then loaded again (${why})`,
      consequence: `${profile} stops enforcing: its denials are logged as ALLOWED and happen. The flag is in ${file}, so it stays that way after a reload or reboot until undone (z, or act enforce). Explicit deny rules still apply.`,
    };
  return {
    ...base,
    loosening: false,
    ...(opts.want && opts.want !== 'enforce' ? { expect: opts.want } : {}),
    summary: `put ${profile} back in enforce mode, persistently: complain taken out of the flags of ${headers} in ${file}, then loaded again (${why})`,
    consequence: `${profile} enforces again; its denials are blocked.`,
  };
}

function wholeFilePlan(action: ActionKind, target: Target, opts: PlanOptions): ActionPlan {
  const { file, profile, disableLink } = target;
  // what an action on the profile changes besides it: its children and hats (the file's other
  // top-level profiles are never acted on: see ONE_PROFILE_ACTIONS)
  const alsoAffected = target.fileProfiles.filter((p) => p.startsWith(`${profile}//`));
  const reloads = action === 'reload' || action === 'enable';
  const warning = reloads ? reloadWarning(target, opts.want) : undefined;
  const base = { action, target, alsoAffected, ...(warning ? { warning } : {}) };
  switch (action) {
    case 'complain':
      return {
        ...base,
        steps: [['aa-complain', file]],
        persists: true,
        loosening: true,
        expect: 'complain',
        summary: `put ${profile} in complain mode, persistently (aa-complain edits ${file})`,
        consequence: `${profile} stops enforcing: its denials are logged as ALLOWED and happen. aa-complain writes flags=(complain) into ${file}, so it stays that way after a reload or reboot until undone (aa-enforce). Explicit deny rules still apply.`,
      };
    case 'complain-runtime':
      return {
        ...base,
        steps: [['apparmor_parser', '-r', '-C', file]],
        persists: false,
        loosening: true,
        expect: 'complain',
        summary: `put ${profile} in complain mode until the next reload (the file is not edited)`,
        consequence: `${profile} stops enforcing until the profile is next loaded (reload, reboot, package upgrade); ${file} is not changed. Explicit deny rules still apply.`,
      };
    case 'unload':
      return {
        ...base,
        steps: [['apparmor_parser', '-R', file]],
        persists: false,
        loosening: true,
        expect: 'absent',
        summary: `unload every profile ${file} declares`,
        consequence: `The processes running under ${[profile, ...alsoAffected].join(', ')} run UNCONFINED from now on (even after the profile is loaded again, until they restart). The next reload or reboot loads the file again.`,
      };
    case 'disable':
      return {
        ...base,
        steps: [
          ['ln', '-sfT', '--', file, disableLink],
          ['apparmor_parser', '-R', file],
        ],
        persists: true,
        loosening: true,
        expect: 'absent',
        expectLink: 'present',
        summary: `disable ${profile}: link ${disableLink}, then unload the file`,
        consequence: `The processes running under ${[profile, ...alsoAffected].join(', ')} run UNCONFINED, and the profile stays unloaded across reloads and reboots (the disable/ link) until re-enabled.`,
      };
    case 'enforce':
      return {
        ...base,
        steps: [['aa-enforce', file]],
        persists: true,
        loosening: false,
        expect: 'enforce',
        summary: `put ${profile} back in enforce mode, persistently (aa-enforce edits ${file})`,
        consequence: `${profile} enforces again; its denials are blocked. aa-enforce removes flags=(complain) from ${file}.`,
      };
    case 'reload':
      return {
        ...base,
        steps: [['apparmor_parser', '-r', file]],
        persists: false,
        loosening: false,
        expect: reloadExpectation(target, opts.want),
        summary: `load ${file} again, in the mode the file declares`,
        consequence: `${profile} is loaded as ${file} declares it. Processes started while it was unloaded stay unconfined until they restart.`,
      };
    case 'allow':
      return {
        ...base,
        steps: [['apparmor_parser', '-r', file]],
        persists: true,
        loosening: true,
        expect: reloadExpectation(target, opts.want),
        summary: `add a rule to ${profile} and load ${file} again`,
        consequence: `${profile} allows what the rule says from now on, across reloads and reboots, until undone (z removes exactly the lines added).`,
      };
    case 'remove-rule':
      return {
        ...base,
        steps: [['apparmor_parser', '-r', file]],
        persists: true,
        loosening: false,
        expect: reloadExpectation(target, opts.want),
        summary: `remove the rule lines aa-triage added to ${profile} and load ${file} again`,
        consequence: `${profile} denies again what the removed rule allowed.`,
      };
    case 'enable':
      return {
        ...base,
        steps: [
          ['rm', '-f', '--', disableLink],
          ['apparmor_parser', '-r', file],
        ],
        persists: true,
        loosening: false,
        expect: reloadExpectation(target, opts.want),
        expectLink: 'absent',
        summary: `re-enable ${profile}: remove ${disableLink}, load the file`,
        consequence: `${profile} is loaded again and stays enabled across reboots. Processes started while it was disabled stay unconfined until they restart.`,
      };
  }
}

/** A step as a reader would type it, with what it reads on standard input. Display only. */
export function stepLine(plan: ActionPlan, argv: string[]): string {
  return `${commandLine(argv)}${plan.input && argv[0] === 'apparmor_parser' ? ` < (${plan.input.profile}'s part of ${plan.input.file})` : ''}`;
}

/** A command as a reader would type it: words with shell-special characters single-quoted. Display only: nothing is ever run through a shell. */
export function commandLine(argv: string[]): string {
  return argv.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}
