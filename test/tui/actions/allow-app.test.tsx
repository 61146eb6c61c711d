import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { readJournal } from '../../../src/actions/journal.js';
import type { AppArmorRecord } from '../../../src/model/record.js';
import { DenialStore } from '../../../src/tui/denial-store.js';
import { makeHost, type Host } from '../../actions/helpers.js';
import { keys, mountWithActions } from './harness.js';
import { denial, status, until } from '../fixtures.js';

const NOW = 1_800_000_000_000;
let host: Host;
const mounted: { unmount(): void }[] = [];
beforeEach(() => {
  host = makeHost();
});
afterEach(() => {
  for (const a of mounted.splice(0)) a.unmount();
  host.cleanup();
});

function missing(name: string, rule: string, extra: Record<string, string> = {}): AppArmorRecord {
  const r = denial({ operation: 'open', name, requested_mask: 'r', denied_mask: 'r', ...extra }, { time: NOW - 5_000 });
  r.classification = { verdict: 'missing-rule', confidence: 0.8, reasons: ['the service reads its own files'], suggestion: { kind: 'rule', text: 'add it to the profile', rules: [rule] } };
  return r;
}

function setup(records: AppArmorRecord[]) {
  const store = new DenialStore();
  for (const r of records) store.add(r);
  const m = mountWithActions(host, store, { rows: 40, now: NOW, attackOn: true });
  mounted.push(m.app);
  return m;
}

const TAB = '\t';
const RIGHT = '\u001b[C';
const nginx = () => join(host.profilesDir, 'usr.sbin.nginx');
const local = () => join(host.profilesDir, 'local', 'usr.sbin.nginx');

test('a applies the suggested rule: edit, check, review the diff, apply, watch for a repeat; z removes exactly it', async () => {
  const before = readFileSync(nginx(), 'utf8');
  const { app, frame, ctl } = setup([missing('/srv/www/index.html', '/srv/www/index.html r,')]);
  await until(() => frame().includes('? help'), 'first frame');
  await new Promise((r) => setImmediate(r));
  await keys(app, 'a');
  await until(() => frame().includes('Allow: add the suggested rule to /usr/sbin/nginx'), 'the allow dialog');
  assert.match(frame(), /rule \[\/srv\/www\/index\.html r,_\]/);
  await keys(app, TAB, 'new docroot', '\r', RIGHT, '\r');
  await until(() => frame().includes('Allow: review for /usr/sbin/nginx'), 'the review');
  assert.match(frame(), /Where: .*local\/usr\.sbin\.nginx, created now/);
  assert.match(frame(), /\+\/srv\/www\/index\.html r,/);
  assert.match(frame(), /\[> Cancel <\]/);
  assert.ok(!existsSync(local()), 'nothing written before Apply');
  await keys(app, RIGHT, '\r');
  await until(() => frame().includes('OK verified: /usr/sbin/nginx now enforce'), 'the verified result');
  assert.match(frame(), /Same denial since the reload: no repeat in \d+ s/);
  assert.match(readFileSync(local(), 'utf8'), /^\/srv\/www\/index\.html r,$/m);
  ctl.observe(status('/usr/sbin/nginx', 'profile_replace'));
  await until(() => frame().includes('profile_replace /usr/sbin/nginx seen'), 'the STATUS record');
  const again = missing('/srv/www/index.html', '/srv/www/index.html r,');
  again.time = Date.now();
  ctl.observe(again);
  await until(() => frame().includes('still denied: open /srv/www/index.html came back'), 'the repeat');
  const [intent, result] = await readJournal(host.journal);
  assert.equal(intent.action, 'allow');
  assert.equal(intent.reason, 'new docroot');
  assert.equal(result.outcome, 'verified');
  await keys(app, '\r', 'z');
  await until(() => frame().includes('allow /usr/sbin/nginx  ->  remove-rule'), 'the undo list');
  await keys(app, '\r');
  await until(() => frame().includes('Removes exactly the 4 lines'), 'the undo dialog');
  await keys(app, RIGHT, '\r');
  await until(() => frame().includes('OK verified'), 'the undo result');
  assert.equal(readFileSync(nginx(), 'utf8'), before);
  assert.ok(!existsSync(local()));
  assert.equal((await readJournal(host.journal)).at(-1)?.undoOf, intent.id);
});

test('a edit that widens the rule is refused in the dialog; nothing is written', async () => {
  const { app, frame } = setup([missing('/srv/www/index.html', '/srv/www/index.html r,')]);
  await until(() => frame().includes('? help'), 'first frame');
  await new Promise((r) => setImmediate(r));
  await keys(app, 'a');
  await until(() => frame().includes('Allow: add the suggested rule'), 'the allow dialog');
  await keys(app, '\u0015', '/srv/** r,', TAB, 'x', '\r', RIGHT, '\r');
  await until(() => frame().includes('is not inside the suggested'), 'the refusal');
  assert.ok(!existsSync(local()));
  assert.ok(!existsSync(host.journal));
});

