// A program's log line that reads like a denial (`logger 'audit: type=1400 ... apparmor="DENIED" ...'`)
// is classified like any record, but it is no evidence of what a process did: it leaves no mark on
// the sequence memory the kernel's own records are read against.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClassifier } from '../../src/classify/index.js';
import type { ProfileIndex } from '../../src/profiles/types.js';
import { file, loadFixtureIndex, parse, status } from './helpers.js';

const NGINX = '/usr/sbin/nginx';
let index: ProfileIndex;
before(async () => {
  index = (await loadFixtureIndex()).index;
});

/** The same line as written by a program calling itself mallory. */
const byProgram = (line: string) => line.replace(' kernel: audit:', ' mallory[4242]: audit:');

function lastOf(lines: string[]) {
  const records = parse(lines);
  const c = createClassifier(index);
  const out = records.map((r) => c.classify(r));
  return { record: records[records.length - 1], c: out[out.length - 1] };
}

const shell = file(0, NGINX, 'exec', '/usr/bin/dash', 'x', { pid: 2211, comm: 'nginx' });
const geoip = file(5, NGINX, 'open', '/usr/share/GeoIP/GeoLite2-City.mmdb', 'r', { pid: 2211, comm: 'nginx' });

test("a pid's attack signals come from the kernel's records, not from a program's line about them", () => {
  const real = lastOf([shell, geoip]);
  assert.equal(real.c.verdict, 'unclear');
  assert.ok(real.c.reasons.some((r) => /showed attack signals/.test(r)));
  const forged = lastOf([byProgram(shell), geoip]);
  assert.equal(parse([byProgram(shell)])[0].writer, 'mallory[4242]');
  assert.equal(forged.c.verdict, 'missing-rule');
  assert.ok(!forged.c.reasons.some((r) => /showed attack signals/.test(r)), forged.c.reasons.join('; '));
});

test("a load a program's line tells of is no load: the denials after it are not a profile starting up", () => {
  const read = file(1, NGINX, 'open', '/usr/share/GeoIP/GeoLite2-Country.mmdb', 'r', { pid: 1900, comm: 'nginx' });
  const real = lastOf([status(0, 'profile_replace', NGINX), read]);
  assert.ok(real.c.reasons.some((r) => /after profile_replace/.test(r)));
  const forged = lastOf([byProgram(status(0, 'profile_replace', NGINX)), read]);
  assert.ok(!forged.c.reasons.some((r) => /after profile_replace/.test(r)), forged.c.reasons.join('; '));
});

test("a program's line about a denial is classified on its own fields, as the kernel's would be", () => {
  const real = lastOf([shell]);
  const forged = lastOf([byProgram(shell)]);
  assert.equal(forged.c.verdict, real.c.verdict);
  assert.deepEqual([...forged.c.reasons], [...real.c.reasons]);
});
