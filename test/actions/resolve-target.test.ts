import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { declarationsFrom } from '../../src/actions/declarations.js';
import { analyzeProfileName } from '../../src/actions/profile-name.js';
import { resolveTarget } from '../../src/actions/resolve-target.js';
import { makeHost, type Host } from './helpers.js';

describe('profile names from log records', () => {
  it('acts on the parent for children, hats and learning null profiles', () => {
    assert.deepEqual(analyzeProfileName('thumbnail-renderer//helper'), { ok: true, name: 'thumbnail-renderer//helper', top: 'thumbnail-renderer', child: true });
    assert.deepEqual(analyzeProfileName('/usr/sbin/nginx//null-/bin/sh'), { ok: true, name: '/usr/sbin/nginx//null-/bin/sh', top: '/usr/sbin/nginx', child: true });
  });
  it('refuses generated, namespaced, stacked, special and control-character names', () => {
    for (const [name, code] of [
      ['snap.lxd.daemon', 'generated'],
      ['snap-update-ns.lxd', 'generated'],
      ['docker-default', 'generated'],
      ['libvirt-3f1c2a8e-0000-4000-8000-000000000001', 'generated'],
      ['lxd-web_</var/snap/lxd/common/lxd>', 'generated'],
      [':lxd-web_<var-snap-lxd>:nginx', 'generated'],
      ['nginx//&docker-default', 'bad-name'],
      ['unconfined', 'special'],
      ['unprivileged_userns', 'special'],
      ['nginx\x1b]52;c;aGk=\x07', 'bad-name'],
      ['', 'bad-name'],
    ] as const) {
      const v = analyzeProfileName(name);
      assert.equal(v.ok, false, name);
      if (!v.ok) assert.equal(v.code, code, name);
    }
  });
});

describe('target resolution', () => {
  let host: Host;
  before(() => {
    host = makeHost();
  });
  after(() => host.cleanup());

  const refusal = async (name: string, index = host.declarations) => {
    const r = await resolveTarget(name, index, [host.profilesDir]);
    assert.equal(r.ok, false, `${name} should be refused`);
    return r.ok ? undefined : r.refusal;
  };

  it('resolves a profile to its file and names the disable link from the file', async () => {
    const r = await resolveTarget('/usr/sbin/nginx', host.declarations, [host.profilesDir]);
    assert.ok(r.ok);
    assert.equal(r.target.file, join(host.profilesDir, 'usr.sbin.nginx'));
    assert.equal(r.target.disableLink, join(host.profilesDir, 'disable', 'usr.sbin.nginx'));
    assert.equal(r.target.viaParent, false);
    assert.equal(r.target.declaredMode, 'enforce');
  });

  it('sends a child profile to its parent file and says so', async () => {
    const r = await resolveTarget('thumbnail-renderer//helper', host.declarations, [host.profilesDir]);
    assert.ok(r.ok);
    assert.equal(r.target.profile, 'thumbnail-renderer');
    assert.equal(r.target.viaParent, true);
    assert.deepEqual(r.target.fileProfiles, ['thumbnail-renderer', 'thumbnail-renderer//helper']);
  });

  it('refuses a name no file declares', async () => {
    const r = await refusal('/usr/bin/unknown');
    assert.equal(r?.code, 'unknown');
    assert.match(r!.reason, /no file .* declares profile \/usr\/bin\/unknown/);
  });

  it('refuses generated profiles, by name and by the index', async () => {
    assert.equal((await refusal('snap.lxd.daemon'))?.code, 'generated');
    assert.equal((await refusal('docker-default'))?.code, 'generated');
    const r = await refusal('snapped');
    assert.equal(r?.code, 'generated');
    assert.match(r!.reason, /snapd/);
  });

  it('refuses a path with .. even when it would land inside', async () => {
    assert.equal((await refusal('dotdot'))?.code, 'bad-path');
  });

  it('refuses a file whose symlink leads outside the profiles directory', async () => {
    const r = await refusal('escaper');
    assert.equal(r?.code, 'outside');
    assert.match(r!.reason, /outside the profiles directories/);
  });

  it('refuses files under abstractions/, and paths that are not regular files', async () => {
    assert.equal((await refusal('in-abstractions'))?.code, 'outside');
    mkdirSync(join(host.profilesDir, 'a-directory'));
    const index = declarationsFrom([{ name: 'dir', file: join(host.profilesDir, 'a-directory'), fileProfiles: ['dir'] }]);
    assert.equal((await refusal('dir', index))?.code, 'not-regular');
    const gone = declarationsFrom([{ name: 'gone', file: join(host.profilesDir, 'gone'), fileProfiles: ['gone'] }]);
    assert.equal((await refusal('gone', gone))?.code, 'not-regular');
    const relative = declarationsFrom([{ name: 'rel', file: 'usr.sbin.nginx', fileProfiles: ['rel'] }]);
    assert.equal((await refusal('rel', relative))?.code, 'bad-path');
  });

  it('refuses a file that declares other top-level profiles too', async () => {
    const r = await refusal('alpha');
    assert.equal(r?.code, 'multi-profile');
    assert.match(r!.reason, /also declares beta/);
  });

  it('refuses a file outside every given profiles directory', async () => {
    const r = await resolveTarget('/usr/sbin/nginx', host.declarations, [join(host.dir, 'securityfs')]);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.refusal.code, 'outside');
  });
});
