// `aa-triage act undo`: the command-line form of `z`, against a temporary host (fake AppArmor tools
// on PATH, a fake securityfs, a temporary profiles directory and journal).
import { strict as assert } from 'node:assert';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { parseCli } from '../../src/commands/args.js';
import { EXIT, runAct, type ActDeps, type ActIo } from '../../src/commands/act.js';
import { resolveSettings } from '../../src/commands/settings.js';
import { readJournal } from '../../src/actions/journal.js';
import { loadProfileIndex } from '../../src/profiles/load.js';
import { makeHost, type Host } from '../actions/helpers.js';

let host: Host;
beforeEach(() => {
  host = makeHost();
});
afterEach(() => host.cleanup());

async function act(args: string[], opts: { isRoot?: boolean; env?: NodeJS.ProcessEnv; answers?: string[] } = {}) {
  const cli = parseCli(['act', ...args, '--profiles-dir', host.profilesDir, '--securityfs', host.securityfs, '--actions', host.journal], {});
  let out = '';
  let err = '';
  const answers = opts.answers;
  const io: ActIo = { out: (s) => void (out += s), err: (s) => void (err += s), ask: answers ? async () => answers.shift() ?? '' : undefined };
  const deps: ActDeps = {
    settings: resolveSettings(cli, { isRoot: opts.isRoot ?? true, env: opts.env ?? host.env }),
    loadDeclarations: async (dirs) => (await loadProfileIndex(dirs)).index,
    operator: 'oncall',
    host: 'web-01',
    timeoutMs: 10_000,
  };
  return { code: await runAct(cli, io, deps), out, err };
}

const nginxFile = () => join(host.profilesDir, 'usr.sbin.nginx');
const nginxLocal = () => join(host.profilesDir, 'local', 'usr.sbin.nginx');
const phases = async () => (await readJournal(host.journal)).map((e) => `${e.action}:${e.phase}${e.outcome ? `:${e.outcome}` : ''}`);

