/**
 * The allow dialog's side of the action controller: opens the dialog for the selected or marked
 * denial groups, checks the edited rules (bounded by their denials, placed, compiled by apparmor_parser),
 * applies them through the same journal-and-verify sequence as every action, and after the reload
 * watches the stream for the kernel's STATUS record and for the same denial coming back. Its undo
 * (from z) removes exactly the lines added. I/O through the controller's injected dependencies.
 */
import { checkRules, performAllow, performUndoAllow, prepareAllow, prepareUndoAllow, type UndoAllowPreparation } from '../../actions/allow.js';
import { generatedRefusal } from '../../actions/allow.js';
import type { Target } from '../../actions/resolve-target.js';
import { checkEditedRule } from '../../actions/rule-scope.js';
import { confirmsAction } from '../../actions/verify.js';
import type { ActionJournalEntry } from '../../model/action.js';
import { isDenial, recordProfile, recordTarget, type AppArmorRecord } from '../../model/record.js';
import { allowChoice } from './allow-flow.js';
import { openAllowEdit, type AllowEditState, type AllowReviewState } from './allow-dialog.js';
import type { ActionControllerDeps, ActionSubject } from './controller.js';
import { openConfirm, type ConfirmState, type DialogState } from './dialog-state.js';

/** How long the result dialog keeps watching for the same denial. */
export const REPEAT_WATCH_S = 120;

interface Host {
  get(): DialogState;
  set(s: DialogState): void;
  token(): number;
  next(): number;
}

interface Watch {
  profile: string;
  fileProfiles: string[];
  /** operation + target of each applied denial. */
  accesses: Set<string>;
  since: number;
  status?: string;
  repeat?: string;
  timer?: ReturnType<typeof setInterval>;
}

const accessKey = (op: string | undefined, target: string | undefined) => `${op ?? ''}\u0000${target ?? ''}`;

export class AllowRun {
  private watch?: Watch;
  private undo?: UndoAllowPreparation;

  constructor(
    private readonly deps: ActionControllerDeps,
    private readonly host: Host,
  ) {}

  private message(title: string, lines: string[]): void {
    this.host.set({ kind: 'message', title, lines });
  }

  async open(subject: ActionSubject, token: number): Promise<void> {
    const choice = allowChoice(subject.group, subject.marked);
    if (!choice.ok) return this.message(choice.title, choice.lines);
    const generated = generatedRefusal(choice.profile, undefined);
    if (generated) return this.message('Allow: refused (generated profile)', [generated, 'Nothing was tried.']);
    this.host.set({ kind: 'message', title: 'Allow', lines: ['finding the file that declares the profile ...'], busy: true });
    const r = await this.deps.resolve(choice.profile);
    if (token !== this.host.token()) return;
    if (!r.ok) return this.message('Allow: refused', [r.refusal.reason, 'Nothing was tried.']);
    const attack = this.deps.attackOn?.([...new Set([r.target.profile, ...r.target.fileProfiles])]);
    if (attack)
      return this.message('Allow: refused (likely attack on the same profile)', [
        `Likely attack on the same profile: ${attack}. Respond to it first; no rule is added to a profile under attack.`,
        'Nothing was tried.',
      ]);
    const marked = subject.marked?.length ? `${subject.marked.length} marked denial group${subject.marked.length > 1 ? 's' : ''}: one dialog, one reload` : undefined;
    const note = [choice.caution, marked].filter(Boolean).join('; ') || undefined;
    const samples = subject.group?.samples;
    const last = samples?.[samples.length - 1];
    const trigger: ActionJournalEntry['trigger'] | undefined = last
      ? { ...(last.auditId ? { auditId: last.auditId } : {}), source: last.source, verdict: subject.group?.verdict, evidence: last.raw.slice(0, 2000) }
      : undefined;
    this.host.set(openAllowEdit({ profile: choice.profile, items: choice.items, note, trigger }));
  }

  async check(edit: AllowEditState): Promise<void> {
    const token = this.host.next();
    const rules: string[] = [];
    for (const it of edit.items) {
      const c = checkEditedRule(it.rule, it.suggested, it.denied);
      if (!c.ok) {
        this.host.set({ ...edit, problem: `${it.rule}: ${c.reason}` });
        return;
      }
      rules.push(c.rule);
    }
    const r = await this.deps.resolve(edit.profile);
    if (token !== this.host.token()) return;
    if (!r.ok) return this.host.set({ ...edit, problem: r.refusal.reason });
    const prepared = await prepareAllow(r.target, [...new Set(rules)]).catch((err: Error) => ({ ok: false as const, reason: err.message }));
    if (token !== this.host.token()) return;
    if (!prepared.ok) return this.host.set({ ...edit, problem: prepared.reason });
    const checked = await checkRules(prepared.prep, this.deps.env);
    if (token !== this.host.token()) return;
    if (!checked.ok) return this.host.set({ ...edit, problem: `${checked.reason}; nothing is written` });
    this.host.set({ kind: 'allow-review', edit, prep: prepared.prep, focus: 'cancel' });
  }

