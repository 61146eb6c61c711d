import { strict as assert } from 'node:assert';
import { appendFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { until } from '../tui/fixtures.js';
import { dirname } from 'node:path';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ActionKind } from '../../src/model/action.js';
import { operatorName, performAction } from '../../src/actions/perform.js';
import { buildPlan, UNDO_OF } from '../../src/actions/plan.js';
import { parseJournalText, readJournal, writeFully } from '../../src/actions/journal.js';
import { resolveTarget, type Target } from '../../src/actions/resolve-target.js';
import { makeHost, NGINX, type Host } from './helpers.js';
import { performModeEdit, prepareModeEdit } from '../../src/actions/mode-edit.js';

let host: Host;
beforeEach(() => {
  host = makeHost();
});
afterEach(() => host.cleanup());

async function target(name: string): Promise<Target> {
  const r = await resolveTarget(name, host.declarations, [host.profilesDir]);
  assert.ok(r.ok, 'target should resolve');
  return r.target;
}

async function act(action: ActionKind, name = '/usr/sbin/nginx', over: Parameters<Host['actionEnv']>[0] = {}, extra: { reason?: string; override?: boolean; undoOf?: string } = {}) {
  const plan = buildPlan(action, await target(name));
  const report = await performAction({ plan, ...extra }, host.actionEnv(over));
  assert.ok(report.done, report.done ? '' : report.refused);
  return report;
}

describe('one profile of a file that declares several', () => {
  it('a command on the whole file is refused whoever built the plan; a file that changed so its part cannot be cut out is refused; nothing runs', async () => {
    const alpha = await target('alpha');
    const whole = await performAction({ plan: buildPlan('disable', alpha), reason: 'x' }, host.actionEnv());
    assert.ok(!whole.done);
    assert.match(whole.refused, /a disable\/ link keeps the whole file from loading at boot, beta too.*nothing was changed/);
    // a complain that writes the profile's flags runs only with its edit (performModeEdit)
    const flags = await performAction({ plan: buildPlan('complain', alpha), reason: 'x' }, host.actionEnv());
    assert.ok(!flags.done);
    assert.match(flags.refused, /complain of alpha writes its flags first, which this does not do; nothing was changed/);
    writeFileSync(join(host.profilesDir, 'multi'), `include <abstractions/base>\n${readFileSync(join(host.profilesDir, 'multi'), 'utf8')}`);
    const cut = await performAction({ plan: buildPlan('unload', alpha), reason: 'x' }, host.actionEnv());
    assert.ok(!cut.done);
    assert.match(cut.refused, /includes <abstractions\/base> outside its profiles.*alpha cannot be loaded alone; nothing was changed/);
    assert.deepEqual(host.calls(), []);
    assert.equal(existsSync(host.journal), false);
  });
});

