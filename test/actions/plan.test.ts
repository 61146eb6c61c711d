import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { ActionJournalEntry } from '../../src/model/action.js';
import type { AppArmorRecord } from '../../src/model/record.js';
import { actionsAvailability, confirmationFor, confirmationProblem } from '../../src/actions/confirm.js';
import { parseLoadedProfiles } from '../../src/actions/kernel-state.js';
import { buildPlan, commandLine, wholeFileRefusal } from '../../src/actions/plan.js';
import { planLines } from '../../src/actions/describe.js';
import type { Target } from '../../src/actions/resolve-target.js';
import { undoCandidates, undoTarget } from '../../src/actions/undo.js';
import { dialogLines } from '../../src/tui/actions/dialog-lines.js';
import { openConfirm } from '../../src/tui/actions/dialog-state.js';
import { MONO_THEME } from '../../src/tui/theme.js';
import { confirmsAction, judge, stepTrouble } from '../../src/actions/verify.js';

const target: Target = {
  requested: '/usr/sbin/nginx',
  profile: '/usr/sbin/nginx',
  viaParent: false,
  file: '/etc/apparmor.d/usr.sbin.nginx',
  root: '/etc/apparmor.d',
  disableLink: '/etc/apparmor.d/disable/usr.sbin.nginx',
  fileProfiles: ['/usr/sbin/nginx'],
  siblings: [],
  declaredMode: 'enforce',
};

