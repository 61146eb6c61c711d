/**
 * One action, start to end: check that actions are allowed, take the profile's lock, read the kernel
 * state, journal the intent (fsynced), run the commands, read the state again, judge, journal the
 * result. Nothing is run when actions are not allowed, another action on the profile is running, or
 * the intent cannot be journaled.
 */
import { readFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import type { ActionJournalEntry } from '../model/action.js';
import { actionsAvailability } from './confirm.js';
import { DEFAULT_TIMEOUT_MS, runSteps } from './execute.js';
import { appendJournal, cutOutput, newActionId } from './journal.js';
import { profileLockPath, tryLock, type HeldLock } from './lock.js';
import { readDisableLink, readLoadedProfiles } from './kernel-state.js';
import { wholeFileRefusal, type ActionPlan } from './plan.js';
import { profileExtract } from './profile-extract.js';
import { judge, type Judgement, type StepResult } from './verify.js';

export interface ActionEnv {
  securityfs: string;
  journalPath: string;
  isRoot: boolean;
  readOnly: boolean;
  timeoutMs?: number;
  /** The environment the commands run with (PATH decides which tools run). */
  env?: NodeJS.ProcessEnv;
  operator: string;
  host: string;
  now?: () => Date;
}

export interface ActionRequest {
  plan: ActionPlan;
  trigger?: ActionJournalEntry['trigger'];
  reason?: string;
  /** The reason overrides a likely-attack verdict. */
  override?: boolean;
  /** The journal id of the action this one undoes. */
  undoOf?: string;
}

/** An action that ran: what it ran, what the kernel showed, and both journal entries. */
export interface ActionDone {
  done: true;
  id: string;
  judgement: Judgement;
  steps: StepResult[];
  intent: ActionJournalEntry;
  result: ActionJournalEntry;
  /** Set when the result entry could not be written: the journal lacks this action's outcome. */
  journalError?: string;
}

export type ActionReport = ActionDone | { done: false; refused: string };

/** Who acts: the sudo caller when there is one (root alone says nothing about the person). */
export function operatorName(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SUDO_USER) return env.SUDO_USER;
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.LOGNAME ?? 'unknown';
  }
}

export function hostName(): string {
  return hostname();
}

function outputOf(steps: StepResult[]): string {
  const multi = steps.length > 1;
  return cutOutput(
    steps
      .map((s) => {
        const text = [s.stdout, s.stderr, s.startError ?? '']
          .map((x) => x.trim())
          .filter(Boolean)
          .join('\n');
        return multi ? `[${s.argv[0]}] ${text}`.trim() : text;
      })
      .filter(Boolean)
      .join('\n'),
  );
}

/** The journal's result entry of an action: what ran, what it said, and what the kernel showed. */
export function resultEntry(intent: ActionJournalEntry, steps: StepResult[], judgement: Judgement, time: Date): ActionJournalEntry {
  return {
    ...intent,
    phase: 'result',
    time: time.toISOString(),
    argv: steps.map((s) => s.argv),
    ...(judgement.modeAfter !== undefined ? { modeAfter: judgement.modeAfter } : {}),
    exitCodes: steps.map((s) => s.exitCode),
    output: outputOf(steps),
    verified: judgement.outcome === 'verified',
    outcome: judgement.outcome,
    ...(judgement.outcome !== 'verified' ? { error: judgement.message } : {}),
  };
}

/**
 * Appends the result; a write that did not complete is said in the judgement's message and returned,
 * so no caller reports "journaled" for an entry that is not there.
 */
export async function journalResult(journalPath: string, result: ActionJournalEntry, judgement: Judgement): Promise<string | undefined> {
  try {
    await appendJournal(journalPath, result);
    return undefined;
  } catch (err) {
    const journalError = `the result could not be journaled (${journalPath}: ${(err as Error).message})`;
    judgement.message += `; ${journalError}`;
    return journalError;
  }
}
/**
 * What a plan's commands read on standard input: the profile's part of its file, made from `text`
 * (the file as the commands will find it; read now when not given), and which lines those are.
 * Refused for a command on a whole file that declares other profiles, whoever built the plan.
 */
