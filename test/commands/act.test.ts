import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
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

interface Run {
  code: number;
  out: string;
  err: string;
  asked: string[];
}

async function run(args: string[], opts: { isRoot?: boolean; answers?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const cli = parseCli(['act', ...args, '--profiles-dir', host.profilesDir, '--securityfs', host.securityfs, '--actions', host.journal], {});
  let out = '';
  let err = '';
  const asked: string[] = [];
  const answers = opts.answers;
  const io: ActIo = {
    out: (s) => void (out += s),
    err: (s) => void (err += s),
    ask: answers
      ? async (q) => {
          asked.push(q);
          return answers.shift() ?? '';
        }
      : undefined,
  };
  const deps: ActDeps = {
    settings: resolveSettings(cli, { isRoot: opts.isRoot ?? true, env: opts.env ?? host.env }),
    loadDeclarations: async (dirs) => (await loadProfileIndex(dirs)).index,
    operator: 'oncall',
    host: 'web-01',
    timeoutMs: 10_000,
  };
  const code = await runAct(cli, io, deps);
  return { code, out, err, asked };
}

describe('aa-triage act', () => {
  it('--dry-run prints the exact argv and changes nothing', async () => {
    const before = host.loaded();
    const r = await run(['disable', '/usr/sbin/nginx', '--dry-run']);
    assert.equal(r.code, EXIT.ok, r.err);
    const file = join(host.profilesDir, 'usr.sbin.nginx');
    assert.ok(r.out.includes(`will run: ln -sfT -- ${file} ${join(host.profilesDir, 'disable', 'usr.sbin.nginx')}`), r.out);
    assert.ok(r.out.includes(`will run: apparmor_parser -R ${file}`));
    assert.match(r.out, /dry run: nothing was changed/);
    assert.equal(host.loaded(), before);
    assert.deepEqual(host.calls(), []);
    assert.equal(existsSync(host.journal), false);
  });

  it('acts with --yes and --reason, verifies, and journals through the real profile index', async () => {
    const r = await run(['complain', 'thumbnail-renderer//helper', '--yes', '--reason', 'renderer down, INC-7']);
    assert.equal(r.code, EXIT.ok, r.err);
    assert.match(r.out, /asked for: thumbnail-renderer\/\/helper \(declared inside thumbnail-renderer/);
    assert.match(r.out, /also affects \(same file\): thumbnail-renderer\/\/helper/);
    assert.match(r.out, /^verified: thumbnail-renderer now complain$/m);
    const [intent, result] = await readJournal(host.journal);
    assert.equal(intent.reason, 'renderer down, INC-7');
    assert.equal(intent.override, undefined);
    assert.equal(result.outcome, 'verified');
    assert.equal(result.requested, 'thumbnail-renderer//helper');
    const back = await run(['enforce', 'thumbnail-renderer', '--yes']);
    assert.equal(back.code, EXIT.ok, back.err);
    assert.match(back.out, /verified: thumbnail-renderer now enforce/);
  });

  it('loosening without --reason is refused when there is no terminal to ask on', async () => {
    const r = await run(['unload', '/usr/sbin/nginx', '--yes']);
    assert.equal(r.code, EXIT.refused);
    assert.match(r.err, /give --reason TEXT/);
    assert.deepEqual(host.calls(), []);
  });

  it('without --yes and without a terminal it refuses', async () => {
    const r = await run(['complain', '/usr/sbin/nginx', '--reason', 'x']);
    assert.equal(r.code, EXIT.refused);
    assert.match(r.err, /no terminal to confirm on: pass --yes/);
    assert.deepEqual(host.calls(), []);
  });

  it('on a terminal, unload asks for a reason and the typed profile name', async () => {
    const wrong = await run(['unload', '/usr/sbin/nginx'], { answers: ['outage', 'nginx'] });
    assert.equal(wrong.code, EXIT.refused);
    assert.match(wrong.err, /typed name does not match/);
    assert.deepEqual(host.calls(), []);
    const r = await run(['unload', '/usr/sbin/nginx'], { answers: ['outage', '/usr/sbin/nginx'] });
    assert.equal(r.code, EXIT.ok, r.err);
    assert.deepEqual(r.asked, ['Reason for this change (journaled): ', 'Type the profile name (/usr/sbin/nginx) to unload it: ']);
    assert.match(r.out, /verified: \/usr\/sbin\/nginx no longer loaded/);
  });

  it('a persistent complain asks y/N on a terminal, and anything but yes cancels', async () => {
    const r = await run(['complain', '/usr/sbin/nginx', '--reason', 'x'], { answers: [''] });
    assert.equal(r.code, EXIT.refused);
    assert.deepEqual(r.asked, ['Proceed? [y/N] ']);
    assert.deepEqual(host.calls(), []);
  });

  it('refuses unknown, generated, multi-profile targets with the reason (exit 3)', async () => {
    for (const [name, why] of [
      ['/usr/bin/nope', /no file in .* declares profile \/usr\/bin\/nope/],
      ['snap.lxd.daemon', /generated by snapd/],
      ['alpha', /also declares beta/],
    ] as const) {
      const r = await run(['complain', name, '--yes', '--reason', 'x']);
      assert.equal(r.code, EXIT.refused, name);
      assert.match(r.err, why);
    }
    assert.deepEqual(host.calls(), []);
  });

  it('not root, or --read-only: refused, nothing tried; --dry-run still shows the plan', async () => {
    const r = await run(['disable', '/usr/sbin/nginx', '--yes', '--reason', 'x'], { isRoot: false });
    assert.equal(r.code, EXIT.refused);
    assert.match(r.err, /not root.*nothing was tried/);
    const ro = await run(['disable', '/usr/sbin/nginx', '--yes', '--reason', 'x', '--read-only']);
    assert.equal(ro.code, EXIT.refused);
    assert.match(ro.err, /read-only/);
    const dry = await run(['disable', '/usr/sbin/nginx', '--dry-run'], { isRoot: false });
    assert.equal(dry.code, EXIT.ok);
    assert.match(dry.out, /running it would be refused: not root/);
    assert.deepEqual(host.calls(), []);
    assert.equal(existsSync(host.journal), false);
  });

  it('complain without apparmor-utils points to --runtime; --runtime uses apparmor_parser -r -C', async () => {
    const parserOnly = { ...host.env, PATH: `${join(host.dir, 'parser-only')}:/usr/bin:/bin` };
    mkdirSync(join(host.dir, 'parser-only'));
    const fake = join(process.cwd(), 'test/fixtures/actions/fake-aa.mjs');
    writeFileSync(join(host.dir, 'parser-only', 'apparmor_parser'), `#!/bin/sh\nexec "$FAKE_AA_NODE" '${fake}' apparmor_parser "$@"\n`, { mode: 0o755 });
    const r = await run(['complain', '/usr/sbin/nginx', '--yes', '--reason', 'x'], { env: parserOnly });
    assert.equal(r.code, EXIT.refused);
    assert.match(r.err, /aa-complain not found \(apparmor-utils is not installed\); --runtime uses apparmor_parser -r -C FILE/);
    const rt = await run(['complain', '/usr/sbin/nginx', '--yes', '--reason', 'x', '--runtime'], { env: parserOnly });
    assert.equal(rt.code, EXIT.ok, rt.err);
    assert.match(rt.out, /persists: no/);
    assert.deepEqual(host.calls().at(-1)?.args, ['-r', '-C', join(host.profilesDir, 'usr.sbin.nginx')]);
  });

  it('a relative --profiles-dir works (the index then holds absolute paths)', async () => {
    const cli = parseCli(['act', 'unload', '/usr/sbin/nginx', '--dry-run', '--profiles-dir', relative(process.cwd(), host.profilesDir)], {});
    let out = '';
    const code = await runAct(cli, { out: (s) => void (out += s), err: (s) => void (out += s) }, {
      settings: resolveSettings(cli, { isRoot: true, env: host.env }),
      loadDeclarations: async (dirs) => (await loadProfileIndex(dirs)).index,
      operator: 'oncall',
      host: 'web-01',
    });
    assert.equal(code, EXIT.ok, out);
    assert.ok(out.includes(`will run: apparmor_parser -R ${join(host.profilesDir, 'usr.sbin.nginx')}`), out);
  });

  it('enforce --runtime on a file that declares complain fails (exit 1), and the dry run says so beforehand', async () => {
    const file = join(host.profilesDir, 'usr.sbin.nginx');
    writeFileSync(file, `/usr/sbin/nginx flags=(complain) {\n  /var/www/** r,\n}\n`);
    host.setLoaded('/usr/sbin/nginx (complain)\n');
    const dry = await run(['enforce', '/usr/sbin/nginx', '--runtime', '--dry-run']);
    assert.equal(dry.code, EXIT.ok, dry.err);
    assert.match(dry.out, /warning: .*declares flags=\(complain\)/, dry.out);
    assert.match(dry.out, /aa-enforce/, 'says what would work instead');
    const r = await run(['enforce', '/usr/sbin/nginx', '--runtime', '--yes']);
    assert.equal(r.code, EXIT.failed, r.out);
    assert.match(r.out, /failed: \/usr\/sbin\/nginx is still complain/);
    assert.doesNotMatch(r.out, /verified/);
  });

  it('a result that could not be journaled exits 5 and never says "journaled"', async () => {
    const r = await run(['complain', '/usr/sbin/nginx', '--yes', '--reason', 'x'], { env: { ...host.env, FAKE_AA_BREAK_JOURNAL: host.journal } });
    assert.equal(r.code, EXIT.notJournaled, r.out + r.err);
    assert.doesNotMatch(r.out, /journaled in/);
    assert.match(r.err, /NOT journaled/);
  });

  it('allow: a result that could not be journaled exits 5 and never says "journaled"', async () => {
    const r = await run(['allow', '/usr/sbin/nginx', '--rule', '/srv/www/index.html r,', '--yes', '--reason', 'x'], { env: { ...host.env, FAKE_AA_BREAK_JOURNAL: host.journal } });
    assert.equal(r.code, EXIT.notJournaled, r.out + r.err);
    assert.doesNotMatch(r.out, /journaled in/);
    assert.match(r.err, /NOT journaled/);
  });

  it('a profile declared by two files is refused, naming both, for every verb', async () => {
    const copy = join(host.profilesDir, 'nginx-copy');
    writeFileSync(copy, `/usr/sbin/nginx {\n  /srv/** r,\n}\n`);
    for (const args of [['complain', '--runtime'], ['disable'], ['unload'], ['enforce']]) {
      const r = await run([args[0], '/usr/sbin/nginx', ...args.slice(1), '--yes', '--reason', 'x']);
      assert.equal(r.code, EXIT.refused, `${args.join(' ')}: ${r.out}${r.err}`);
      assert.match(r.err, /declared by 2 files/);
      assert.ok(r.err.includes(copy) && r.err.includes(join(host.profilesDir, 'usr.sbin.nginx')), r.err);
    }
    assert.deepEqual(host.calls(), [], 'nothing was run');
  });

  it('--runtime with unload is a usage error', async () => {
    const r = await run(['unload', '/usr/sbin/nginx', '--runtime', '--yes', '--reason', 'x']);
    assert.equal(r.code, EXIT.usage);
  });

  it('a failed action exits 1 and says what went wrong', async () => {
    const r = await run(['complain', '/usr/sbin/nginx', '--yes', '--reason', 'x'], { env: { ...host.env, FAKE_AA_BEHAVIOUR: 'stdout-error' } });
    assert.equal(r.code, EXIT.failed);
    assert.match(r.out, /failed: \/usr\/sbin\/nginx is still enforce; aa-complain said: Can't find/);
  });

  it('disable then enable round-trips through the command line entry', () => {
    const cliArgs = (verb: string, extra: string[] = []) => [
      '--import',
      'tsx',
      'src/commands/main.ts',
      'act',
      verb,
      '/usr/sbin/nginx',
      '--profiles-dir',
      host.profilesDir,
      '--securityfs',
      host.securityfs,
      '--actions',
      host.journal,
      '--yes',
      ...extra,
    ];
    // the process runs as whatever user the tests run as: only a root run may act
    const asRoot = process.getuid?.() === 0;
    const d = spawnSync(process.execPath, cliArgs('disable', ['--reason', 'INC-9']), { env: host.env, encoding: 'utf8' });
    if (!asRoot) {
      assert.equal(d.status, EXIT.refused, d.stderr);
      assert.match(d.stderr, /not root/);
      return;
    }
    assert.equal(d.status, EXIT.ok, d.stderr);
    assert.match(d.stdout, /verified: \/usr\/sbin\/nginx unloaded and disabled/);
    const e = spawnSync(process.execPath, cliArgs('enable'), { env: host.env, encoding: 'utf8' });
    assert.equal(e.status, EXIT.ok, e.stderr);
    assert.match(e.stdout, /verified: \/usr\/sbin\/nginx now enforce/);
    const journal = readFileSync(host.journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(journal.map((j) => `${j.action}:${j.phase}`), ['disable:intent', 'disable:result', 'enable:intent', 'enable:result']);
  });
});
