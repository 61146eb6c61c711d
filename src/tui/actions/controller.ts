/**
 * Carries out what the dialogs decide: resolves the selected profile, opens the right dialog, runs
 * the confirmed plan through performAction (journal, execa, verification), or performModeEdit for
 * one that writes the profile's flags, and watches the record
 * stream for the kernel's STATUS record of the change. Holds the dialog state outside React; the
 * view subscribes to it. I/O lives in the injected dependencies so tests run it on temp trees.
 */
import { actionsAvailability } from '../../actions/confirm.js';
import { performModeEdit, prepareFlagsUndo, prepareModeEdit } from '../../actions/mode-edit.js';
import { performAction, type ActionEnv } from '../../actions/perform.js';
import { buildPlan, wholeFileRefusal, whyByFlags, type ActionPlan } from '../../actions/plan.js';
import type { Resolution } from '../../actions/resolve-target.js';
import { planUndo, undoCandidates, type UndoCandidate } from '../../actions/undo.js';
import { confirmsAction } from '../../actions/verify.js';
import { readDisableLink, readLoadedProfiles } from '../../actions/kernel-state.js';
import type { ActionJournalEntry } from '../../model/action.js';
import type { AppArmorRecord, Verdict } from '../../model/record.js';
import { AllowRun } from './allow-run.js';
import { writtenByProgramsOnly, type AllowGroup } from './allow-flow.js';
import { CLOSED, dialogKey, openConfirm, type DialogKey, type DialogState } from './dialog-state.js';

export type ActionVerb = 'complain' | 'unload' | 'disable' | 'undo' | 'allow';

/** What the selection offers: the denial group (its verdict and evidence), the profile, the marked groups. */
export interface ActionSubject {
  group?: AllowGroup;
  profile?: string;
  /** Denial groups marked for one allow dialog (m). */
  marked?: AllowGroup[];
}

export interface ActionControllerDeps {
  env: ActionEnv;
  resolve(name: string): Promise<Resolution>;
  hasCommand(name: string): boolean;
  readJournal(): Promise<ActionJournalEntry[]>;
  /** After a journal write (the action log re-reads the journal). */
  onJournal?(): void;
  /**
   * A likely-attack denial group on any of these profiles, described in one line. The action changes
   * the whole file, so an attack on a sibling group of the same profile counts too, whichever
   * row the action was started from.
   */
  attackOn?(profiles: string[]): string | undefined;
}

const MAX_EVIDENCE = 2000;

export function triggerOf(subject: ActionSubject): ActionJournalEntry['trigger'] | undefined {
  const samples = subject.group?.samples;
  const r = samples?.[samples.length - 1];
  if (!r) return undefined;
  return {
    ...(r.auditId ? { auditId: r.auditId } : {}),
    ...(r.serial !== undefined ? { serial: r.serial } : {}),
    source: r.source,
    ...(subject.group?.verdict ? { verdict: subject.group.verdict } : {}),
    evidence: r.raw.length > MAX_EVIDENCE ? r.raw.slice(0, MAX_EVIDENCE) : r.raw,
  };
}

export class ActionController {
  private state: DialogState = CLOSED;
  private readonly listeners = new Set<() => void>();
  private token = 0;
  /** The plan whose STATUS record is awaited (the last action run). */
  private watching?: ActionPlan;
  /** The STATUS record seen for it, as `operation name`. */
  private status?: string;

  /** The allow dialog's steps (check, apply, undo, watching for a repeat). */
  private readonly allow: AllowRun;

  constructor(private readonly deps: ActionControllerDeps) {
    this.allow = new AllowRun(deps, {
      get: () => this.state,
      set: (st) => this.set(st),
      token: () => this.token,
      next: () => ++this.token,
    });
  }

  subscribe = (cb: () => void): (() => void) => {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  };
  get = (): DialogState => this.state;
  isOpen = (): boolean => this.state.kind !== 'closed';

  private set(s: DialogState): void {
    this.state = s;
    for (const cb of this.listeners) cb();
  }

  close(): void {
    this.token++;
    this.allow.stopWatching();
    this.set(CLOSED);
  }