export async function stepsInput(plan: ActionPlan, text?: string): Promise<{ ok: true; input?: string; kept?: string } | { ok: false; reason: string }> {
  const t = plan.target;
  if (t.siblings.length && !plan.input)
    return { ok: false, reason: `${(wholeFileRefusal(plan.action, t) ?? { reason: `${t.file} also declares ${t.siblings.join(', ')}` }).reason}; nothing was changed` };
  if (!plan.input) return { ok: true };
  let current = text;
  if (current === undefined) {
    try {
      current = await readFile(plan.input.file, 'utf8');
    } catch (err) {
      return { ok: false, reason: `cannot read ${plan.input.file}: ${(err as Error).message}; nothing was changed` };
    }
  }
  const x = profileExtract(current, plan.input.profile, plan.input.file);
  return x.ok ? { ok: true, input: x.text, kept: x.kept } : { ok: false, reason: `${x.reason}: ${plan.input.profile} cannot be loaded alone; nothing was changed` };
}

export async function performAction(req: ActionRequest, env: ActionEnv): Promise<ActionReport> {
  const allowed = actionsAvailability(env);
  if (!allowed.enabled) return { done: false, refused: allowed.reason };
  // its file edit is made by performModeEdit: run alone, the reload would bring back the mode the file declares
  if (req.plan.editsFlags) return { done: false, refused: `${req.plan.action} of ${req.plan.target.profile} writes its flags first, which this does not do; nothing was changed` };
  return withProfileLock(env, req.plan.target.profile, () => performLocked(req, env));
}

/**
 * Runs `work` holding the profile's action lock: two actions on one profile never interleave (the
 * second is refused, naming the first's process).
 */
export async function withProfileLock<T extends { done: boolean }>(env: ActionEnv, profile: string, work: () => Promise<T>): Promise<T | { done: false; refused: string }> {
  let lock: HeldLock;
  try {
    const attempt = await tryLock(profileLockPath(env.journalPath, profile));
    if (!attempt.ok) {
      const h = attempt.holder;
      return {
        done: false,
        refused: `another action on ${profile} is running (aa-triage pid ${Number.isNaN(h.pid) ? 'unknown' : h.pid}${h.since ? `, since ${h.since}` : ''}); nothing was changed: wait for it and look at its result first`,
      };
    }
    lock = attempt.lock;
  } catch (err) {
    return { done: false, refused: `cannot write the action journal ${env.journalPath} (its lock for ${profile}: ${(err as Error).message}) (nothing was changed)` };
  }
  try {
    return await work();
  } finally {
    await lock.release();
  }
}

async function performLocked(req: ActionRequest, env: ActionEnv): Promise<ActionReport> {
  const { plan } = req;
  const now = env.now ?? (() => new Date());
  const id = newActionId();
  const readOpts = { env: env.env ?? process.env };
  const input = await stepsInput(plan);
  if (!input.ok) return { done: false, refused: input.reason };
  const before = await readLoadedProfiles(env.securityfs, readOpts);
  const profileMode = before.ok ? (before.profiles.get(plan.target.profile) ?? 'not loaded') : undefined;
  const intent: ActionJournalEntry = {
    v: 1,
    id,
    phase: 'intent',
    time: now().toISOString(),
    operator: env.operator,
    host: env.host,
    action: plan.action,
    profile: plan.target.profile,
    file: plan.target.file,
    argv: plan.steps,
    ...(input.kept ? { input: input.kept } : {}),
    ...(plan.target.viaParent ? { requested: plan.target.requested } : {}),
    ...(req.trigger ? { trigger: req.trigger } : {}),
    ...(profileMode !== undefined ? { modeBefore: profileMode } : {}),
    ...(req.reason ? (req.override ? { override: { reason: req.reason } } : { reason: req.reason }) : {}),
    ...(req.undoOf ? { undoOf: req.undoOf } : {}),
  };
  try {
    await appendJournal(env.journalPath, intent);
  } catch (err) {
    return { done: false, refused: `cannot write the action journal ${env.journalPath}: ${(err as Error).message} (nothing was changed)` };
  }
  const steps = await runSteps(plan.steps, { timeoutMs: env.timeoutMs ?? DEFAULT_TIMEOUT_MS, env: env.env, input: input.input });
  const after = await readLoadedProfiles(env.securityfs, readOpts);
  const link = plan.expectLink ? await readDisableLink(plan.target.disableLink) : undefined;
  const judgement = judge(plan, before, after, steps, link);
  const result = resultEntry(intent, steps, judgement, now());
  const journalError = await journalResult(env.journalPath, result, judgement);
  return { done: true, id, judgement, steps, intent, result, ...(journalError ? { journalError } : {}) };
}
