/**
 * Did the action take effect? Judged from the kernel's loaded-profile list before and after (and the
 * disable link), never from exit codes: aa-complain reports a missing file on stdout with exit 0,
 * and `apparmor_parser -R` of an already-unloaded profile exits 254 while the state is what was
 * wanted. Pure.
 */
import type { AppArmorRecord } from '../model/record.js';
import type { KernelRead } from './kernel-state.js';
import type { ActionPlan } from './plan.js';

export interface StepResult {
  argv: string[];
  /** null: killed (timeout) or never started. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the command could not be started (not installed ...). */
  startError?: string;
}

export interface Judgement {
  outcome: 'verified' | 'failed' | 'unverified';
  modeBefore?: string;
  modeAfter?: string;
  /** One line for the UI and the CLI: "verified: nginx now complain", or what went wrong. */
  message: string;
}

export const ABSENT = 'not loaded';

function modeIn(read: KernelRead, profile: string): string | undefined {
  return read.ok ? (read.profiles.get(profile) ?? ABSENT) : undefined;
}

function firstLine(s: string): string | undefined {
  return s
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0);
}

/** What a step said that looks like trouble, in one line. */
export function stepTrouble(r: StepResult): string | undefined {
  const cmd = r.argv[0];
  if (r.startError) return `${cmd} could not run: ${r.startError}`;
  if (r.timedOut) return `${cmd} timed out and was stopped`;
  const said = firstLine(r.stderr) ?? firstLine(r.stdout);
  if (r.exitCode !== 0) return `${cmd} exited ${r.exitCode ?? 'abnormally'}${said ? `: ${said}` : ''}`;
  // exit 0 proves nothing for AppArmor's tools; an error word in their output is worth showing
  if (said && /\b(error|can't|cannot|unable|not found|no such|sorry|skipping|failed)\b/i.test(`${r.stdout}\n${r.stderr}`)) return `${cmd} said: ${said}`;
  return undefined;
}

function matches(plan: ActionPlan, mode: string): boolean {
  switch (plan.expect) {
    case 'absent':
      return mode === ABSENT;
    case 'loaded':
      return mode !== ABSENT;
    default:
      return mode === plan.expect;
  }
}

function describe(plan: ActionPlan, mode: string): string {
  if (mode === ABSENT) return plan.action === 'disable' ? 'unloaded and disabled' : 'no longer loaded (its processes run unconfined)';
  return `now ${mode}`;
}

export function judge(plan: ActionPlan, before: KernelRead, after: KernelRead, steps: StepResult[], linkAfter?: string): Judgement {
  const profile = plan.target.profile;
  const modeBefore = modeIn(before, profile);
  const modeAfter = modeIn(after, profile);
  const trouble = steps.map(stepTrouble).find((t) => t !== undefined);
  const notRun = plan.steps.length - steps.length;
  if (modeAfter === undefined) {
    const why = after.ok ? '' : after.error;
    return { outcome: 'unverified', modeBefore, message: `unverified: ${why}${trouble ? `; ${trouble}` : ''}` };
  }
  const linkOk = plan.expectLink === undefined || (plan.expectLink === 'present' ? linkAfter === plan.target.file : linkAfter === undefined);
  // the file's other profiles: an action on one of them must leave the rest as they were
  const siblings = plan.target.siblings;
  const touched = before.ok ? siblings.filter((s) => modeIn(before, s) !== modeIn(after, s)) : [];
  if (touched.length) {
    const how = touched.map((s) => `${s} ${modeIn(before, s)} -> ${modeIn(after, s)}`).join(', ');
    return { outcome: 'failed', modeBefore, modeAfter, message: `failed: the file's other profiles changed too (${how}); ${profile} is ${modeAfter}${trouble ? `; ${trouble}` : ''}` };
  }
  const untouched = siblings.length ? (before.ok ? ` (${siblings.join(', ')} untouched)` : ` (whether ${siblings.join(', ')} changed is not known: the kernel's list was not read before)`) : '';
  if (matches(plan, modeAfter) && linkOk) {
    const unchanged = modeBefore === modeAfter && plan.expectLink === undefined ? ` (it already was${modeBefore === ABSENT ? ' not loaded' : ` ${modeBefore}`})` : '';
    const via = after.ok && after.via === 'aa-status' ? ' (kernel state read with aa-status --json)' : '';
    return { outcome: 'verified', modeBefore, modeAfter, message: `verified: ${profile} ${describe(plan, modeAfter)}${unchanged}${untouched}${via}${trouble ? `; note: ${trouble}` : ''}` };
  }
  const state = modeAfter === ABSENT ? 'is not loaded' : `is still ${modeAfter}`;
  const parts = [`failed: ${profile} ${matches(plan, modeAfter) ? `is ${modeAfter}` : state}`];
  if (!linkOk)
    parts.push(plan.expectLink === 'present' ? `${plan.target.disableLink} ${linkAfter === undefined ? 'was not created' : `points to ${linkAfter}`}` : `${plan.target.disableLink} is still there`);
  if (trouble) parts.push(trouble);
  if (notRun > 0) parts.push(`${notRun} later step${notRun > 1 ? 's' : ''} not run`);
  return { outcome: 'failed', modeBefore, modeAfter, message: parts.join('; ') };
}

/** A STATUS record that reports this action's change (profile_load/replace/remove of a profile in the file). */
export function confirmsAction(plan: ActionPlan, r: AppArmorRecord): boolean {
  if (r.kind !== 'STATUS') return false;
  const op = r.fields.operation;
  const wanted = plan.expect === 'absent' ? ['profile_remove'] : ['profile_load', 'profile_replace'];
  if (!op || !wanted.includes(op)) return false;
  const name = r.fields.name;
  return name !== undefined && plan.target.fileProfiles.includes(name);
}