  /** A key while a dialog is open. */
  key(input: string, key: DialogKey): void {
    const step = dialogKey(this.state, input, key);
    if (step.effect?.type === 'close') {
      this.token++;
      this.allow.stopWatching();
    }
    this.set(step.state);
    if (step.effect?.type === 'run') void (step.effect.confirm.plan.action === 'remove-rule' ? this.allow.runUndo(step.effect.confirm) : this.run(step.effect.confirm));
    if (step.effect?.type === 'undo') void this.reviewUndo(step.effect.candidate);
    if (step.effect?.type === 'allow-check') void this.allow.check(step.effect.edit);
    if (step.effect?.type === 'allow-run') void this.allow.apply(step.effect.review);
  }

  /** Opens the dialog for a verb on the selection. Nothing runs before the dialog is confirmed. */
  async open(verb: ActionVerb, subject: ActionSubject): Promise<void> {
    const token = ++this.token;
    const available = actionsAvailability(this.deps.env);
    if (!available.enabled) {
      this.set({ kind: 'message', title: `${verb}: not available`, lines: [available.reason, 'Nothing was tried.'] });
      return;
    }
    if (verb === 'allow') return this.allow.open(subject, token);
    if (verb === 'undo') {
      this.set({ kind: 'message', title: 'Undo', lines: ['reading the action journal ...'], busy: true });
      let candidates: UndoCandidate[];
      try {
        // an action killed mid-way left only its intent: the kernel's state says whether it took effect
        const kernel = await readLoadedProfiles(this.deps.env.securityfs);
        candidates = undoCandidates(await this.deps.readJournal(), kernel.ok ? kernel.profiles : undefined);
      } catch (err) {
        if (token === this.token) this.set({ kind: 'message', title: 'Undo', lines: [`cannot read the action journal: ${(err as Error).message}`] });
        return;
      }
      if (token !== this.token) return;
      this.set(
        candidates.length
          ? { kind: 'choose-undo', candidates, index: 0 }
          : { kind: 'message', title: 'Undo', lines: ['Nothing to undo: no complain, unload, disable or allow in the action journal that is not undone yet.'] },
      );
      return;
    }
    const name = subject.profile ?? subject.group?.profile;
    if (!name) {
      this.set({ kind: 'message', title: verb, lines: ['Select a denial group (or a profile) first: the action applies to its profile.'] });
      return;
    }
    this.set({ kind: 'message', title: verb, lines: ['finding the file that declares the profile ...'], busy: true });
    const r = await this.deps.resolve(name);
    if (token !== this.token) return;
    if (!r.ok) {
      this.set({ kind: 'message', title: `${verb}: refused`, lines: [r.refusal.reason, 'Nothing was tried.'] });
      return;
    }
    // a file that declares other profiles: only what loads or removes this one alone (plan.ts)
    const whole = wholeFileRefusal(verb, r.target);
    if (whole) {
      this.set({ kind: 'message', title: `${verb}: refused`, lines: [whole.reason, 'Nothing was tried.'] });
      return;
    }
    const attack = subject.group?.verdict === 'likely-attack' ? undefined : this.deps.attackOn?.([...new Set([r.target.profile, ...r.target.fileProfiles])]);
    const verdict = (attack ? 'likely-attack' : subject.group?.verdict) as Verdict | undefined;
    const attackNote = attack ? `Likely attack on the same profile: ${attack}` : undefined;
    const trigger = triggerOf(subject);
    const pointless = await this.changesNothing(verb, r.target.profile, r.target.disableLink);
    if (token !== this.token) return;
    if (pointless) {
      this.set({ kind: 'message', title: `${verb}: nothing to change`, lines: [pointless, 'Nothing was tried.'] });
      return;
    }
    // asked of the selected group only: a profile chosen from the profiles table brings no evidence of its own
    const unproven = writtenByProgramsOnly(subject.group);
    if (verb === 'complain') {
      const runtime = buildPlan('complain-runtime', r.target);
      // aa-complain where it can do it; else complain written into the profile's own flags (mode-edit.ts)
      const persistent = buildPlan('complain', r.target, { editFlags: !this.deps.hasCommand('aa-complain') });
      const prepared = persistent.editsFlags ? await prepareModeEdit(persistent) : { ok: true as const, plan: persistent };
      if (token !== this.token) return;
      if (!prepared.ok) {
        this.set(
          openConfirm({
            plan: runtime,
            note: [`A persistent complain is not offered: ${prepared.reason}.`, attackNote].filter(Boolean).join(' '),
            verdict,
            unproven,
            trigger,
          }),
        );
        return;
      }
      const why = persistent.editsFlags ? `The persistent complain writes ${r.target.profile}'s own flags: ${whyByFlags('complain', r.target)}.` : undefined;
      this.set(openConfirm({ plan: prepared.plan, alternative: runtime, note: [why, attackNote].filter(Boolean).join(' ') || undefined, verdict, unproven, trigger }));
      return;
    }
    this.set(openConfirm({ plan: buildPlan(verb, r.target), note: attackNote, verdict, unproven, trigger }));
  }

