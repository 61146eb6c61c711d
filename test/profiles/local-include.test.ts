import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { placeRules } from '../../src/actions/rule-edit.js';
import { buildProfileIndex } from '../../src/profiles/index.js';

const ROOT = '/etc/apparmor.d';

/**
 * The suggestion names the file `act allow` writes: the index's `localInclude` (what the suggestion
 * says) and the file placeRules edits agree, for every shape of file where a local include can sit.
 */
const FILES: Record<string, { text: string; profiles: string[] }> = {
  'usr.sbin.smbd': {
    text: 'profile smbd /usr/sbin/smbd {\n  include if exists <local/usr.sbin.smbd-shares>\n  include if exists <local/usr.sbin.smbd>\n}\n',
    profiles: ['smbd'],
  },
  transmission: {
    text: 'include <local/site>\nprofile transmission-daemon /usr/bin/transmission-daemon {\n  include if exists <local/transmission>\n  include if exists <local/transmission-daemon>\n}\nprofile transmission-cli /usr/bin/transmission-cli {\n  include if exists <local/transmission>\n  include if exists <local/site>\n}\n',
    profiles: ['transmission-daemon', 'transmission-cli'],
  },
  // an include inside a conditional block of the body holds only when the condition does
  'usr.bin.cond': {
    text: '$WITH_X = true\n/usr/bin/cond {\n  /srv/** r,\n  if $WITH_X {\n    include if exists <local/usr.bin.cond>\n  }\n}\n',
    profiles: ['/usr/bin/cond'],
  },
  // the same include once in the body and once in a conditional: shared with the conditional
  'usr.bin.both': {
    text: '$WITH_X = true\n/usr/bin/both {\n  include if exists <local/usr.bin.both>\n  if $WITH_X {\n    include if exists <local/usr.bin.both>\n  }\n}\n',
    profiles: ['/usr/bin/both'],
  },
  // a qualifier block around the include
  'usr.bin.owned': {
    text: '/usr/bin/owned {\n  owner {\n    include if exists <local/usr.bin.owned>\n  }\n  include if exists <local/owned-extra>\n}\n',
    profiles: ['/usr/bin/owned'],
  },
  // a child including the parent's local file
  'usr.bin.t': {
    text: 'profile t /usr/bin/t {\n  profile helper {\n    include <local/usr.bin.t>\n  }\n  include if exists <local/usr.bin.t>\n  include if exists <local/t>\n}\n',
    profiles: ['t'],
  },
};

test("the suggestion's local include is the file act allow writes, for every shape of file", () => {
  const index = buildProfileIndex(
    Object.entries(FILES).map(([name, f]) => ({ path: `${ROOT}/${name}`, text: f.text })),
    { roots: [ROOT] },
  );
  for (const [name, f] of Object.entries(FILES)) {
    const file = `${ROOT}/${name}`;
    for (const profile of f.profiles) {
      const said = index.lookup(profile)?.localInclude;
      const r = placeRules({ id: 'abc123', when: '2026-12-04T03:00:00Z', rules: ['/srv/x r,'], profile, file, root: ROOT, text: f.text, readLocal: () => '' });
      assert.ok(r.ok, `${profile}: ${r.ok ? '' : r.reason}`);
      const written = r.placement.edits[0].file;
      assert.equal(said ?? file, written, `${profile}: the suggestion says ${said ?? file}, act allow writes ${written}`);
    }
  }
  // what each decided, so a change of the rule shows here as well as in the agreement
  assert.equal(index.lookup('smbd')!.localInclude, `${ROOT}/local/usr.sbin.smbd`);
  assert.equal(index.lookup('transmission-daemon')!.localInclude, `${ROOT}/local/transmission-daemon`);
  assert.equal(index.lookup('transmission-cli')!.localInclude, undefined);
  assert.equal(index.lookup('/usr/bin/cond')!.localInclude, undefined);
  assert.equal(index.lookup('/usr/bin/both')!.localInclude, undefined);
  assert.equal(index.lookup('/usr/bin/owned')!.localInclude, `${ROOT}/local/owned-extra`);
  assert.equal(index.lookup('t')!.localInclude, `${ROOT}/local/t`);
});
