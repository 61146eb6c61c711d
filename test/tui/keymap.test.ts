// The keymap table: the help is made from it, and what q does on each screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { helpRows, KEYMAP, keymapFor, intentFor } from '../../src/tui/keymap.js';
import { applyIntent, INITIAL_UI, type UiState } from '../../src/tui/ui-state.js';
import { ctx, noKey } from './fixtures.js';

test('the help is generated from the keymap table that handles keys', () => {
  const rows = helpRows(keymapFor({ actions: false }));
  for (const b of keymapFor({ actions: false }))
    if (b.keys)
      assert.ok(
        rows.some((r) => r.keys === b.keys),
        `${b.keys} in help`,
      );
  assert.ok(!rows.some((r) => r.group === 'Actions'), 'no action keys without an action handler');
  const withActions = helpRows(keymapFor({ actions: true }));
  for (const k of ['c', 'u', 'd', 'z'])
    assert.ok(
      withActions.some((r) => r.keys === k),
      `${k} in help when actions exist`,
    );
  assert.deepEqual(intentFor(KEYMAP, 'j', noKey), { type: 'move', by: 1 });
  assert.deepEqual(intentFor(KEYMAP, 'c', { ...noKey, ctrl: true }), { type: 'quit' });
  assert.deepEqual(intentFor(KEYMAP, 'l', { ...noKey, ctrl: true }), { type: 'redraw' });
  assert.equal(intentFor(keymapFor({ actions: false }), 'c', noKey), undefined);
});

test('q goes back, and quits only from the denial list', () => {
  let s: UiState = { ...INITIAL_UI, screen: 'profiles' };
  let step = applyIntent(s, { type: 'quitOrBack' }, ctx(['a']));
  assert.equal(step.state.screen, 'denials');
  assert.equal(step.effect, undefined);
  s = { ...INITIAL_UI, detail: 'a' };
  step = applyIntent(s, { type: 'quitOrBack' }, ctx(['a']));
  assert.equal(step.state.detail, undefined);
  assert.equal(step.effect, undefined);
  step = applyIntent({ ...INITIAL_UI, help: true }, { type: 'quitOrBack' }, ctx(['a']));
  assert.equal(step.state.help, false);
  step = applyIntent(INITIAL_UI, { type: 'quitOrBack' }, ctx(['a']));
  assert.deepEqual(step.effect, { type: 'quit' });
  step = applyIntent(INITIAL_UI, { type: 'back' }, ctx(['a']));
  assert.equal(step.effect, undefined, 'Esc never quits');
});