describe('actions and their undo against fake tools', () => {
  it('complain (persistent) edits the file, verifies, and enforce undoes it', async () => {
    const r = await act('complain');
    assert.equal(r.judgement.outcome, 'verified');
    assert.equal(r.judgement.message, 'verified: /usr/sbin/nginx now complain');
    assert.match(readFileSync(join(host.profilesDir, 'usr.sbin.nginx'), 'utf8'), /flags=\(attach_disconnected,complain\)/);
    assert.deepEqual(host.calls().at(-1), { tool: 'aa-complain', args: [join(host.profilesDir, 'usr.sbin.nginx')] });
    const u = await act(UNDO_OF.complain!, '/usr/sbin/nginx', {}, { undoOf: r.id });
    assert.equal(u.judgement.message, 'verified: /usr/sbin/nginx now enforce');
    assert.match(host.loaded(), /^\/usr\/sbin\/nginx \(enforce\)$/m);
    assert.doesNotMatch(readFileSync(join(host.profilesDir, 'usr.sbin.nginx'), 'utf8'), /complain/);
  });

  it('runtime complain leaves the file alone; reload undoes it', async () => {
    const r = await act('complain-runtime');
    assert.equal(r.judgement.outcome, 'verified');
    assert.deepEqual(host.calls().at(-1)?.args, ['-r', '-C', join(host.profilesDir, 'usr.sbin.nginx')]);
    assert.doesNotMatch(readFileSync(join(host.profilesDir, 'usr.sbin.nginx'), 'utf8'), /complain/);
    const u = await act(UNDO_OF['complain-runtime']!);
    assert.equal(u.judgement.message, 'verified: /usr/sbin/nginx now enforce');
  });

  it('unload removes every profile of the file (children too); reload brings them back', async () => {
    const r = await act('unload', 'thumbnail-renderer//helper');
    assert.equal(r.judgement.outcome, 'verified');
    assert.match(r.judgement.message, /thumbnail-renderer no longer loaded/);
    assert.doesNotMatch(host.loaded(), /thumbnail-renderer/);
    assert.equal(r.result.requested, 'thumbnail-renderer//helper');
    const u = await act(UNDO_OF.unload!, 'thumbnail-renderer');
    assert.equal(u.judgement.outcome, 'verified');
    assert.match(host.loaded(), /^thumbnail-renderer\/\/helper \(enforce\)$/m);
  });

  it('disable links disable/FILE and unloads; enable removes the link and loads', async () => {
    const link = join(host.profilesDir, 'disable', 'usr.sbin.nginx');
    const r = await act('disable');
    assert.equal(r.judgement.outcome, 'verified', r.judgement.message);
    assert.equal(r.judgement.message, 'verified: /usr/sbin/nginx unloaded and disabled');
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(readlinkSync(link), join(host.profilesDir, 'usr.sbin.nginx'));
    assert.deepEqual(
      r.result.argv.map((a) => a[0]),
      ['ln', 'apparmor_parser'],
    );
    const u = await act(UNDO_OF.disable!);
    assert.equal(u.judgement.outcome, 'verified', u.judgement.message);
    assert.equal(existsSync(link), false);
    assert.match(host.loaded(), /^\/usr\/sbin\/nginx \(enforce\)$/m);
  });
});