describe('plans', () => {
  it('name the exact commands for every action', () => {
    const steps = (a: Parameters<typeof buildPlan>[0]) => buildPlan(a, target).steps.map(commandLine);
    assert.deepEqual(steps('complain'), ['aa-complain /etc/apparmor.d/usr.sbin.nginx']);
    assert.deepEqual(steps('complain-runtime'), ['apparmor_parser -r -C /etc/apparmor.d/usr.sbin.nginx']);
    assert.deepEqual(steps('unload'), ['apparmor_parser -R /etc/apparmor.d/usr.sbin.nginx']);
    assert.deepEqual(steps('disable'), ['ln -sfT -- /etc/apparmor.d/usr.sbin.nginx /etc/apparmor.d/disable/usr.sbin.nginx', 'apparmor_parser -R /etc/apparmor.d/usr.sbin.nginx']);
    assert.deepEqual(steps('enforce'), ['aa-enforce /etc/apparmor.d/usr.sbin.nginx']);
    assert.deepEqual(steps('reload'), ['apparmor_parser -r /etc/apparmor.d/usr.sbin.nginx']);
    assert.deepEqual(steps('enable'), ['rm -f -- /etc/apparmor.d/disable/usr.sbin.nginx', 'apparmor_parser -r /etc/apparmor.d/usr.sbin.nginx']);
  });
  it('say whether the change persists and what it does to processes', () => {
    assert.equal(buildPlan('complain', target).persists, true);
    assert.equal(buildPlan('complain-runtime', target).persists, false);
    assert.match(buildPlan('unload', { ...target, fileProfiles: ['/usr/sbin/nginx', '/usr/sbin/nginx//php'] }).consequence, /\/usr\/sbin\/nginx, \/usr\/sbin\/nginx\/\/php run UNCONFINED/);
    assert.match(
      planLines(buildPlan('complain', { ...target, requested: '/usr/sbin/nginx//php', viaParent: true })).join('\n'),
      /asked for: \/usr\/sbin\/nginx\/\/php \(declared inside \/usr\/sbin\/nginx/,
    );
  });
  it('a reload asked to enforce a file that declares complain warns before, in the dialog too, and is judged against enforce', () => {
    const complainFile = { ...target, declaredMode: 'complain' };
    const plan = buildPlan('reload', complainFile, { want: 'enforce' });
    assert.equal(plan.expect, 'enforce');
    assert.match(plan.warning ?? '', /declares flags=\(complain\): loading it again gives complain, not enforce; aa-enforce/);
    const text = dialogLines(openConfirm({ plan, undoOf: 'x' }), 120, MONO_THEME)
      .map((l) => l.map((s) => s.text).join(''))
      .join('\n');
    assert.match(text, /WARNING: .*declares flags=\(complain\)/);
    assert.equal(buildPlan('reload', complainFile).warning, undefined, 'a plain reload asks for what the file declares');
    assert.equal(buildPlan('reload', target, { want: 'enforce' }).warning, undefined);
  });
  it('quote display words a reader would misread', () => {
    assert.equal(commandLine(['apparmor_parser', '-R', "/etc/apparmor.d/my file's"]), `apparmor_parser -R '/etc/apparmor.d/my file'\\''s'`);
  });
});

describe('confirmation tiers', () => {
  it('runtime complain: the command; persistent complain and disable: the consequence; unload: the typed name', () => {
    assert.equal(confirmationFor(buildPlan('complain-runtime', target)).tier, 'command');
    assert.equal(confirmationFor(buildPlan('complain', target)).tier, 'consequence');
    assert.equal(confirmationFor(buildPlan('disable', target)).tier, 'consequence');
    const unload = confirmationFor(buildPlan('unload', target));
    assert.equal(unload.tier, 'type-name');
    assert.equal(confirmationProblem(unload, buildPlan('unload', target), { typedName: 'nginx' }), 'type the profile name (/usr/sbin/nginx) to confirm');
    assert.equal(confirmationProblem(unload, buildPlan('unload', target), { typedName: '/usr/sbin/nginx' }), undefined);
  });
  it("evidence only a program's log line gave makes every loosening action need the name and a reason", () => {
    for (const a of ['complain', 'complain-runtime', 'unload', 'disable'] as const) {
      const plan = buildPlan(a, target);
      const req = confirmationFor(plan, 'missing-rule', true);
      assert.equal(req.typeName, true, a);
      assert.equal(req.reasonRequired, true, a);
      assert.equal(req.override, false, a);
      assert.match(req.warning ?? '', /came from a program's log line/);
      assert.match(confirmationProblem(req, plan, { typedName: '/usr/sbin/nginx' }) ?? '', /^give a reason$/);
      const lines = dialogLines(openConfirm({ plan, verdict: 'missing-rule', unproven: true }), 100, MONO_THEME)
        .map((l) => l.map((x) => x.text).join(''))
        .join('\n');
      assert.match(lines, /WARNING: Every record of this denial group came from a program's log line/);
      assert.doesNotMatch(lines, /likely attack/);
    }
    // taking it back (enforce, load) loosens nothing: no such demand
    assert.equal(confirmationFor(buildPlan('enforce', target), undefined, true).reasonRequired, false);
  });

  it('a likely attack makes every loosening action need the name and a reason, as an override', () => {
    for (const a of ['complain', 'complain-runtime', 'unload', 'disable'] as const) {
      const plan = buildPlan(a, target);
      const req = confirmationFor(plan, 'likely-attack');
      assert.equal(req.typeName, true, a);
      assert.equal(req.override, true, a);
      assert.match(req.warning ?? '', /looks like an attack/);
      assert.match(confirmationProblem(req, plan, {}) ?? '', /type the profile name/);
      assert.match(confirmationProblem(req, plan, { typedName: '/usr/sbin/nginx' }) ?? '', /reason for overriding/);
      assert.equal(confirmationProblem(req, plan, { typedName: '/usr/sbin/nginx', reason: 'sure' }), undefined);
    }
    assert.equal(confirmationFor(buildPlan('enforce', target), 'likely-attack').override, false);
  });
  it('actions are unavailable to non-root and in read-only mode', () => {
    assert.deepEqual(actionsAvailability({ isRoot: true, readOnly: false }), { enabled: true });
    assert.match((actionsAvailability({ isRoot: false, readOnly: false }) as { reason: string }).reason, /not root/);
    assert.match((actionsAvailability({ isRoot: true, readOnly: true }) as { reason: string }).reason, /read-only/);
  });
});

describe('kernel state and verification', () => {
  it('splits the mode off the right: names may contain spaces and parentheses', () => {
    const m = parseLoadedProfiles('/usr/bin/my app (v2) (complain)\nnginx (enforce)\ngarbage\n');
    assert.equal(m.get('/usr/bin/my app (v2)'), 'complain');
    assert.equal(m.get('nginx'), 'enforce');
    assert.equal(m.size, 2);
  });
  it('flags error words in output even with exit 0, and exit codes otherwise', () => {
    assert.match(stepTrouble({ argv: ['aa-complain'], exitCode: 0, stdout: "Can't find x", stderr: '', timedOut: false }) ?? '', /said: Can't find/);
    assert.equal(stepTrouble({ argv: ['aa-complain'], exitCode: 0, stdout: 'Setting x to complain mode.', stderr: '', timedOut: false }), undefined);
    assert.match(stepTrouble({ argv: ['apparmor_parser'], exitCode: 1, stdout: '', stderr: 'Sorry. You need root privileges to run this program.', timedOut: false }) ?? '', /exited 1: Sorry/);
  });
  it('a disable is verified only with the link in place', () => {
    const plan = buildPlan('disable', target);
    const before = { ok: true as const, profiles: new Map([['/usr/sbin/nginx', 'enforce']]) };
    const after = { ok: true as const, profiles: new Map<string, string>() };
    const ok = { argv: ['x'], exitCode: 0, stdout: '', stderr: '', timedOut: false };
    assert.equal(judge(plan, before, after, [ok, ok], target.file).outcome, 'verified');
    const noLink = judge(plan, before, after, [ok, ok], undefined);
    assert.equal(noLink.outcome, 'failed');
    assert.match(noLink.message, /disable\/usr\.sbin\.nginx was not created/);
  });
  it("one profile of a file that declares several: verified only with the file's other profiles as they were", () => {
    const alpha: Target = { ...target, requested: 'alpha', profile: 'alpha', file: '/etc/apparmor.d/multi', fileProfiles: ['alpha', 'beta', 'beta//hat'], siblings: ['beta', 'beta//hat'] };
    const plan = buildPlan('complain-runtime', alpha);
    assert.deepEqual(plan.steps, [['apparmor_parser', '-r', '-C', '-K']]);
    assert.deepEqual(plan.input, { file: '/etc/apparmor.d/multi', profile: 'alpha' });
    assert.deepEqual(plan.alsoAffected, []);
    const read = (text: string) => ({ ok: true as const, profiles: parseLoadedProfiles(text) });
    const ok = { argv: [], exitCode: 0, stdout: '', stderr: '', timedOut: false };
    const before = read('alpha (enforce)\nbeta (enforce)\nbeta//hat (enforce)\n');
    assert.equal(judge(plan, before, read('alpha (complain)\nbeta (enforce)\nbeta//hat (enforce)\n'), [ok]).message, 'verified: alpha now complain (beta, beta//hat untouched)');
    const touched = judge(plan, before, read('alpha (complain)\nbeta (complain)\nbeta//hat (complain)\n'), [ok]);
    assert.equal(touched.outcome, 'failed');
    assert.match(touched.message, /the file's other profiles changed too \(beta enforce -> complain, beta\/\/hat enforce -> complain\)/);
    const unread = judge(plan, { ok: false, error: 'no' }, read('alpha (complain)\nbeta (enforce)\n'), [ok]);
    assert.match(unread.message, /whether beta, beta\/\/hat changed is not known/);
    // the whole-file actions are not for it: a plan that names the file is never given input
    assert.equal(buildPlan('disable', alpha).input, undefined);
    // complain and enforce write its own flags, then load it alone
    for (const mode of ['complain', 'enforce'] as const) {
      const p = buildPlan(mode, alpha);
      assert.equal(p.editsFlags, true, mode);
      assert.equal(p.persists, true);
      assert.deepEqual(p.steps, [['apparmor_parser', '-r', '-K']]);
      assert.deepEqual(p.input, { file: '/etc/apparmor.d/multi', profile: 'alpha' });
    }
    // and so does a file of one profile when apparmor-utils is missing; with it, aa-complain
    assert.deepEqual(buildPlan('complain', target, { editFlags: true }).steps, [['apparmor_parser', '-r', target.file]]);
    assert.deepEqual(buildPlan('complain', target).steps, [['aa-complain', target.file]]);
    assert.match(wholeFileRefusal('disable', alpha)!.reason, /act unload removes alpha alone/);
    assert.equal(wholeFileRefusal('unload', alpha), undefined);
    assert.equal(wholeFileRefusal('disable', target), undefined);
  });

  it('a STATUS record of the change confirms it', () => {
    const rec = (op: string, name: string) => ({ kind: 'STATUS', fields: { operation: op, name } }) as unknown as AppArmorRecord;
    assert.equal(confirmsAction(buildPlan('complain', target), rec('profile_replace', '/usr/sbin/nginx')), true);
    assert.equal(confirmsAction(buildPlan('unload', target), rec('profile_remove', '/usr/sbin/nginx')), true);
    assert.equal(confirmsAction(buildPlan('unload', target), rec('profile_replace', '/usr/sbin/nginx')), false);
    assert.equal(confirmsAction(buildPlan('complain', target), rec('profile_replace', 'other')), false);
  });
});

describe('undo from the journal', () => {
  const entry = (id: string, action: ActionJournalEntry['action'], extra: Partial<ActionJournalEntry> = {}): ActionJournalEntry => ({
    v: 1,
    id,
    phase: 'result',
    time: '2026-11-22T03:00:00Z',
    operator: 'oncall',
    host: 'web-01',
    action,
    profile: '/usr/sbin/nginx',
    file: target.file,
    argv: [],
    outcome: 'verified',
    ...extra,
  });
  it('lists loosening actions newest first, without failed or already undone ones', () => {
    const entries = [
      entry('a', 'complain'),
      { ...entry('a', 'complain'), phase: 'intent' as const },
      entry('b', 'unload', { outcome: 'failed' }),
      entry('c', 'disable'),
      entry('d', 'enable', { undoOf: 'c' }),
      entry('e', 'complain-runtime', { outcome: 'unverified' }),
    ];
    assert.deepEqual(
      undoCandidates(entries).map((c) => `${c.entry.id}:${c.undo}`),
      ['e:reload', 'a:enforce'],
    );
  });
  it('an interrupted action (intent, no result) is undone when the kernel shows it took effect', () => {
    const intent = (id: string, action: ActionJournalEntry['action'], modeBefore = 'enforce') => ({ ...entry(id, action), phase: 'intent' as const, outcome: undefined, modeBefore });
    const unloaded = parseLoadedProfiles('/usr/bin/other (enforce)\n');
    const u = undoCandidates([intent('k', 'unload')], unloaded);
    assert.deepEqual(
      u.map((c) => `${c.entry.id}:${c.undo}:${c.interrupted}`),
      ['k:reload:true'],
    );
    // the unload did not happen: nothing to undo
    assert.deepEqual(undoCandidates([intent('k', 'unload')], parseLoadedProfiles('/usr/sbin/nginx (enforce)\n')), []);
    // a complain that took effect, and one that did not
    assert.equal(undoCandidates([intent('c', 'complain-runtime')], parseLoadedProfiles('/usr/sbin/nginx (complain)\n'))[0]?.undo, 'reload');
    assert.deepEqual(undoCandidates([intent('c', 'complain-runtime')], parseLoadedProfiles('/usr/sbin/nginx (enforce)\n')), []);
    // without the kernel's state an intent alone proves nothing
    assert.deepEqual(undoCandidates([intent('k', 'unload')]), []);
    // an intent with its result is judged by the result, once
    assert.deepEqual(
      undoCandidates([intent('k', 'unload'), entry('k', 'unload')], unloaded).map((c) => `${c.entry.id}:${c.interrupted ?? false}`),
      ['k:false'],
    );
  });
  it('refuses when the profile now resolves to another file', () => {
    const moved = undoTarget(entry('a', 'complain'), { ok: true, target: { ...target, file: '/etc/apparmor.d/other' } });
    assert.equal(moved.ok, false);
    assert.equal(undoTarget(entry('a', 'complain'), { ok: true, target }).ok, true);
  });
});
