import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setModeFlag } from '../../src/actions/mode-flags.js';
import { buildProfileIndex } from '../../src/profiles/index.js';

/** The first line of the file after the edit, or the refusal. */
function first(text: string, profile: string, mode: 'complain' | 'enforce'): string {
  const r = setModeFlag(text, profile, mode);
  if (!r.ok) return `REFUSED ${r.reason}`;
  return r.replaced.length ? r.after.split('\n')[0] : 'UNCHANGED';
}

describe("complain and enforce written into a profile's flags", () => {
  it('adds or takes out one word, keeping the flags as written', () => {
    for (const [header, profile, mode, want] of [
      ['profile foo /usr/bin/foo {', 'foo', 'complain', 'profile foo /usr/bin/foo flags=(complain) {'],
      ['/usr/bin/foo flags=(attach_disconnected) {', '/usr/bin/foo', 'complain', '/usr/bin/foo flags=(complain,attach_disconnected) {'],
      ['/usr/bin/foo flags=(enforce) {', '/usr/bin/foo', 'complain', '/usr/bin/foo flags=(complain) {'],
      ['/usr/bin/foo flags=attach_disconnected {', '/usr/bin/foo', 'complain', '/usr/bin/foo flags=(complain,attach_disconnected) {'],
      ['profile a /a xattrs=(user.x=1) {', 'a', 'complain', 'profile a /a xattrs=(user.x=1) flags=(complain) {'],
      ['profile a /a { # a note (with parentheses)', 'a', 'complain', 'profile a /a flags=(complain) { # a note (with parentheses)'],
      // Debian 13's own styles: comma and space mixed, complain written twice
      ['/usr/bin/foo flags=(complain,attach_disconnected mediate_deleted) {', '/usr/bin/foo', 'enforce', '/usr/bin/foo flags=(attach_disconnected mediate_deleted) {'],
      ['/usr/bin/foo flags=(complain,attach_disconnected, complain) {', '/usr/bin/foo', 'enforce', '/usr/bin/foo flags=(attach_disconnected) {'],
      ['/usr/bin/foo flags=(attach_disconnected, complain) {', '/usr/bin/foo', 'enforce', '/usr/bin/foo flags=(attach_disconnected) {'],
      ['/usr/bin/foo flags=(complain) {', '/usr/bin/foo', 'enforce', '/usr/bin/foo {'],
      ['/usr/bin/foo (complain) {', '/usr/bin/foo', 'enforce', '/usr/bin/foo {'],
      ['/usr/bin/foo flags=complain {', '/usr/bin/foo', 'enforce', '/usr/bin/foo {'],
      ['/usr/bin/foo flags=(complain) {', '/usr/bin/foo', 'complain', 'UNCHANGED'],
      ['/usr/bin/foo {', '/usr/bin/foo', 'enforce', 'UNCHANGED'],
    ] as const) {
      assert.equal(first(`${header}\n  /x r,\n}\n`, profile, mode), want, `${header} -> ${mode}`);
    }
  });

  it('writes the profile with its children and hats, never another profile of the file, and says which lines', () => {
    const text = 'abi <abi/3.0>,\nprofile a /a {\n  profile b {\n  }\n  ^hat flags=(complain) {\n  }\n}\nprofile c /c {\n}\n';
    const r = setModeFlag(text, 'a', 'complain');
    assert.ok(r.ok);
    assert.deepEqual(r.replaced, [
      { at: 1, from: 'profile a /a {', to: 'profile a /a flags=(complain) {' },
      { at: 2, from: '  profile b {', to: '  profile b flags=(complain) {' },
    ]);
    assert.equal(r.after, text.replace('profile a /a {', 'profile a /a flags=(complain) {').replace('  profile b {', '  profile b flags=(complain) {'));
  });

  it('refuses what it cannot write safely: another mode, a header over several lines, an unknown profile', () => {
    assert.match(first('/usr/bin/foo flags=(kill) {\n}\n', '/usr/bin/foo', 'complain'), /REFUSED .*its mode is kill.*edit the flags by hand/);
    assert.match(first('profile a /a flags=(unconfined) {\n}\n', 'a', 'enforce'), /REFUSED .*its mode is unconfined/);
    assert.match(first('profile a\n  /a {\n}\n', 'a', 'complain'), /REFUSED the header of a \(line 1\) is not on one line/);
    assert.match(first('profile a /a {\n}\n', 'b', 'complain'), /REFUSED cannot find the block of b/);
  });

  it('on every profile of the fixture policy: complain then enforce gives back the file, and the index reads the modes written', () => {
    const root = 'test/fixtures/profiles/etc/apparmor.d';
    const files = readdirSync(root).filter((f) => statSync(join(root, f)).isFile());
    assert.ok(files.length > 3);
    let tried = 0;
    for (const f of files) {
      const path = join(root, f);
      const text = readFileSync(path, 'utf8');
      const index = buildProfileIndex([{ path, text }], { roots: [root] });
      for (const p of index.profiles().filter((x) => !x.parent && x.file === path && x.mode === 'enforce')) {
        const c = setModeFlag(text, p.name, 'complain');
        if (!c.ok) continue;
        tried++;
        const complained = buildProfileIndex([{ path, text: c.after }], { roots: [root] });
        assert.equal(complained.lookup(p.name)?.mode, 'complain', `${f}: ${p.name}`);
        for (const other of index.profiles().filter((x) => x.file === path && x.name !== p.name && !x.name.startsWith(`${p.name}//`)))
          assert.equal(complained.lookup(other.name)?.mode, other.mode, `${f}: ${other.name} untouched`);
        // enforce takes out what complain wrote: the file as it was, but for an explicit `enforce`, which complain replaced
        const back = setModeFlag(c.after, p.name, 'enforce');
        assert.ok(back.ok);
        if (/flags=\([^)]*\benforce\b/.test(text)) {
          const again = buildProfileIndex([{ path, text: back.after }], { roots: [root] });
          for (const x of index.profiles().filter((y) => y.file === path))
            assert.deepEqual([again.lookup(x.name)?.mode, again.lookup(x.name)?.flags.filter((g) => g !== 'enforce')], [x.mode, x.flags.filter((g) => g !== 'enforce')], `${f}: ${x.name}`);
        } else assert.equal(back.after, text, `${f}: ${p.name} round trip`);
      }
    }
    assert.ok(tried >= 3, `${tried} profiles tried`);
  });
});
