// `act` on a name nobody declares suggests the nearest declared names.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { didYouMean, editDistance, nearestNames } from '../../src/actions/nearest-names.js';
import { resolveTarget } from '../../src/actions/resolve-target.js';
import { makeHost, type Host } from './helpers.js';

let host: Host;
beforeEach(() => {
  host = makeHost();
});
afterEach(() => host.cleanup());

const DECLARED = ['/usr/sbin/nginx', 'thumbnail-renderer', 'thumbnail-renderer//helper', 'alpha', 'beta', '/usr/sbin/unbound'];

test('edit distance counts typos, swapped neighbours as one', () => {
  assert.equal(editDistance('nginx', 'nginx'), 0);
  assert.equal(editDistance('ngnix', 'nginx'), 1);
  assert.equal(editDistance('ngin', 'nginx'), 1);
  assert.equal(editDistance('abc', 'xyz'), 3);
  assert.equal(editDistance('a', 'abcdefgh', 2), 3, 'stops beyond the cap');
});

test('the nearest names: the program of a path, a part of a name, a typo; nothing for a stranger', () => {
  assert.deepEqual(nearestNames('nginx', DECLARED), ['/usr/sbin/nginx']);
  assert.deepEqual(nearestNames('/usr/bin/nginx', DECLARED), ['/usr/sbin/nginx']);
  assert.deepEqual(nearestNames('thumbnail', DECLARED).slice(0, 2), ['thumbnail-renderer', 'thumbnail-renderer//helper']);
  assert.deepEqual(nearestNames('/usr/sbin/ngnix', DECLARED), ['/usr/sbin/nginx']);
  assert.deepEqual(nearestNames('postgres', DECLARED), []);
  assert.equal(didYouMean('nginx', DECLARED), ' (did you mean /usr/sbin/nginx?)');
  assert.equal(didYouMean('alpah', DECLARED), ' (did you mean alpha?)');
  assert.equal(didYouMean('zzzzzz', DECLARED), '');
});

test('resolveTarget: an unknown name is refused with the nearest declared names', async () => {
  const r = await resolveTarget('nginx', host.declarations, [host.profilesDir]);
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.refusal.code, 'unknown');
  assert.match(r.refusal.reason, /declares profile nginx \(did you mean \/usr\/sbin\/nginx\?\)$/);
  const none = await resolveTarget('postgres', host.declarations, [host.profilesDir]);
  assert.ok(!none.ok && !none.refusal.reason.includes('did you mean'));
});