  /** Why `verb` would change nothing in the kernel's state now (undefined: it would, or the state is unreadable). */
  private async changesNothing(verb: Exclude<ActionVerb, 'undo'>, profile: string, disableLink: string): Promise<string | undefined> {
    const kernel = await readLoadedProfiles(this.deps.env.securityfs);
    if (!kernel.ok) return undefined;
    const mode = kernel.profiles.get(profile);
    if (verb === 'complain' && mode === 'complain') return `${profile} is already in complain mode (the kernel's loaded-profile list says so).`;
    if (verb === 'unload' && mode === undefined) return `${profile} is not loaded (the kernel's loaded-profile list does not hold it): there is nothing to unload.`;
    if (verb === 'disable' && mode === undefined && (await readDisableLink(disableLink)) !== undefined) return `${profile} is not loaded and ${disableLink} already exists: it is disabled.`;
    return undefined;
  }

  private async reviewUndo(c: UndoCandidate): Promise<void> {
    const token = ++this.token;
    const e = c.entry;
    const r = await this.deps.resolve(e.requested ?? e.profile);
    if (token !== this.token) return;
    const step = planUndo(c, r, this.deps.hasCommand);
    if (step.kind === 'refused') {
      this.set({ kind: 'message', title: step.title, lines: step.title === 'Undo: refused' ? [step.reason, 'Nothing was tried.'] : [step.reason] });
      return;
    }
    if (step.kind === 'remove-rule') return this.allow.reviewUndo(step.entry, step.target, token);
    if (step.kind === 'restore-flags' || step.plan.editsFlags) {
      const p = (await prepareFlagsUndo(step))!;
      if (token !== this.token) return;
      if (!p.ok) this.set({ kind: 'message', title: 'Undo: refused', lines: [p.reason] });
      else this.set(openConfirm({ plan: p.plan, undoOf: e.id }));
      return;
    }
    this.set(openConfirm({ plan: step.plan, undoOf: step.undoOf }));
  }

  private async run(c: Extract<DialogState, { kind: 'confirm' }>): Promise<void> {
    const token = ++this.token;
    const reason = c.reason.trim() || undefined;
    // The STATUS record can arrive before the command returns: watch from the start.
    this.watching = c.plan;
    this.status = undefined;
    const req = { trigger: c.trigger, reason, override: c.req.override, undoOf: c.undoOf };
    const report = c.plan.editsFlags ? await performModeEdit(c.plan, this.deps.env, req) : await performAction({ plan: c.plan, ...req }, this.deps.env);
    this.deps.onJournal?.();
    if (token !== this.token) return;
    if (!report.done) {
      this.watching = undefined;
      this.set({ kind: 'message', title: `${c.plan.action}: refused`, lines: [report.refused] });
      return;
    }
    this.set({ kind: 'result', plan: c.plan, judgement: report.judgement, steps: report.steps, id: report.id, journal: this.deps.env.journalPath, status: this.status });
  }

  /** Every record from the stream: the STATUS record of the last action confirms it in the result dialog. */
  observe(r: AppArmorRecord): void {
    // a program's log line (a followed syslog file) tells nothing of what the kernel did
    if (r.writer !== undefined) return;
    this.allow.observe(r);
    if (!this.watching || this.status || r.kind !== 'STATUS' || !confirmsAction(this.watching, r)) return;
    this.status = `${r.fields.operation} ${r.fields.name}`;
    const s = this.state;
    if (s.kind === 'result') this.set({ ...s, status: this.status });
  }
}
