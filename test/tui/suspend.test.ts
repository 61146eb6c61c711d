// Ctrl-Z: the terminal is restored before the process group stops, taken back on SIGCONT, and
// never given up when no shell can take it.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { openTerminal, type TerminalSession } from '../../src/tui/terminal-session.js';
import { ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN, suspendBlocker } from '../../src/tui/terminal.js';

const sessions: TerminalSession[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) s.close();
});

function fakeTerminal() {
  const out: string[] = [];
  const raw: boolean[] = [];
  const stdin = { isTTY: true, setRawMode: (r: boolean) => raw.push(r) } as unknown as NodeJS.ReadStream;
  const stdout = { write: (s: string) => (out.push(s), true), on() {}, off() {} } as unknown as NodeJS.WriteStream;
  return { stdin, stdout, out, raw };
}

test('Ctrl-Z restores the terminal, then stops; SIGCONT enters the view again and redraws', () => {
  const t = fakeTerminal();
  const events: string[] = [];
  const session = openTerminal({
    ...t,
    env: {},
    onBlank: (b) => events.push(`blank ${b}`),
    onResize: () => events.push('size'),
    suspendBlocker: () => undefined,
    stop: () => events.push(`stop after ${JSON.stringify(t.out.at(-1))} raw ${t.raw.at(-1)}`),
  });
  sessions.push(session);
  assert.equal(session.suspend(), undefined);
  assert.deepEqual(events, [`stop after ${JSON.stringify(LEAVE_ALT_SCREEN)} raw false`]);
  assert.equal(session.suspend(), undefined, 'a second Ctrl-Z while stopped does nothing');
  assert.equal(events.length, 1);
  process.emit('SIGCONT');
  assert.equal(t.raw.at(-1), true, 'raw mode again');
  assert.ok(t.out.includes(ENTER_ALT_SCREEN), 'the alternate screen again');
  assert.deepEqual(events.slice(1), ['size', 'blank true'], 'the size read again, a full redraw started');
  process.emit('SIGCONT');
  assert.equal(t.out.filter((s) => s === ENTER_ALT_SCREEN).length, 2, 'a stray SIGCONT changes nothing (the first was at the start)');
});

test('no shell can take the terminal: Ctrl-Z says so and changes nothing', () => {
  const t = fakeTerminal();
  let stopped = 0;
  const session = openTerminal({ ...t, env: {}, onBlank() {}, onResize() {}, suspendBlocker: () => 'no shell', stop: () => stopped++ });
  sessions.push(session);
  const before = t.out.length;
  assert.equal(session.suspend(), 'no shell');
  assert.equal(stopped, 0);
  assert.equal(t.out.length, before);
  assert.deepEqual(t.raw, []);
});

test('a stop that fails takes the terminal back at once and says why', () => {
  const t = fakeTerminal();
  const session = openTerminal({
    ...t,
    env: {},
    onBlank() {},
    onResize() {},
    suspendBlocker: () => undefined,
    stop: () => {
      throw new Error('EPERM');
    },
  });
  sessions.push(session);
  assert.match(session.suspend() ?? '', /could not stop \(EPERM\)/);
  assert.deepEqual(t.raw, [false, true]);
  assert.equal(t.out.at(-2), ENTER_ALT_SCREEN);
});

test('a restored terminal is not taken back by SIGCONT', () => {
  const t = fakeTerminal();
  const session = openTerminal({ ...t, env: {}, onBlank() {}, onResize() {}, suspendBlocker: () => undefined, stop: () => {} });
  sessions.push(session);
  session.suspend();
  session.restore();
  const before = t.out.length;
  process.emit('SIGCONT');
  assert.equal(t.out.length, before);
});

test('suspendBlocker: a process in its own session group has no shell to return to', () => {
  // pid (comm) state ppid pgrp session tty_nr ...; a command name can hold spaces and parentheses
  assert.match(suspendBlocker(() => '4242 (node) S 4200 4242 4242 34816 4242 4194304') ?? '', /no shell with job control/);
  assert.equal(
    suspendBlocker(() => '4243 (a (b) c) S 4242 4242 4100 34816 4242 4194304'),
    undefined,
  );
  assert.match(suspendBlocker(() => undefined) ?? '', /cannot tell/);
  assert.match(suspendBlocker(() => 'garbage') ?? '', /cannot tell/);
});
