import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, test } from 'node:test';
import { readJournal } from '../../../src/actions/journal.js';
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

function setup() {
  const store = new DenialStore();
  store.add(denial({ operation: 'exec', name: '/usr/bin/dash', requested_mask: 'x', denied_mask: 'x' }, { verdict: 'likely-attack', time: NOW - 12_000 }));
  const calls = { quit: 0 };
  const { app, frame, ctl } = mountWithActions(host, store, { rows: 30, now: NOW, onQuit: () => calls.quit++ });
  mounted.push(app);
  return { app, frame, ctl, calls };
}

test('u on a likely attack opens the dialog in the view; typed keys go to the dialog, not the keymap', async () => {
  const { app, frame, ctl, calls } = setup();
  await until(() => frame().includes('? help'), 'first frame');
  await new Promise((r) => setImmediate(r));
  await keys(app, 'u');
  await until(() => frame().includes('Unload: /usr/sbin/nginx'), 'the unload dialog');
  assert.match(frame(), /WARNING \(likely attack\)/);
  assert.match(frame(), /\$ apparmor_parser -R /);
  // q, 2 and ? are text here: they neither quit nor switch screens
  await keys(app, 'q2?');
  await until(() => frame().includes('[q2?_]'), 'typed text in the name field');
  assert.equal(calls.quit, 0);
  await keys(app, '\u007f', '\u007f', '\u007f', '/usr/sbin/nginx', '\r', 'INC-12: SOC cleared it', '\r', '\u001b[C', '\r');
  await until(() => frame().includes('OK verified: /usr/sbin/nginx no longer loaded'), 'the verified result');
  // a program's log line saying so confirms nothing (observe decides at once: the dialog's state says)
  ctl.observe(Object.assign(status('/usr/sbin/nginx', 'profile_remove'), { writer: 'mallory[4242]' }));
  const after = ctl.get();
  assert.equal(after.kind === 'result' ? after.status : 'not a result', undefined);
  ctl.observe(status('/usr/sbin/nginx', 'profile_remove'));
  await until(() => frame().includes('profile_remove /usr/sbin/nginx seen'), 'the STATUS record');
  const [intent] = await readJournal(host.journal);
  assert.deepEqual(intent.override, { reason: 'INC-12: SOC cleared it' });
  await keys(app, '\u001b');
  await until(() => frame().includes('? help') && !frame().includes('Unload:'), 'back to the list');
  await keys(app, 'z');
  await until(() => frame().includes('Undo an action (newest first)'), 'the undo list');
  await keys(app, '\r');
  await until(() => frame().includes('Undo: load again: /usr/sbin/nginx'), 'the undo dialog');
  await keys(app, '\u001b[C', '\r');
  await until(() => frame().includes('OK verified: /usr/sbin/nginx now enforce'), 'the undo verified');
  assert.match(host.loaded(), /^\/usr\/sbin\/nginx \(enforce\)$/m);
});

test("c on a group only a program's log line told of: the dialog says so and wants the name and a reason", async () => {
  const store = new DenialStore();
  const forged = denial({ operation: 'open', name: '/srv/www/index.html', requested_mask: 'r', denied_mask: 'r' }, { verdict: 'missing-rule', time: NOW - 12_000 });
  forged.writer = 'mallory[4242]';
  store.add(forged);
  const { app, frame } = mountWithActions(host, store, { rows: 40, now: NOW });
  mounted.push(app);
  await until(() => frame().includes('? help'), 'first frame');
  await new Promise((r) => setImmediate(r));
  await keys(app, 'c');
  await until(() => frame().includes('Complain'), 'the complain dialog');
  assert.match(frame(), /WARNING: Every record of this denial group came from a program's log line/);
  assert.ok(!frame().includes('(likely attack)'));
  // Proceed without the name: refused, nothing run
  await keys(app, '\r', '\r', '\u001b[C', '\r');
  await until(() => /type the profile name/.test(frame()), 'the name asked for');
  assert.equal((await readJournal(host.journal)).length, 0);
});

test('Escape and q in one read while a dialog is open: the dialog closes, then q quits', async () => {
  const { app, frame, calls } = setup();
  await until(() => frame().includes('? help'), 'first frame');
  await new Promise((r) => setImmediate(r));
  await keys(app, 'z');
  await until(() => frame().includes('Nothing to undo'), 'the undo dialog');
  app.stdin.write('\u001bq');
  await until(() => calls.quit > 0, 'q to quit after the dialog closed');
  assert.ok(!frame().includes('Nothing to undo'), frame());
});

test('Ctrl-Z while a dialog is open suspends; the dialog is there afterwards', async () => {
  const store = new DenialStore();
  store.add(denial({ operation: 'exec', name: '/usr/bin/dash', requested_mask: 'x', denied_mask: 'x' }, { verdict: 'likely-attack', time: NOW - 12_000 }));
  let suspended = 0;
  const { app, frame } = mountWithActions(host, store, { rows: 30, now: NOW, onSuspend: () => (suspended++, undefined) });
  mounted.push(app);
  await until(() => frame().includes('? help'), 'first frame');
  await new Promise((r) => setImmediate(r));
  await keys(app, 'z');
  await until(() => frame().includes('Nothing to undo'), 'the undo dialog');
  await keys(app, '\x1a');
  await until(() => suspended === 1, 'Ctrl-Z');
  assert.ok(frame().includes('Nothing to undo'), frame());
});
