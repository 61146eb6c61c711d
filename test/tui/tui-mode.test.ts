// When the interactive view runs: a terminal on both ends, no --json or --plain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tuiMode, wantsTui } from '../../src/commands/tui.js';
import { parseCli } from '../../src/commands/args.js';

test('the interactive view needs a terminal on both ends and no --json/--plain', () => {
  const tty = { stdinTTY: true, stdoutTTY: true, env: {} };
  assert.equal(wantsTui(parseCli(['--demo'], {}), tty), true);
  assert.equal(wantsTui(parseCli(['--demo', '--json'], {}), tty), false);
  assert.equal(wantsTui(parseCli(['--demo', '--plain'], {}), tty), false);
  assert.equal(wantsTui(parseCli(['--demo'], {}), { stdinTTY: false, stdoutTTY: true }), false);
  assert.equal(wantsTui(parseCli(['--demo'], {}), { stdinTTY: true, stdoutTTY: false }), false);
  assert.equal(wantsTui(parseCli(['--demo'], {}), { ...tty, env: { CI: 'true' } }), false, 'Ink in CI mode draws only the last frame');
  assert.equal(wantsTui(parseCli(['--demo'], {}), { ...tty, env: { CI: 'false' } }), true);
  assert.equal(tuiMode(parseCli(['--demo'], {})), 'demo');
  assert.equal(tuiMode(parseCli(['--input', 'x.log'], {})), 'replay');
  assert.equal(tuiMode(parseCli([], {})), 'live');
});
