import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import React from 'react';
import { useInput } from 'ink';
import { render } from 'ink-testing-library';
import { hasCommand } from '../../../src/actions/execute.js';
import { readJournal } from '../../../src/actions/journal.js';
import { resolveTarget } from '../../../src/actions/resolve-target.js';
import type { AppArmorRecord } from '../../../src/model/record.js';
import { ActionDialog, fitLines } from '../../../src/tui/actions/action-dialog.js';
import { everywhereKey, keysOfEvent } from '../../../src/tui/key-step.js';
import { ActionController, type ActionSubject } from '../../../src/tui/actions/controller.js';
import { MONO_THEME } from '../../../src/tui/theme.js';
import { attackAmong } from '../../../src/tui/actions/wire.js';
import { makeHost, MULTI, type Host } from '../../actions/helpers.js';

const ENTER = '\r';
const TAB = '\t';
const RIGHT = '\u001b[C';
const DOWN = '\u001b[B';
const ESC = '\u001b';

let host: Host;
beforeEach(() => {
  host = makeHost();
});
afterEach(() => host.cleanup());

function controller(over: { isRoot?: boolean; readOnly?: boolean; utils?: boolean; groups?: { profile: string; verdict?: string; operation?: string; target?: string }[] } = {}) {
  return new ActionController({
    attackOn: over.groups ? (profiles) => attackAmong(over.groups!, profiles) : undefined,
    env: host.actionEnv({ isRoot: over.isRoot ?? true, readOnly: over.readOnly ?? false }),
    resolve: (name) => resolveTarget(name, host.declarations, [host.profilesDir]),
    hasCommand: (name) => (over.utils === false && name.startsWith('aa-') ? false : hasCommand(name, host.env)),
    readJournal: () => readJournal(host.journal),
  });
}

/** The dialog alone, its keys given to it as the view's key handler gives them while it is open. */
function DialogAlone(p: { ctl: ActionController; onQuit(): void }): React.JSX.Element {
  useInput((input, key) => {
    for (const [c, k] of keysOfEvent(input, key)) {
      const everywhere = everywhereKey(c, k);
      if (everywhere?.type === 'quit') p.onQuit();
      else if (!everywhere && p.ctl.isOpen()) p.ctl.key(c, k);
    }
  });
  return <ActionDialog controller={p.ctl} width={110} height={30} theme={MONO_THEME} />;
}

function mount(ctl: ActionController) {
  let quit = 0;
  const app = render(<DialogAlone ctl={ctl} onQuit={() => quit++} />);
  return { ...app, quits: () => quit };
}