describe('failure modes are judged by the kernel state, not the exit code', () => {
  it('error text on stdout with exit 0 is a failure', async () => {
    const r = await act('complain', '/usr/sbin/nginx', { env: { ...host.env, FAKE_AA_BEHAVIOUR: 'stdout-error' } });
    assert.equal(r.steps[0].exitCode, 0);
    assert.equal(r.judgement.outcome, 'failed');
    assert.match(r.judgement.message, /^failed: \/usr\/sbin\/nginx is still enforce; aa-complain said: Can't find/);
    assert.equal(r.result.verified, false);
  });

  it('exit 254 from a second unload is reported, and the state still verifies', async () => {
    await act('unload');
    const r = await act('unload');
    assert.equal(r.steps[0].exitCode, 254);
    assert.equal(r.judgement.outcome, 'verified');
    assert.match(r.judgement.message, /already was not loaded.*apparmor_parser exited 254: Unable to remove "\/usr\/sbin\/nginx"\.  Profile doesn't exist/);
  });

  it('exit 254 while the profile stays loaded is a failure', async () => {
    const r = await act('unload', '/usr/sbin/nginx', { env: { ...host.env, FAKE_AA_BEHAVIOUR: 'exit254' } });
    assert.equal(r.judgement.outcome, 'failed');
    assert.match(r.judgement.message, /is still enforce; apparmor_parser exited 254/);
  });

  it('a command that hangs is killed at the timeout and the rest is not run', async () => {
    // the step's timedOut flag proves the kill; how long it took depends on the machine's load
    const r = await act('disable', '/usr/sbin/nginx', { timeoutMs: 400, env: { ...host.env, FAKE_AA_BEHAVIOUR: 'hang' } });
    assert.equal(r.steps.at(-1)?.timedOut, true);
    assert.equal(r.judgement.outcome, 'failed');
    assert.match(r.judgement.message, /apparmor_parser timed out/);
    assert.deepEqual(r.result.exitCodes, [0, null]);
  });

  it('a reload of a disabled file is skipped by the parser (exit 0): failed, with its words', async () => {
    await act('disable');
    const r = await act('reload');
    assert.equal(r.steps[0].exitCode, 0);
    assert.equal(r.judgement.outcome, 'failed');
    assert.match(r.judgement.message, /^failed: \/usr\/sbin\/nginx is not loaded; apparmor_parser said: Skipping profile in .*\/disable: usr\.sbin\.nginx/);
  });

  it('a missing tool is reported as such', async () => {
    const r = await act('complain', '/usr/sbin/nginx', { env: { ...host.env, PATH: '/nonexistent' } });
    assert.equal(r.judgement.outcome, 'failed');
    assert.match(r.judgement.message, /aa-complain could not run/);
  });

  it('an unreadable securityfs (and no answer from aa-status) makes the result unverified, never verified', async () => {
    const r = await act('complain', '/usr/sbin/nginx', { securityfs: join(host.dir, 'missing'), env: { ...host.env, FAKE_AA_STATUS: 'empty' } });
    assert.equal(r.judgement.outcome, 'unverified');
    assert.match(r.judgement.message, /cannot read .*profiles: no such file.*; aa-status --json printed nothing/);
  });
});

describe('privilege and the journal', () => {
  it('not root, or read-only: nothing is tried and nothing journaled', async () => {
    for (const over of [{ isRoot: false }, { readOnly: true }]) {
      const plan = buildPlan('complain', await target('/usr/sbin/nginx'));
      const r = await performAction({ plan }, host.actionEnv(over));
      assert.equal(r.done, false);
      if (!r.done) assert.match(r.refused, over.readOnly ? /read-only/ : /not root/);
    }
    assert.deepEqual(host.calls(), []);
    assert.equal(existsSync(host.journal), false);
  });

  it('writes an intent before and a result after, with everything a reviewer needs', async () => {
    const plan = buildPlan('complain', await target('/usr/sbin/nginx'));
    const trigger = { auditId: '1795316480.302:3115', serial: 3115, source: { name: 'kern.log', line: 28 }, verdict: 'likely-attack', evidence: 'audit: type=1400 ...' };
    const r = await performAction({ plan, trigger, reason: 'outage INC-1', override: true }, host.actionEnv());
    assert.ok(r.done);
    const entries = await readJournal(host.journal);
    assert.equal(entries.length, 2);
    const [intent, result] = entries;
    assert.equal(intent.phase, 'intent');
    assert.equal(result.phase, 'result');
    assert.equal(intent.id, result.id);
    for (const e of entries) {
      assert.equal(e.v, 1);
      assert.equal(e.operator, 'oncall');
      assert.equal(e.host, 'web-01');
      assert.equal(e.action, 'complain');
      assert.equal(e.profile, '/usr/sbin/nginx');
      assert.equal(e.file, join(host.profilesDir, 'usr.sbin.nginx'));
      assert.deepEqual(e.argv, [['aa-complain', join(host.profilesDir, 'usr.sbin.nginx')]]);
      assert.deepEqual(e.trigger, trigger);
      assert.deepEqual(e.override, { reason: 'outage INC-1' });
      assert.equal(e.modeBefore, 'enforce');
      assert.ok(!Number.isNaN(Date.parse(e.time)));
    }
    assert.equal(intent.outcome, undefined);
    assert.equal(result.modeAfter, 'complain');
    assert.deepEqual(result.exitCodes, [0]);
    assert.match(result.output ?? '', /Setting .*usr\.sbin\.nginx to complain mode\./);
    assert.equal(result.outcome, 'verified');
    assert.equal(result.verified, true);
  });

  it('the intent is on disk before the command runs', async () => {
    // the fake tool exits 99 unless the journal's last entry is this action's intent
    const plan = buildPlan('unload', await target('/usr/sbin/nginx'));
    const r = await performAction({ plan }, host.actionEnv({ env: { ...host.env, FAKE_AA_EXPECT_INTENT: host.journal } }));
    assert.ok(r.done);
    assert.deepEqual(r.result.exitCodes, [0]);
    assert.equal(r.judgement.outcome, 'verified');
    const entries = await readJournal(host.journal);
    assert.deepEqual(
      entries.map((e) => e.phase),
      ['intent', 'result'],
    );
  });

  it('the operator is the sudo caller when there is one', () => {
    assert.equal(operatorName({ SUDO_USER: 'alice', USER: 'root' }), 'alice');
    assert.ok(operatorName({}).length > 0);
  });

  it('refuses to act when the journal cannot be written', async () => {
    const plan = buildPlan('complain', await target('/usr/sbin/nginx'));
    const r = await performAction({ plan }, host.actionEnv({ journalPath: join(host.profilesDir, 'usr.sbin.nginx', 'x.jsonl') }));
    assert.equal(r.done, false);
    if (!r.done) assert.match(r.refused, /cannot write the action journal .*nothing was changed/);
    assert.deepEqual(host.calls(), []);
  });

  it('a result that cannot be journaled is an error the operator sees, not "journaled"', async () => {
    const plan = buildPlan('complain', await target('/usr/sbin/nginx'));
    const r = await performAction({ plan }, host.actionEnv({ env: { ...host.env, FAKE_AA_BREAK_JOURNAL: host.journal } }));
    assert.ok(r.done);
    if (!r.done) return;
    assert.match(r.journalError ?? '', /the result could not be journaled/);
    assert.match(r.judgement.message, /the result could not be journaled/);
  });

  it('a torn last line is never glued to the next entry; the reader reports it and keeps the entries after it', async () => {
    mkdirSync(dirname(host.journal), { recursive: true });
    const first = await act('complain');
    void first;
    appendFileSync(host.journal, '{"v":1,"id":"torn","phase":"result","action":"unl');
    await act('enforce');
    const text = readFileSync(host.journal, 'utf8');
    const parsed = parseJournalText(text);
    assert.deepEqual(parsed.unreadable, [3], 'the torn line is reported by its number');
    assert.deepEqual(
      parsed.entries.map((e) => `${e.action}:${e.phase}`),
      ['complain:intent', 'complain:result', 'enforce:intent', 'enforce:result'],
    );
    assert.deepEqual((await readJournal(host.journal)).length, 4);
  });

  it('a short write is continued until the whole entry is on disk, and a write that makes no progress is an error', async () => {
    const chunks: string[] = [];
    const shortWriter = {
      write: async (b: Buffer, off: number, len: number) => {
        const n = Math.min(len, 7);
        chunks.push(b.subarray(off, off + n).toString());
        return { bytesWritten: n };
      },
    };
    await writeFully(shortWriter, Buffer.from('{"a":"a long line"}\n'));
    assert.equal(chunks.join(''), '{"a":"a long line"}\n');
    const stuck = { write: async () => ({ bytesWritten: 0 }) };
    await assert.rejects(writeFully(stuck, Buffer.from('x\n')), /wrote 0 of 2 bytes/);
  });

  it('two actions on one profile at once: the second is refused, clearly, and runs nothing', async () => {
    const gate = join(host.dir, 'gate');
    const plan = buildPlan('unload', await target('/usr/sbin/nginx'));
    const first = performAction({ plan }, host.actionEnv({ env: { ...host.env, FAKE_AA_WAIT_FOR: gate } }));
    await until(() => host.calls().length === 1, 'the first action to run its command');
    const second = await performAction({ plan: buildPlan('complain', await target('/usr/sbin/nginx')) }, host.actionEnv());
    assert.equal(second.done, false);
    if (!second.done) assert.match(second.refused, new RegExp(`another action on /usr/sbin/nginx is running \\(aa-triage pid ${process.pid}`));
    // an action that edits the file waits for the lock too, and writes nothing
    const flags = await prepareModeEdit(buildPlan('complain', await target('/usr/sbin/nginx'), { editFlags: true }));
    assert.ok(flags.ok);
    const edit = await performModeEdit(flags.plan, host.actionEnv(), { reason: 'x' });
    assert.equal(edit.done, false);
    if (!edit.done) assert.match(edit.refused, /another action on \/usr\/sbin\/nginx is running/);
    assert.equal(readFileSync(join(host.profilesDir, 'usr.sbin.nginx'), 'utf8'), NGINX);
    writeFileSync(gate, '');
    const r = await first;
    assert.ok(r.done && r.judgement.outcome === 'verified');
    assert.equal(host.calls().length, 1, 'the second ran nothing');
    // the lock is released: a later action runs
    const third = await performAction({ plan: buildPlan('reload', await target('/usr/sbin/nginx')) }, host.actionEnv());
    assert.ok(third.done && third.judgement.outcome === 'verified');
  });

  it('a lock left by a killed process is taken over', async () => {
    const { profileLockPath } = await import('../../src/actions/lock.js');
    const path = profileLockPath(host.journal, '/usr/sbin/nginx');
    mkdirSync(dirname(path), { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(path, `${dead.stdout} 2026-01-01T00:00:00.000Z\n`);
    const r = await act('unload');
    assert.equal(r.judgement.outcome, 'verified');
    assert.equal(existsSync(path), false, 'released after the action');
  });
});