test('a on a likely attack is refused with why; m marks several denial groups of one profile for one dialog', async () => {
  const attack = denial({ operation: 'exec', name: '/usr/bin/dash', requested_mask: 'x', denied_mask: 'x' }, { verdict: 'likely-attack', time: NOW - 1000 });
  const { app, frame, ctl } = setup([attack]);
  await until(() => frame().includes('? help'), 'first frame');
  await new Promise((r) => setImmediate(r));
  await keys(app, 'a');
  await until(() => frame().includes('Allow: refused (likely attack)'), 'the refusal');
  assert.match(frame(), /No rule is applied for a likely attack/);
  ctl.close();

  const two = setup([missing('/srv/a.html', '/srv/a.html r,', { profile: 'thumbnail-renderer' }), missing('/srv/b.html', '/srv/b.html r,', { profile: 'thumbnail-renderer' })]);
  await until(() => two.frame().includes('? help'), 'first frame');
  await new Promise((r) => setImmediate(r));
  await keys(two.app, 'm', 'j', 'm');
  await until(() => (two.frame().match(/^\*/gm) ?? []).length === 2, 'two marked rows');
  await keys(two.app, 'a');
  await until(() => two.frame().includes('Allow: add 2 suggested rules to thumbnail-renderer'), 'one dialog for both');
  assert.match(two.frame(), /2 marked denial groups: one dialog, one reload/);
});

test('a on a denial fixed by a profile flag (a deleted entry) says where the flag goes; nothing is tried', async () => {
  const flagged = missing('/run/user/1000/#503', 'flags=(mediate_deleted)', { operation: 'link', requested_mask: 'l', denied_mask: 'l', info: 'Failed name lookup - deleted entry' });
  const { app, frame, ctl } = setup([flagged]);
  await until(() => frame().includes('? help'), 'first frame');
  await new Promise((r) => setImmediate(r));
  await keys(app, 'a');
  await until(() => frame().includes('Allow: a profile flag, not a rule'), 'the refusal');
  assert.match(frame(), /goes on the profile's own line/);
  assert.match(frame(), /Nothing was tried/);
  assert.equal(host.calls().length, 0, 'no check, no reload');
  ctl.close();
});

test("a refuses a denial group every record of which a program's log line carried: no rule on a program's word", async () => {
  const forged = missing('/srv/www/index.html', '/srv/www/index.html r,');
  forged.writer = 'nginx[4242]';
  const before = readFileSync(nginx(), 'utf8');
  const { app, frame } = setup([forged]);
  await until(() => frame().includes('? help'), 'first frame');
  assert.match(frame(), /UNPROVEN \/srv\/ww/, 'the row says so');
  await new Promise((r) => setImmediate(r));
  await keys(app, 'a');
  await until(() => frame().includes("Allow: refused (not the kernel's record)"), 'the refusal');
  assert.match(frame(), /nginx\[4242\]/);
  assert.match(frame(), /Nothing was tried/);
  assert.equal(readFileSync(nginx(), 'utf8'), before);
  assert.ok(!existsSync(local()), 'nothing written');
});

test("a takes a group the kernel logged too, whatever a program's line also said", async () => {
  const forged = missing('/srv/www/index.html', '/srv/www/index.html r,');
  forged.writer = 'nginx[4242]';
  const { app, frame } = setup([forged, missing('/srv/www/index.html', '/srv/www/index.html r,')]);
  await until(() => frame().includes('? help'), 'first frame');
  assert.ok(!frame().includes('UNPROVEN'));
  await new Promise((r) => setImmediate(r));
  await keys(app, 'a');
  await until(() => frame().includes('Allow: add the suggested rule to /usr/sbin/nginx'), 'the allow dialog');
});

test('a on an unclear denial offers its rule with the caution; one with no rule says so', async () => {
  const unclear = missing('/srv/www/index.html', '/srv/www/index.html r,');
  unclear.classification = {
    verdict: 'unclear',
    confidence: 0.5,
    reasons: ['one weak attack signal'],
    suggestion: { kind: 'rule', text: 'look at what else this process did first; if it does, add it to the profile', rules: ['/srv/www/index.html r,'] },
  };
  const { app, frame, ctl } = setup([unclear]);
  await until(() => frame().includes('? help'), 'first frame');
  await new Promise((r) => setImmediate(r));
  await keys(app, 'a');
  await until(() => frame().includes('Allow: add the suggested rule to /usr/sbin/nginx'), 'the allow dialog');
  assert.match(frame(), /this denial is classified unclear: add the rule only once you have checked the service needs it/);
  assert.match(frame(), /rule \[\/srv\/www\/index\.html r,_\]/);
  ctl.close();

  const bare = missing('/srv/www/other.html', '/srv/www/other.html r,');
  bare.classification = { verdict: 'unclear', confidence: 0.3, reasons: ['no strong signal'], suggestion: { kind: 'none', text: 'check whether the service needs this before adding a rule' } };
  const two = setup([bare]);
  await until(() => two.frame().includes('? help'), 'first frame');
  await new Promise((r) => setImmediate(r));
  await keys(two.app, 'a');
  await until(() => two.frame().includes('Allow: no rule to apply'), 'the refusal');
  assert.match(two.frame(), /check whether the service needs this before adding a rule/);
});