  async apply(review: AllowReviewState): Promise<void> {
    const token = this.host.next();
    const { prep, edit } = review;
    const t = prep.plan.target;
    this.stopWatching();
    const watch: Watch = { profile: edit.profile, fileProfiles: t.fileProfiles, accesses: new Set(edit.items.map((i) => accessKey(i.operation, i.target))), since: Date.now() };
    this.watch = watch;
    const report = await performAllow(prep, this.deps.env, { trigger: edit.trigger, reason: edit.reason.trim() });
    this.deps.onJournal?.();
    if (token !== this.host.token()) return;
    if (!report.done) {
      this.watch = undefined;
      return this.message('Allow: refused', [report.refused]);
    }
    const notes = [`Rule${prep.rules.length > 1 ? 's' : ''} added in ${prep.placement.where}:`, ...prep.rules.map((r) => `  ${r}`)];
    if (report.judgement.outcome !== 'verified') this.watch = undefined;
    else {
      watch.since = Date.now();
      watch.repeat = 'no repeat in 0 s';
      watch.timer = setInterval(() => this.tick(), 1000);
      watch.timer.unref?.();
    }
    this.host.set({
      kind: 'result',
      plan: prep.plan,
      judgement: report.judgement,
      steps: report.steps,
      id: report.id,
      journal: this.deps.env.journalPath,
      notes,
      status: watch.status,
      repeat: this.watch ? watch.repeat : undefined,
    });
  }

  private tick(): void {
    const w = this.watch;
    if (!w) return;
    const secs = Math.round((Date.now() - w.since) / 1000);
    if (!w.repeat?.startsWith('still')) w.repeat = `no repeat in ${secs} s`;
    this.update();
    if (secs >= REPEAT_WATCH_S || w.repeat?.startsWith('still')) this.stopTimer();
  }

  private update(): void {
    const w = this.watch;
    const s = this.host.get();
    if (w && s.kind === 'result' && s.plan.action === 'allow') this.host.set({ ...s, status: w.status ?? s.status, repeat: w.repeat });
  }

  private stopTimer(): void {
    if (this.watch?.timer) clearInterval(this.watch.timer);
    if (this.watch) this.watch.timer = undefined;
  }

  stopWatching(): void {
    this.stopTimer();
    this.watch = undefined;
  }

  /** Every record from the stream: the reload's STATUS record, and the same denial coming back. */
  observe(r: AppArmorRecord): void {
    const w = this.watch;
    if (!w) return;
    if (r.kind === 'STATUS' && !w.status && r.fields.name && w.fileProfiles.includes(r.fields.name) && /^profile_(?:replace|load)$/.test(r.fields.operation ?? '')) {
      w.status = `${r.fields.operation} ${r.fields.name}`;
      this.update();
      return;
    }
    if (!isDenial(r) || recordProfile(r) !== w.profile || !w.accesses.has(accessKey(r.fields.operation, recordTarget(r)))) return;
    if (r.time !== undefined && r.time < w.since - 1000) return; // read before the reload
    if (w.repeat?.startsWith('still')) return;
    w.repeat = `still denied: ${r.fields.operation ?? ''} ${recordTarget(r) ?? ''} came back ${Math.max(0, Math.round((Date.now() - w.since) / 1000))} s after the reload`;
    this.update();
  }

  /** z on an allow: what would be removed, or why nothing will be touched (with the changes since). */
  async reviewUndo(entry: ActionJournalEntry, target: Target, token: number): Promise<void> {
    const u = await prepareUndoAllow(entry, target);
    if (token !== this.host.token()) return;
    if (!u.ok) return this.message('Undo: refused', [u.reason, ...(u.diff ?? []).slice(0, 40)]);
    this.undo = u.prep;
    const removed = u.prep.edits.reduce((n, e) => n + e.added.length, 0);
    const c = openConfirm({
      plan: u.prep.plan,
      undoOf: entry.id,
      note: `Removes exactly the ${removed} line${removed > 1 ? 's' : ''} the allow added (${(entry.rules ?? []).join(' ')}) from ${u.prep.edits.map((e) => e.file).join(' and ')}, then loads the file again.`,
    });
    this.host.set(c);
  }

  async runUndo(c: ConfirmState): Promise<void> {
    const token = this.host.next();
    const prep = this.undo;
    if (!prep || prep.undoOf !== c.undoOf) return this.message('Undo: refused', ['the undo was not prepared; press z again', 'Nothing was tried.']);
    this.undo = undefined;
    const report = await performUndoAllow(prep, this.deps.env);
    this.deps.onJournal?.();
    if (token !== this.host.token()) return;
    if (!report.done) return this.message('Undo: refused', [report.refused]);
    this.host.set({ kind: 'result', plan: prep.plan, judgement: report.judgement, steps: report.steps, id: report.id, journal: this.deps.env.journalPath, notes: prep.diff.slice(0, 12) });
  }
}
