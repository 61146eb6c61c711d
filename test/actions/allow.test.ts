import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { checkRules, performAllow, performUndoAllow, prepareAllow, prepareUndoAllow } from '../../src/actions/allow.js';
import { EXIT } from '../../src/commands/act.js';
import { readJournal } from '../../src/actions/journal.js';
import { resolveTarget } from '../../src/actions/resolve-target.js';
import { checkEditedRule, checkStandaloneRule, patternMatches, patternWithin } from '../../src/actions/rule-scope.js';
import { findBlock, lineDiff, placeRules } from '../../src/actions/rule-edit.js';
import { loadProfileIndex } from '../../src/profiles/load.js';
import { buildProfileIndex } from '../../src/profiles/index.js';
import { actOn, makeHost, type Host } from './helpers.js';

describe('rule scope: an applied rule is never wider than the denial', () => {
  it('accepts the suggested rule and narrower edits (owner, a narrower path, fewer permissions)', () => {
    assert.deepEqual(checkEditedRule('/var/lib/app/cache* rw,', '/var/lib/app/cache* rw,', { path: '/var/lib/app/cache1' }), { ok: true, rule: '/var/lib/app/cache* rw,' });
    assert.ok(checkEditedRule('owner /var/lib/app/cache1 r,', '/var/lib/app/cache* rw,', { path: '/var/lib/app/cache1' }).ok);
    assert.ok(checkEditedRule('/var/lib/app/cache? rw,', '/var/lib/app/cache* rw,', { path: '/var/lib/app/cache1' }).ok);
    assert.ok(checkEditedRule('audit @{PROC}/@{pid}/status r,', '@{PROC}/@{pid}/status r,', { path: '/proc/12/status' }).ok);
  });
  it('refuses a wider path, more permissions, a dropped owner, a path that misses the denial', () => {
    const wider = checkEditedRule('/var/lib/** rw,', '/var/lib/app/cache* rw,', { path: '/var/lib/app/cache1' });
    assert.ok(!wider.ok && /not inside/.test(wider.reason), JSON.stringify(wider));
    const perms = checkEditedRule('/var/lib/app/cache1 rwk,', '/var/lib/app/cache1 rw,', { path: '/var/lib/app/cache1' });
    assert.ok(!perms.ok && /permission k/.test(perms.reason));
    const owner = checkEditedRule('/home/a/x r,', 'owner /home/a/x r,', { path: '/home/a/x' });
    assert.ok(!owner.ok && /owner/.test(owner.reason));
    const miss = checkEditedRule('/var/lib/app/cache2 rw,', '/var/lib/app/cache* rw,', { path: '/var/lib/app/cache1' });
    assert.ok(!miss.ok && /does not match the denied path/.test(miss.reason));
    const exec = checkEditedRule('/usr/bin/x ux,', '/usr/bin/x ix,', { path: '/usr/bin/x' });
    assert.ok(!exec.ok);
  });
  it('refuses several rules, blocks, comments, deny and includes in the text', () => {
    for (const bad of ['/a r, /b r,', '/a r, # c', 'profile x { /a r, }', 'deny /a r,', 'include <abstractions/base>', '/a r\n,']) {
      assert.ok(!checkEditedRule(bad, '/a r,', { path: '/a' }).ok, bad);
    }
  });
  it('other kinds of access: only the suggested rule (optionally audited); an abstraction is too wide to apply', () => {
    assert.ok(checkEditedRule('capability net_bind_service,', 'capability net_bind_service,').ok);
    assert.ok(checkEditedRule('audit capability net_bind_service,', 'capability net_bind_service,').ok);
    assert.ok(!checkEditedRule('capability sys_admin,', 'capability net_bind_service,').ok);
    const abs = checkEditedRule('include <abstractions/fonts>', 'include <abstractions/fonts>');
    assert.ok(!abs.ok && /abstraction/.test(abs.reason));
  });
  it('pattern containment is decided on the syntax, soundly', () => {
    assert.ok(patternWithin('/a/b', '/a/*'));
    assert.ok(patternWithin('/a/*', '/a/**'));
    assert.ok(!patternWithin('/a/**', '/a/*'));
    assert.ok(!patternWithin('/a/b/c', '/a/*'));
    assert.ok(patternWithin('/proc/@{pid}/status', '/proc/*/status'));
    assert.ok(!patternWithin('/a/{b,c}', '/a/b'));
    assert.ok(patternMatches('@{PROC}/@{pid}/status', '/proc/2211/status'));
    assert.ok(patternMatches('/var/lib/x/cache\\*', '/var/lib/x/cache*'));
    assert.ok(!patternMatches('/var/lib/x/cache\\*', '/var/lib/x/cacheA'));
  });
  it('a profile flag is not a rule: said so, with where it goes', () => {
    for (const flag of ['flags=(attach_disconnected)', 'flags=(mediate_deleted)', ' flags = (complain)']) {
      const r = checkStandaloneRule(flag);
      assert.ok(!r.ok && /is a profile flag: it goes on the profile's own line/.test(r.reason), flag);
    }
  });
  it('act allow without a denial: one object per rule', () => {
    assert.ok(checkStandaloneRule('/srv/app/data.db rw,').ok);
    assert.ok(checkStandaloneRule('capability net_bind_service,').ok);
    for (const bad of ['capability,', 'network,', '/srv/** rw,', '/* r,', '/usr/bin/x ux,', '/usr/bin/x x,', 'capability sys_admin,']) {
      assert.ok(!checkStandaloneRule(bad).ok, bad);
    }
  });
});

describe('rule placement', () => {
  const NGINX_LOCAL = `#include <tunables/global>\n/usr/sbin/nginx {\n  #include <abstractions/base>\n  /var/www/** r,\n  include if exists <local/usr.sbin.nginx>\n}\n`;
  const base = { id: 'abc123', when: '2026-12-04T03:00:00Z', rules: ['/srv/x r,'], profile: '/usr/sbin/nginx', file: '/etc/apparmor.d/usr.sbin.nginx', root: '/etc/apparmor.d' };
  it('goes into the local include when the profile has one', () => {
    const r = placeRules({ ...base, text: NGINX_LOCAL, readLocal: () => '# Site-specific additions\n' });
    assert.ok(r.ok);
    const [e] = r.placement.edits;
    assert.equal(e.file, '/etc/apparmor.d/local/usr.sbin.nginx');
    assert.equal(e.after, '# Site-specific additions\n# aa-triage allow abc123 2026-12-04T03:00:00Z\n/srv/x r,\n# end aa-triage allow abc123\n');
    assert.equal(r.placement.edits.length, 1);
  });
  it('creates local/NAME and its include line only when the profile has neither, and says so', () => {
    const text = `/usr/sbin/nginx {\n  /var/www/** r,\n}\n`;
    const r = placeRules({ ...base, text, readLocal: () => null });
    assert.ok(r.ok);
    assert.equal(r.placement.edits.length, 2);
    assert.ok(r.placement.edits[0].created);
    assert.equal(r.placement.edits[1].after, `/usr/sbin/nginx {\n  /var/www/** r,\n  include if exists <local/usr.sbin.nginx>\n}\n`);
    assert.match(r.placement.where, /created now.*had neither/);
  });
  it('a marked block in the profile when local/NAME exists but is not included; a child always in its own block', () => {
    const text = `/usr/sbin/nginx {\n  /var/www/** r,\n}\n`;
    const r = placeRules({ ...base, text, readLocal: () => '' });
    assert.ok(r.ok);
    assert.equal(r.placement.edits[0].after, `/usr/sbin/nginx {\n  /var/www/** r,\n  # aa-triage allow abc123 2026-12-04T03:00:00Z\n  /srv/x r,\n  # end aa-triage allow abc123\n}\n`);
    const child = `profile t /usr/bin/t {\n  profile helper {\n    /tmp/** rw,\n  }\n  include if exists <local/t>\n}\n`;
    const c = placeRules({ ...base, profile: 't//helper', file: '/etc/apparmor.d/t', text: child, readLocal: () => '' });
    assert.ok(c.ok);
    assert.equal(c.placement.edits[0].at, 3);
    assert.deepEqual(findBlock(child, 't')?.locals.refs, ['local/t']);
  });
  it("goes into the profile's own local include: the one named after its file, never one other profiles include", () => {
    // Debian's smbd: the share script's file comes first, the profile's own after it
    const smbd = `profile smbd /usr/{bin,sbin}/smbd flags=(complain) {\n  /etc/samba/* r,\n  include if exists <samba/smbd-shares>\n  include if exists <local/usr.sbin.smbd-shares>\n\n  # Site-specific additions and overrides. See local/README for details.\n  include if exists <local/usr.sbin.smbd>\n}\n`;
    const s = placeRules({ ...base, profile: 'smbd', file: '/etc/apparmor.d/usr.sbin.smbd', text: smbd, readLocal: () => '' });
    assert.ok(s.ok);
    assert.equal(s.placement.edits[0].file, '/etc/apparmor.d/local/usr.sbin.smbd');
    // Debian 13's transmission: a shared include and each profile's own
    const transmission = `abi <abi/4.0>,\ninclude <tunables/global>\nprofile transmission-daemon /usr/bin/transmission-daemon {\n  /srv/** r,\n  include if exists <local/transmission>\n  include if exists <local/transmission-daemon>\n}\nprofile transmission-cli /usr/bin/transmission-cli {\n  include if exists <local/transmission>\n  include if exists <local/transmission-cli>\n}\n`;
    const t = placeRules({ ...base, profile: 'transmission-daemon', file: '/etc/apparmor.d/transmission', text: transmission, readLocal: () => '' });
    assert.ok(t.ok);
    assert.equal(t.placement.edits[0].file, '/etc/apparmor.d/local/transmission-daemon');
    assert.deepEqual(findBlock(transmission, 'transmission-cli')?.locals.shared, ['local/transmission']);
    // only a shared include (totem's two previewers): the rule stays in the profile's own block
    const totem = `/usr/bin/totem-video-thumbnailer {\n  /tmp/** r,\n  #include <local/usr.bin.totem-previewers>\n}\n/usr/bin/totem-audio-preview {\n  #include <local/usr.bin.totem-previewers>\n}\n`;
    const v = placeRules({ ...base, profile: '/usr/bin/totem-video-thumbnailer', file: '/etc/apparmor.d/usr.bin.totem-previewers', text: totem, readLocal: () => '' });
    assert.ok(v.ok);
    assert.equal(v.placement.edits.length, 1);
    assert.equal(v.placement.edits[0].file, '/etc/apparmor.d/usr.bin.totem-previewers');
    assert.equal(v.placement.edits[0].at, 3);
    assert.match(v.placement.where, /included elsewhere in the file too/);
    // a child's include of the parent's local file makes it shared as well
    const withChild = `profile t /usr/bin/t {\n  profile helper {\n    include <local/t>\n  }\n  include if exists <local/t>\n}\n`;
    assert.deepEqual(findBlock(withChild, 't')?.locals.shared, ['local/t']);
  });
  it('a child an include declares is not placed in the parent file: said so, with where its rules are', () => {
    const text = `/usr/bin/evince {\n  /usr/share/** r,\n  include <abstractions/snap_browsers>\n}\n`;
    const r = placeRules({ ...base, profile: '/usr/bin/evince//snap_browsers', file: '/etc/apparmor.d/usr.bin.evince', text, readLocal: () => '' });
    assert.ok(!r.ok);
    assert.match(r.reason, /^\/usr\/bin\/evince\/\/snap_browsers is not declared in \/etc\/apparmor\.d\/usr\.bin\.evince itself but in a file its block includes/);
    const none = placeRules({ ...base, profile: 'nowhere', file: '/etc/apparmor.d/usr.bin.evince', text, readLocal: () => '' });
    assert.ok(!none.ok);
    assert.match(none.reason, /cannot find the block of nowhere/);
  });
  it('a hat or profile whose flags are written bare (`^FOO (complain) {`, as the index reads them too) is found', () => {
    // from the AppArmor parser's own test cases (profile/flags/flags_hats_ok.sd)
    const text = `/usr/sbin/nginx flags=(complain) {\n  /var/www/** r,\n  ^FOO (complain) {\n    /tmp/** rw,\n  }\n  ^BAR (audit, complain) {\n  }\n}\n/bin/x (complain) {\n}\n`;
    for (const [profile, at] of [
      ['/usr/sbin/nginx//FOO', 4],
      ['/usr/sbin/nginx//BAR', 6],
      ['/bin/x', 9],
    ] as const) {
      const r = placeRules({ ...base, profile, text, readLocal: () => '' });
      assert.ok(r.ok, `${profile}: ${r.ok ? '' : r.reason}`);
      assert.equal(r.placement.edits[0].at, at, profile);
    }
  });
  it('a header whose `{` stands on a later line, a profile in a conditional block, and a one-line block', () => {
    const text = [
      'profile t /usr/bin/t',
      '{',
      '  /etc/t r,',
      '  ^hat',
      '  {',
      '    /tmp/** rw,',
      '  }',
      '  profile child flags=(complain) # the child',
      '',
      '  {',
      '    /srv/** r,',
      '  }',
      '  if $EXTRA {',
      '    profile extra {',
      '      /opt/** r,',
      '    }',
      '  }',
      '  ^empty { }',
      '  include if exists <local/t>',
      '}',
      '',
    ].join('\n');
    for (const [profile, at] of [
      ['t//hat', 6],
      ['t//child', 11],
      ['t//extra', 15],
    ] as const) {
      const r = placeRules({ ...base, profile, file: '/etc/apparmor.d/t', text, readLocal: () => '' });
      assert.ok(r.ok, `${profile}: ${r.ok ? '' : r.reason}`);
      assert.equal(r.placement.edits[0].at, at, profile);
    }
    assert.deepEqual(findBlock(text, 't'), { start: 0, end: 19, locals: { refs: ['local/t'], shared: [] } });
    // its closing brace on the header's line: no line inside the block to put a rule before
    const empty = placeRules({ ...base, profile: 't//empty', file: '/etc/apparmor.d/t', text, readLocal: () => '' });
    assert.ok(!empty.ok);
  });
  it('finds every profile and hat the profile index reads, at the line the index gives', () => {
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
    const files = [...walk('test/fixtures/profiles'), ...walk('demo/apparmor.d')].filter((f) => !/\/(abstractions|tunables|local)\//.test(f));
    let checked = 0;
    for (const path of files) {
      const text = readFileSync(path, 'utf8');
      const index = buildProfileIndex([{ path: '/p/x', text }], { roots: ['/p'] });
      for (const p of index.profiles()) {
        assert.equal(findBlock(text, p.name)?.start, p.line - 1, `${path}: ${p.name}`);
        checked++;
      }
    }
    assert.ok(checked >= 10, `${checked} profiles`);
  });
  it('lineDiff shows the added lines with context', () => {
    assert.deepEqual(lineDiff('a\nb\nc\n', 'a\nb\nX\nc\n', 'f'), ['--- f', '+++ f', '@@ -1,4 +1,5 @@', ' a', ' b', '+X', ' c', ' ']);
  });
});

let host: Host;
beforeEach(() => {
  host = makeHost();
  mkdirSync(join(host.profilesDir, 'local'));
});
afterEach(() => host.cleanup());

async function act(args: string[], opts: { isRoot?: boolean; env?: NodeJS.ProcessEnv; answers?: string[] } = {}) {
  return actOn(host, args, opts);
}

const nginxFile = () => join(host.profilesDir, 'usr.sbin.nginx');
const nginxLocal = () => join(host.profilesDir, 'local', 'usr.sbin.nginx');

describe('aa-triage act allow', () => {
  it('--dry-run prints where, the diff and the reload, checks the rule, and writes nothing', async () => {
    const before = readFileSync(nginxFile(), 'utf8');
    const r = await act(['allow', '/usr/sbin/nginx', '--rule', '/srv/www/index.html r,', '--dry-run']);
    assert.equal(r.code, EXIT.ok, r.err);
    assert.match(r.out, /where: +.*local\/usr\.sbin\.nginx, created now/);
    assert.match(r.out, /\+\/srv\/www\/index\.html r,/);
    assert.match(r.out, /checked: +apparmor_parser compiles/);
    assert.match(r.out, /dry run: nothing was changed/);
    assert.equal(readFileSync(nginxFile(), 'utf8'), before);
    assert.ok(!existsSync(nginxLocal()));
    assert.ok(host.calls().some((c) => c.tool === 'apparmor_parser' && c.args.includes('-Q') && c.args.includes('-K') && c.args.includes(host.profilesDir)));
  });
  it('adds the rule, reloads, verifies the same mode, journals intent and result with the exact diff', async () => {
    const r = await act(['allow', '/usr/sbin/nginx', '--rule', '/srv/www/index.html r,', '--yes', '--reason', 'new docroot']);
    assert.equal(r.code, EXIT.ok, r.err + r.out);
    assert.match(r.out, /verified: \/usr\/sbin\/nginx now enforce/);
    assert.match(readFileSync(nginxLocal(), 'utf8'), /^# aa-triage allow [0-9a-f]+ \S+\n\/srv\/www\/index\.html r,\n# end aa-triage allow/);
    assert.match(readFileSync(nginxFile(), 'utf8'), /  include if exists <local\/usr\.sbin\.nginx>\n\}\n$/);
    const reload = host.calls().filter((c) => c.tool === 'apparmor_parser' && c.args.includes('-r'));
    assert.deepEqual(
      reload.map((c) => c.args),
      [['-r', nginxFile()]],
    );
    const journal = await readJournal(host.journal);
    assert.deepEqual(
      journal.map((e) => e.phase),
      ['intent', 'result'],
    );
    const [intent, result] = journal;
    assert.equal(intent.action, 'allow');
    assert.deepEqual(intent.rules, ['/srv/www/index.html r,']);
    assert.equal(intent.edits?.length, 2);
    assert.ok(intent.edits?.[0].diff.some((l) => l === '+/srv/www/index.html r,'));
    assert.equal(result.outcome, 'verified');
    assert.equal(result.reason, 'new docroot');
  });
  it('a rule for one profile of a file that declares several: reloaded alone, with the rule, the other untouched', async () => {
    const r = await act(['allow', 'alpha', '--rule', '/srv/alpha/index.html r,', '--yes', '--reason', 'INC-9']);
    assert.equal(r.code, EXIT.ok, r.err);
    assert.match(r.out, /verified: alpha now enforce .*\(beta untouched\)/);
    const reload = host.calls().at(-1) as { tool: string; args: string[]; stdin?: string };
    assert.deepEqual(reload.args, ['-r', '-K']);
    assert.match(reload.stdin ?? '', /^profile alpha \/usr\/bin\/alpha \{\n {2}include if exists <local\/multi>\n\}\n$/);
    assert.equal(readFileSync(join(host.profilesDir, 'local', 'multi'), 'utf8').split('\n')[1], '/srv/alpha/index.html r,');
    assert.doesNotMatch(readFileSync(join(host.profilesDir, 'multi'), 'utf8').split('profile beta')[1], /local/);
    const [intent] = await readJournal(host.journal);
    assert.match(intent.input ?? '', /^lines 1-3 of .*multi$/);
    // and its undo takes the lines out and reloads alpha alone again
    const z = await act(['undo', '--yes']);
    assert.equal(z.code, EXIT.ok, z.err);
    assert.deepEqual(host.calls().at(-1)?.args, ['-r', '-K']);
  });

  it('a rule apparmor_parser rejects is never written', async () => {
    const before = readFileSync(nginxFile(), 'utf8');
    const r = await act(['allow', '/usr/sbin/nginx', '--rule', '/srv/SYNTAX-ERROR r,', '--yes', '--reason', 'x']);
    assert.equal(r.code, EXIT.refused);
    assert.match(r.err, /apparmor_parser does not accept the profile with this rule.*nothing was written/);
    assert.equal(readFileSync(nginxFile(), 'utf8'), before);
    assert.ok(!existsSync(nginxLocal()));
    assert.ok(!existsSync(host.journal));
  });
  it("the refusal names apparmor_parser's error, not the warning it prints first", async () => {
    const r = await act(['allow', '/usr/sbin/nginx', '--rule', '/srv/SYNTAX-ERROR r,', '--yes', '--reason', 'x'], { env: { ...host.env, FAKE_AA_BEHAVIOUR: 'no-interface' } });
    assert.equal(r.code, EXIT.refused);
    assert.match(r.err, /refused: apparmor_parser does not accept the profile with this rule: AppArmor parser error for .*syntax error/);
    assert.doesNotMatch(r.err, /refused:[^\n]*Cache read\/write disabled/);
  });
  it('refuses generated profiles with the real fix, class-wide rules, and non-root', async () => {
    const snap = await act(['allow', 'snap.lxd.daemon', '--rule', '/srv/x r,', '--yes', '--reason', 'x']);
    assert.equal(snap.code, EXIT.refused);
    assert.match(snap.err, /generated by snapd.*snap interface/);
    const wide = await act(['allow', '/usr/sbin/nginx', '--rule', 'capability,', '--yes', '--reason', 'x']);
    assert.equal(wide.code, EXIT.usage);
    assert.match(wide.err, /whole class/);
    const user = await act(['allow', '/usr/sbin/nginx', '--rule', '/srv/x r,', '--yes', '--reason', 'x'], { isRoot: false });
    assert.equal(user.code, EXIT.refused);
    assert.ok(!existsSync(nginxLocal()));
  });
  it('an unknown profile name gets the nearest declared names (did you mean)', async () => {
    const r = await act(['disable', 'nginx', '--yes', '--reason', 'x']);
    assert.equal(r.code, EXIT.refused);
    assert.match(r.err, /did you mean \/usr\/sbin\/nginx/);
    const a = await act(['allow', '/usr/sbin/ngnix', '--rule', '/srv/x r,', '--dry-run']);
    assert.match(a.err, /did you mean \/usr\/sbin\/nginx/);
  });
  it('a failed reload puts the files back as they were', async () => {
    const before = readFileSync(nginxFile(), 'utf8');
    const r = await act(['allow', '/usr/sbin/nginx', '--rule', '/srv/x r,', '--yes', '--reason', 'x'], { env: { ...host.env, FAKE_AA_BEHAVIOUR: 'reload-fails' } });
    assert.equal(r.code, EXIT.failed);
    assert.match(r.out, /put back as they were/);
    assert.equal(readFileSync(nginxFile(), 'utf8'), before);
    assert.ok(!existsSync(nginxLocal()));
    const result = (await readJournal(host.journal)).at(-1)!;
    assert.equal(result.outcome, 'failed');
  });
});

describe('undo of an allow', () => {
  async function applied(rule = '/srv/x r,') {
    writeFileSync(nginxFile(), `/usr/sbin/nginx {\n  /var/www/** r,\n  include if exists <local/usr.sbin.nginx>\n}\n`);
    writeFileSync(nginxLocal(), '# Site-specific additions\n');
    const index = (await loadProfileIndex([host.profilesDir])).index;
    const t = await resolveTarget('/usr/sbin/nginx', index, [host.profilesDir]);
    assert.ok(t.ok);
    const p = await prepareAllow(t.target, [rule]);
    assert.ok(p.ok);
    assert.deepEqual(await checkRules(p.prep, host.actionEnv()), { ok: true });
    const rep = await performAllow(p.prep, host.actionEnv());
    assert.ok(rep.done && rep.judgement.outcome === 'verified', JSON.stringify(rep));
    return { target: t.target, entry: rep.result };
  }
  it('removes exactly the lines added, reloads and verifies', async () => {
    const { target, entry } = await applied();
    assert.match(readFileSync(nginxLocal(), 'utf8'), /\/srv\/x r,/);
    const u = await prepareUndoAllow(entry, target);
    assert.ok(u.ok);
    const rep = await performUndoAllow(u.prep, host.actionEnv());
    assert.ok(rep.done && rep.judgement.outcome === 'verified', JSON.stringify(rep));
    assert.equal(readFileSync(nginxLocal(), 'utf8'), '# Site-specific additions\n');
    const last = (await readJournal(host.journal)).at(-1)!;
    assert.equal(last.action, 'remove-rule');
    assert.equal(last.undoOf, entry.id);
  });
  it('refuses when the file changed since, touches nothing, and shows the diff', async () => {
    const { target, entry } = await applied();
    const changed = `${readFileSync(nginxLocal(), 'utf8')}/opt/other r,\n`;
    writeFileSync(nginxLocal(), changed);
    const u = await prepareUndoAllow(entry, target);
    assert.ok(!u.ok);
    assert.match(u.reason, /was changed since the rule was added/);
    assert.ok(u.diff?.includes('+/opt/other r,'), JSON.stringify(u.diff));
    assert.equal(readFileSync(nginxLocal(), 'utf8'), changed);
  });
  it('an undo of a created local file deletes it and the include line', async () => {
    const index = (await loadProfileIndex([host.profilesDir])).index;
    const t = await resolveTarget('/usr/sbin/nginx', index, [host.profilesDir]);
    assert.ok(t.ok);
    const before = readFileSync(nginxFile(), 'utf8');
    const p = await prepareAllow(t.target, ['/srv/y r,']);
    assert.ok(p.ok);
    const rep = await performAllow(p.prep, host.actionEnv());
    assert.ok(rep.done);
    const u = await prepareUndoAllow(rep.result, t.target);
    assert.ok(u.ok, JSON.stringify(u));
    const back = await performUndoAllow(u.prep, host.actionEnv());
    assert.ok(back.done && back.judgement.outcome === 'verified');
    assert.equal(readFileSync(nginxFile(), 'utf8'), before);
    assert.ok(!existsSync(nginxLocal()));
  });
});