describe('aa-triage act undo', () => {
  it('takes no profile and no --rule (usage errors)', () => {
    assert.throws(() => parseCli(['act', 'undo', 'nginx'], {}), /takes no profile/);
    assert.throws(() => parseCli(['act', 'undo', '--rule', '/x r,'], {}), /--rule/);
    assert.equal(parseCli(['act', 'undo', '--yes', '--dry-run'], {}).act?.verb, 'undo');
  });

  it('nothing in the journal: refused (exit 3), nothing run', async () => {
    const r = await act(['undo', '--yes']);
    assert.equal(r.code, EXIT.refused);
    assert.match(r.err, /nothing to undo/);
    assert.deepEqual(host.calls(), []);
  });

  it('undoes the last unload: reload, verified, journaled with undoOf; then the one before; then nothing', async () => {
    assert.equal((await act(['complain', '--runtime', 'thumbnail-renderer', '--yes', '--reason', 'INC-1'])).code, EXIT.ok);
    assert.equal((await act(['unload', '/usr/sbin/nginx', '--yes', '--reason', 'INC-2'])).code, EXIT.ok);
    assert.doesNotMatch(host.loaded(), /\/usr\/sbin\/nginx/);
    const dry = await act(['undo', '--dry-run']);
    assert.equal(dry.code, EXIT.ok, dry.err);
    assert.match(dry.out, /undo of unload \/usr\/sbin\/nginx/);
    assert.match(dry.out, /will run: apparmor_parser -r /);
    assert.match(dry.out, /dry run: nothing was changed/);
    assert.doesNotMatch(host.loaded(), /\/usr\/sbin\/nginx/);
    const r = await act(['undo', '--yes']);
    assert.equal(r.code, EXIT.ok, r.err);
    assert.match(r.out, /^verified: /m);
    assert.match(r.out, /journaled in /);
    assert.match(host.loaded(), /\/usr\/sbin\/nginx \(enforce\)/);
    const journal = await readJournal(host.journal);
    const unload = journal.find((e) => e.action === 'unload' && e.phase === 'result')!;
    const last = journal.at(-1)!;
    assert.equal(last.action, 'reload');
    assert.equal(last.undoOf, unload.id);
    assert.equal(last.outcome, 'verified');
    assert.equal(journal.at(-2)!.phase, 'intent');
    // the next undo takes the complain of thumbnail-renderer back
    const again = await act(['undo', '--yes']);
    assert.equal(again.code, EXIT.ok, again.err);
    assert.match(again.out, /undo of complain-runtime thumbnail-renderer/);
    assert.match(host.loaded(), /^thumbnail-renderer \(enforce\)$/m);
    const none = await act(['undo', '--yes']);
    assert.equal(none.code, EXIT.refused);
    assert.match(none.err, /nothing to undo/);
  });

  it('asks on a terminal; anything but yes changes nothing; without a terminal and --yes it refuses', async () => {
    assert.equal((await act(['unload', '/usr/sbin/nginx', '--yes', '--reason', 'x'])).code, EXIT.ok);
    const no = await act(['undo'], { answers: ['n'] });
    assert.equal(no.code, EXIT.refused);
    assert.match(no.err, /not confirmed/);
    const noTty = await act(['undo']);
    assert.equal(noTty.code, EXIT.refused);
    assert.match(noTty.err, /pass --yes/);
    assert.doesNotMatch(host.loaded(), /\/usr\/sbin\/nginx/);
    const yes = await act(['undo'], { answers: ['y'] });
    assert.equal(yes.code, EXIT.ok, yes.err);
  });

  it('not root or --read-only: refused after showing the plan', async () => {
    assert.equal((await act(['unload', '/usr/sbin/nginx', '--yes', '--reason', 'x'])).code, EXIT.ok);
    const r = await act(['undo', '--yes'], { isRoot: false });
    assert.equal(r.code, EXIT.refused);
    assert.match(r.out, /will run: apparmor_parser -r/);
    assert.doesNotMatch(host.loaded(), /\/usr\/sbin\/nginx/);
  });

  it('an interrupted unload (intent only, the profile gone from the kernel) is undone from the kernel state', async () => {
    assert.equal((await act(['unload', '/usr/sbin/nginx', '--yes', '--reason', 'x'])).code, EXIT.ok);
    // as if the process had been killed between the unload and its result: drop the result line
    const lines = readFileSync(host.journal, 'utf8').trim().split('\n');
    writeFileSync(host.journal, `${lines.slice(0, -1).join('\n')}\n`);
    const r = await act(['undo', '--yes']);
    assert.equal(r.code, EXIT.ok, r.err);
    assert.match(r.out, /interrupted: no result journaled, the kernel shows it took effect/);
    assert.match(host.loaded(), /\/usr\/sbin\/nginx \(enforce\)/);
    // an intent whose change the kernel does not show is not undone
    const other = await act(['undo', '--yes']);
    assert.equal(other.code, EXIT.refused);
  });

  it('a failed undo exits 1', async () => {
    assert.equal((await act(['unload', '/usr/sbin/nginx', '--yes', '--reason', 'x'])).code, EXIT.ok);
    const r = await act(['undo', '--yes'], { env: { ...host.env, FAKE_AA_BEHAVIOUR: 'stdout-error' } });
    assert.equal(r.code, EXIT.failed, r.out + r.err);
    assert.deepEqual((await phases()).slice(-2), ['reload:intent', 'reload:result:failed']);
  });

  it('undoes an allow: exactly the added lines go, reload, verified; refuses (with the diff) when the file changed since', async () => {
    writeFileSync(nginxFile(), `/usr/sbin/nginx {\n  /var/www/** r,\n  include if exists <local/usr.sbin.nginx>\n}\n`);
    mkdirSync(join(host.profilesDir, 'local'), { recursive: true });
    writeFileSync(nginxLocal(), '# Site-specific additions\n');
    assert.equal((await act(['allow', '/usr/sbin/nginx', '--rule', '/srv/x r,', '--yes', '--reason', 'x'])).code, EXIT.ok);
    appendFileSync(nginxLocal(), '/opt/other r,\n');
    const changed = readFileSync(nginxLocal(), 'utf8');
    const refused = await act(['undo', '--yes']);
    assert.equal(refused.code, EXIT.refused);
    assert.match(refused.err, /was changed since the rule was added/);
    assert.match(refused.err, /\+\/opt\/other r,/);
    assert.equal(readFileSync(nginxLocal(), 'utf8'), changed);
    writeFileSync(nginxLocal(), changed.replace('/opt/other r,\n', ''));
    const r = await act(['undo', '--yes']);
    assert.equal(r.code, EXIT.ok, r.err);
    assert.match(r.out, /removes: +exactly the lines the allow added \(\/srv\/x r,\)/);
    assert.equal(readFileSync(nginxLocal(), 'utf8'), '# Site-specific additions\n');
    assert.equal((await readJournal(host.journal)).at(-1)!.action, 'remove-rule');
    assert.ok(existsSync(nginxFile()));
  });
});