async function waitFor(frame: () => string | undefined, pattern: RegExp | string, ms = 30_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const f = frame() ?? '';
    if (typeof pattern === 'string' ? f.includes(pattern) : pattern.test(f)) return f;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; last frame:\n${f}`);
    await new Promise((r) => setImmediate(r));
  }
}

async function press(stdin: { write(s: string): void }, ...keys: string[]) {
  for (const k of keys) {
    stdin.write(k);
    // let Ink deliver the key before the next one (input events are processed asynchronously)
    await new Promise((r) => setImmediate(r));
  }
}

const record = (verdict: string): AppArmorRecord => ({
  kind: 'DENIED',
  fields: { apparmor: 'DENIED', operation: 'exec', profile: '/usr/sbin/nginx', name: '/bin/sh' },
  serial: 3120,
  auditId: '1795316480.302:3120',
  carrier: 'auditlog',
  source: { name: 'audit.log', line: 41 },
  raw: 'type=AVC msg=audit(1795316480.302:3120): apparmor="DENIED" operation="exec" profile="/usr/sbin/nginx" name="/bin/sh"',
  classification: { verdict: verdict as 'likely-attack', confidence: 0.9, reasons: [] },
});
const subject = (verdict: string): ActionSubject => ({ group: { profile: '/usr/sbin/nginx', verdict, samples: [record(verdict)] } });

describe('action dialogs', () => {
  it('unload: shows the command and the consequence, needs the typed name, shows the verified result and the STATUS record', async () => {
    const ctl = controller();
    const ui = mount(ctl);
    await ctl.open('unload', subject('missing-rule'));
    let f = await waitFor(ui.lastFrame, 'Unload: /usr/sbin/nginx');
    assert.match(f, /\$ apparmor_parser -R .*usr\.sbin\.nginx/);
    assert.match(f, /run UNCONFINED/);
    assert.match(f, /> Type the profile name \(\/usr\/sbin\/nginx\) to confirm: \[_\]/);
    await press(ui.stdin, 'nginx', ENTER, RIGHT, ENTER);
    f = await waitFor(ui.lastFrame, '! type the profile name (/usr/sbin/nginx) to confirm');
    assert.deepEqual(host.calls(), []);
    await press(ui.stdin, '\u0015', '/usr/sbin/nginx', ENTER, RIGHT, ENTER);
    f = await waitFor(ui.lastFrame, 'OK verified: /usr/sbin/nginx no longer loaded');
    assert.match(f, /\(exit 0\)/);
    assert.match(f, /Kernel STATUS record: not seen in the stream/);
    ctl.observe({ ...record('info'), kind: 'STATUS', fields: { apparmor: 'STATUS', operation: 'profile_remove', name: '/usr/sbin/nginx' } });
    await waitFor(ui.lastFrame, 'Kernel STATUS record: profile_remove /usr/sbin/nginx seen');
    const [intent] = await readJournal(host.journal);
    assert.equal(intent.trigger?.serial, 3120);
    assert.equal(intent.trigger?.verdict, 'missing-rule');
    assert.match(intent.trigger?.evidence ?? '', /operation="exec"/);
    await press(ui.stdin, ENTER);
    await waitFor(ui.lastFrame, /^$/);
    ui.unmount();
  });

  it('without apparmor-utils the persistent complain writes the flags (shown); r gives the runtime one; Cancel has the focus, Enter cancels and nothing runs', async () => {
    const ctl = controller({ utils: false });
    const ui = mount(ctl);
    await ctl.open('complain', subject('missing-rule'));
    let f = await waitFor(ui.lastFrame, 'Complain mode (persistent)');
    assert.match(f, /The persistent complain writes \/usr\/sbin\/nginx's own flags: aa-complain is not installed\s+\(apparmor-utils\)\./);
    assert.match(f, /Will write:/);
    assert.match(f, /\+\/usr\/sbin\/nginx flags=\(complain,attach_disconnected\) \{/);
    assert.match(f, /\$ apparmor_parser -r \S*usr\.sbin\.nginx/);
    await press(ui.stdin, 'r');
    f = await waitFor(ui.lastFrame, 'Complain mode (until the next reload)');
    assert.match(f, /\$ apparmor_parser -r -C /);
    assert.match(f, /Persists: no/);
    assert.match(f, /\[> Cancel <\]/);
    await press(ui.stdin, ENTER);
    await waitFor(ui.lastFrame, /^$/);
    assert.deepEqual(host.calls(), []);
    ui.unmount();
  });

  it('persistent complain states the consequence, r switches to runtime, and the result is verified', async () => {
    const ctl = controller();
    const ui = mount(ctl);
    await ctl.open('complain', subject('missing-rule'));
    let f = await waitFor(ui.lastFrame, 'Complain mode (persistent)');
    assert.match(f, /Consequence:/);
    assert.match(f, /stays that way after a\s+reload or reboot/);
    await press(ui.stdin, 'r');
    f = await waitFor(ui.lastFrame, 'Complain mode (until the next reload)');
    await press(ui.stdin, 'r');
    await waitFor(ui.lastFrame, 'Complain mode (persistent)');
    await press(ui.stdin, RIGHT, ENTER);
    f = await waitFor(ui.lastFrame, 'OK verified: /usr/sbin/nginx now complain');
    assert.match(f, /Undo: z/);
    ui.unmount();
  });

  it('a likely attack: no one-key loosening; the name and a reason are required and journaled as an override', async () => {
    const ctl = controller();
    const ui = mount(ctl);
    await ctl.open('complain', subject('likely-attack'));
    let f = await waitFor(ui.lastFrame, 'WARNING (likely attack)');
    assert.match(f, /Override and proceed/);
    // straight to Proceed without typing anything
    await press(ui.stdin, TAB, TAB, TAB, ENTER);
    f = await waitFor(ui.lastFrame, '! type the profile name');
    assert.deepEqual(host.calls(), []);
    await press(ui.stdin, '/usr/sbin/nginx', ENTER, TAB, TAB, ENTER);
    f = await waitFor(ui.lastFrame, '! give a reason for overriding the likely-attack verdict');
    assert.deepEqual(host.calls(), []);
    await press(ui.stdin, 'upload pipeline down, attack ruled out by SOC', ENTER, RIGHT, ENTER);
    await waitFor(ui.lastFrame, 'OK verified: /usr/sbin/nginx now complain');
    const [intent] = await readJournal(host.journal);
    assert.deepEqual(intent.override, { reason: 'upload pipeline down, attack ruled out by SOC' });
    assert.equal(intent.trigger?.verdict, 'likely-attack');
    ui.unmount();
  });

  it('from a profile row or a harmless denial group, a likely attack on the same file still needs the override', async () => {
    const groups = [
      { profile: 'thumbnail-renderer', verdict: 'missing-rule', operation: 'open', target: '/srv/media/x' },
      { profile: 'thumbnail-renderer//helper', verdict: 'likely-attack', operation: 'exec', target: '/bin/sh\x1b[2J' },
    ];
    const ctl = controller({ groups });
    const ui = mount(ctl);
    await ctl.open('unload', { profile: 'thumbnail-renderer' });
    const f = await waitFor(ui.lastFrame, 'WARNING (likely attack)');
    assert.match(f, /Likely attack on the same profile: thumbnail-renderer\/\/helper exec \/bin\/sh\\x1b\[2J/);
    assert.match(f, /Reason for overriding the verdict/);
    ui.unmount();
    const quiet = controller({ groups: groups.slice(0, 1) });
    const ui2 = mount(quiet);
    await quiet.open('unload', { profile: 'thumbnail-renderer' });
    const f2 = await waitFor(ui2.lastFrame, 'Unload: thumbnail-renderer');
    assert.doesNotMatch(f2, /WARNING/);
    ui2.unmount();
  });

  it('not root or read-only: the dialog says why and nothing is tried', async () => {
    for (const over of [{ isRoot: false }, { readOnly: true }]) {
      const ctl = controller(over);
      const ui = mount(ctl);
      await ctl.open('disable', subject('missing-rule'));
      const f = await waitFor(ui.lastFrame, 'disable: not available');
      assert.match(f, over.readOnly ? /read-only/ : /not root/);
      assert.match(f, /Nothing was tried/);
      ui.unmount();
    }
    assert.deepEqual(host.calls(), []);
  });

  it('a refused target shows the reason', async () => {
    const ctl = controller();
    const ui = mount(ctl);
    await ctl.open('disable', { profile: 'snap.lxd.daemon' });
    await waitFor(ui.lastFrame, /disable: refused[\s\S]*generated by snapd/);
    await press(ui.stdin, ESC);
    await waitFor(ui.lastFrame, /^$/);
    ui.unmount();
  });

  it('one profile of a file that declares several: complain writes its own flags and loads it alone (or, with r, only loads it), z puts the line back; disable is refused', async () => {
    const ctl = controller();
    const ui = mount(ctl);
    const multi = join(host.profilesDir, 'multi');
    await ctl.open('complain', { profile: 'alpha' });
    let f = await waitFor(ui.lastFrame, 'Complain mode (persistent)');
    assert.match(f, /The file also declares beta: only alpha is loaded or removed, it is not touched/);
    assert.match(f, /The persistent complain writes alpha's own flags: aa-complain would change beta\s+too\./);
    assert.match(f, /\+profile alpha \/usr\/bin\/alpha flags=\(complain\) \{/);
    assert.match(f, /apparmor_parser -r -K < \(alpha's part of/);
    await press(ui.stdin, 'r');
    f = await waitFor(ui.lastFrame, 'Complain mode (until the next reload)');
    assert.match(f, /apparmor_parser -r -C -K < \(alpha's part of/);
    await press(ui.stdin, RIGHT, ENTER);
    f = await waitFor(ui.lastFrame, /OK verified: alpha now complain \(beta untouched\)/);
    assert.match(host.loaded(), /^beta \(enforce\)$/m);
    assert.equal(readFileSync(multi, 'utf8'), MULTI, 'the runtime change writes nothing');
    await press(ui.stdin, ESC);
    host.setLoaded('alpha (enforce)\nbeta (enforce)\n');

    await ctl.open('complain', { profile: 'alpha' });
    await waitFor(ui.lastFrame, 'Complain mode (persistent)');
    await press(ui.stdin, RIGHT, ENTER);
    await waitFor(ui.lastFrame, /OK verified: alpha now complain \(beta untouched\)/);
    assert.equal(readFileSync(multi, 'utf8'), MULTI.replace('profile alpha /usr/bin/alpha {', 'profile alpha /usr/bin/alpha flags=(complain) {'));
    await press(ui.stdin, ESC);
    await ctl.open('undo', {});
    await waitFor(ui.lastFrame, 'Undo an action (newest first)');
    await press(ui.stdin, ENTER);
    f = await waitFor(ui.lastFrame, /Undo: enforce: alpha/);
    assert.match(f, /-profile alpha \/usr\/bin\/alpha flags=\(complain\) \{/);
    await press(ui.stdin, RIGHT, ENTER);
    await waitFor(ui.lastFrame, /OK verified: alpha now enforce \(beta untouched\)/);
    assert.equal(readFileSync(multi, 'utf8'), MULTI);
    await press(ui.stdin, ESC);

    await ctl.open('disable', { profile: 'alpha' });
    f = await waitFor(ui.lastFrame, /disable: refused/);
    assert.match(f, /act unload removes alpha alone/);
    ui.unmount();
  });

  it('undo: z lists the journal, Enter reviews, proceeding restores and verifies', async () => {
    const ctl = controller();
    const ui = mount(ctl);
    await ctl.open('disable', subject('missing-rule'));
    await waitFor(ui.lastFrame, 'Disable: /usr/sbin/nginx');
    await press(ui.stdin, RIGHT, ENTER);
    await waitFor(ui.lastFrame, 'OK verified: /usr/sbin/nginx unloaded and disabled');
    await press(ui.stdin, ENTER);
    await ctl.open('undo', {});
    let f = await waitFor(ui.lastFrame, 'Undo an action (newest first)');
    assert.match(f, /> \d\d:\d\d:\d\d {2}disable \/usr\/sbin\/nginx {2}-> {2}enable/);
    await press(ui.stdin, DOWN, ENTER);
    f = await waitFor(ui.lastFrame, 'Undo: re-enable: /usr/sbin/nginx');
    assert.match(f, /\$ rm -f -- .*disable\/usr\.sbin\.nginx/);
    await press(ui.stdin, RIGHT, ENTER);
    await waitFor(ui.lastFrame, 'OK verified: /usr/sbin/nginx now enforce');
    const entries = await readJournal(host.journal);
    assert.equal(entries.at(-1)?.undoOf, entries[0].id);
    await press(ui.stdin, ENTER);
    await ctl.open('undo', {});
    await waitFor(ui.lastFrame, 'Nothing to undo');
    ui.unmount();
  });

  it('undo of an action killed mid-way (only its intent journaled) works from the kernel state', async () => {
    // `act unload` killed with -9 after the unload: the intent is there, the result is not
    mkdirSync(dirname(host.journal), { recursive: true });
    const intent = {
      v: 1,
      id: 'killed1',
      phase: 'intent',
      time: '2026-11-22T03:00:00.000Z',
      operator: 'oncall',
      host: 'web-01',
      action: 'unload',
      profile: '/usr/sbin/nginx',
      file: join(host.profilesDir, 'usr.sbin.nginx'),
      argv: [['apparmor_parser', '-R', join(host.profilesDir, 'usr.sbin.nginx')]],
      modeBefore: 'enforce',
    };
    writeFileSync(host.journal, `${JSON.stringify(intent)}\n`);
    host.setLoaded(host.loaded().replace('/usr/sbin/nginx (enforce)\n', ''));
    const ctl = controller();
    const ui = mount(ctl);
    await ctl.open('undo', {});
    const f = await waitFor(ui.lastFrame, 'Undo an action (newest first)');
    assert.match(f, /unload \/usr\/sbin\/nginx {2}-> {2}reload .*interrupted/);
    await press(ui.stdin, ENTER);
    await waitFor(ui.lastFrame, 'Undo: load again: /usr/sbin/nginx');
    await press(ui.stdin, RIGHT, ENTER);
    await waitFor(ui.lastFrame, 'OK verified: /usr/sbin/nginx now enforce');
    ui.unmount();
  });

  it('offers only actions that change something: complain on a profile in complain, unload of one not loaded', async () => {
    host.setLoaded(host.loaded().replace('/usr/sbin/nginx (enforce)', '/usr/sbin/nginx (complain)'));
    const ctl = controller();
    const ui = mount(ctl);
    await ctl.open('complain', subject('missing-rule'));
    await waitFor(ui.lastFrame, /complain: nothing to change[\s\S]*already in complain mode/);
    await press(ui.stdin, ESC);
    host.setLoaded(host.loaded().replace('/usr/sbin/nginx (complain)\n', ''));
    await ctl.open('unload', subject('missing-rule'));
    await waitFor(ui.lastFrame, /unload: nothing to change[\s\S]*not loaded/);
    assert.deepEqual(host.calls(), []);
    ui.unmount();
  });

  it('Ctrl-C quits from inside a dialog', async () => {
    const ctl = controller();
    const ui = mount(ctl);
    await ctl.open('unload', subject('missing-rule'));
    await waitFor(ui.lastFrame, 'Unload: /usr/sbin/nginx');
    await press(ui.stdin, '\u0003');
    const deadline = Date.now() + 5000;
    while (ui.quits() === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    assert.equal(ui.quits(), 1);
    ui.unmount();
  });

  it('a dialog taller than the screen keeps its title, fields and buttons', () => {
    const lines = Array.from({ length: 20 }, (_v, i) => [{ text: `l${i}` }]);
    const fit = fitLines(lines, 8);
    assert.equal(fit.length, 8);
    assert.equal(fit[0][0].text, 'l0');
    assert.equal(fit.at(-1)?.[0].text, 'l19');
  });
});
