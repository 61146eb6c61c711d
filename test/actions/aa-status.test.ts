/**
 * The action verifier's second way to read the kernel's profile list: `aa-status --json`, used when
 * `<securityfs>/profiles` is not there. Real output of AppArmor 3.0 (Debian 12) and 4.1 (Debian 13),
 * captured by the kernel suite next to the securityfs list of the same moment: both reads agree.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { parseAaStatusJson, parseLoadedProfiles, readLoadedProfiles } from '../../src/actions/kernel-state.js';
import { performAction } from '../../src/actions/perform.js';
import { buildPlan } from '../../src/actions/plan.js';
import { resolveTarget } from '../../src/actions/resolve-target.js';
import { makeHost, type Host } from './helpers.js';

const CAPTURES = [
  { dir: 'kernel', what: 'AppArmor 3.0.8 on Linux 6.1' },
  { dir: 'kernel-6.12', what: 'AppArmor 4.1.0 on Linux 6.12' },
];
const fixture = (dir: string, name: string) => readFileSync(new URL(`../fixtures/${dir}/${name}`, import.meta.url), 'utf8');

describe('aa-status --json as AppArmor prints it', () => {
  for (const { dir, what } of CAPTURES) {
    it(`${what}: the same profiles and modes as securityfs at that moment`, () => {
      for (const [json, list] of [
        ['aa-status.json', 'sys-apparmor-profiles.txt'],
        ['aa-status-complain.json', 'sys-apparmor-profiles-complain.txt'],
      ]) {
        const r = parseAaStatusJson(fixture(dir, json));
        assert.ok(r.ok, r.ok ? '' : r.error);
        assert.equal(r.via, 'aa-status');
        const want = parseLoadedProfiles(fixture(dir, list));
        assert.deepEqual(new Map([...r.profiles].sort()), new Map([...want].sort()), `${dir}/${json}`);
        assert.equal(r.profiles.get('demo spaced'), json.includes('complain') ? 'complain' : 'enforce');
      }
    });
  }

  it('AppArmor 4.1: profiles in the new unconfined mode are loaded profiles, names with spaces included', () => {
    const r = parseAaStatusJson(fixture('kernel-6.12', 'aa-status.json'));
    assert.ok(r.ok);
    assert.equal(r.profiles.get('MongoDB Compass'), 'unconfined');
    assert.equal(r.profiles.get('unprivileged_userns'), 'complain');
    assert.ok([...r.profiles.values()].filter((m) => m === 'unconfined').length > 50);
  });

  it('empty output (what a non-root aa-status --json prints, exit 0) is an error, not an empty list', () => {
    const r = parseAaStatusJson('');
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /printed nothing .*root/);
  });

  it('anything not shaped like the real output is refused, never guessed', () => {
    for (const text of ['not json', '[]', '{"version": "2"}', '{"profiles": ["a"]}', '{"profiles": {"a": 1}}', '{"profiles": {"a": "enforce mode"}}']) {
      const r = parseAaStatusJson(text);
      assert.equal(r.ok, false, text);
    }
  });
});

describe('the verifier falls back to aa-status when securityfs has no profiles file', () => {
  let host: Host;
  beforeEach(() => {
    host = makeHost();
  });
  afterEach(() => host.cleanup());

  it('reads the same list through aa-status (fake on PATH)', async () => {
    const r = await readLoadedProfiles(join(host.dir, 'not-mounted'), { env: host.env });
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(r.via, 'aa-status');
    assert.deepEqual(r.profiles, parseLoadedProfiles(host.loaded()));
  });

  it('without an environment to run it in, or when the file is unreadable for another reason, no fallback', async () => {
    const r = await readLoadedProfiles(join(host.dir, 'not-mounted'));
    assert.equal(r.ok, false);
    assert.doesNotMatch(r.ok ? '' : r.error, /aa-status/);
  });

  it('non-root aa-status (empty output, exit 0) leaves the read failed, with both reasons', async () => {
    const r = await readLoadedProfiles(join(host.dir, 'not-mounted'), { env: { ...host.env, FAKE_AA_BEHAVIOUR: 'nonroot' } });
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /cannot read .*not-mounted\/profiles: no such file.*; aa-status --json printed nothing/);
  });

  it('an action verified through aa-status says so', async () => {
    const t = await resolveTarget('/usr/sbin/nginx', host.declarations, [host.profilesDir]);
    assert.ok(t.ok);
    const report = await performAction({ plan: buildPlan('complain', t.target), reason: 'test' }, host.actionEnv({ securityfs: join(host.dir, 'not-mounted') }));
    assert.ok(report.done);
    assert.equal(report.judgement.outcome, 'verified');
    assert.equal(report.judgement.message, 'verified: /usr/sbin/nginx now complain (kernel state read with aa-status --json)');
    assert.equal(report.result.modeBefore, 'enforce');
    assert.equal(report.result.modeAfter, 'complain');
  });
});
