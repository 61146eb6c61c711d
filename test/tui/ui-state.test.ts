// The UI state: selection, the filter prompt, list windowing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyIntent, editFilter, INITIAL_UI } from '../../src/tui/ui-state.js';
import { windowStart } from '../../src/tui/view-model.js';
import { ctx, noKey } from './fixtures.js';

test('selection follows the row, not the index, and n jumps to the next likely attack', () => {
  const keys = ['a', 'b', 'c', 'd'];
  let s = applyIntent(INITIAL_UI, { type: 'move', by: 1 }, ctx(keys)).state;
  assert.equal(s.selected.denials, 'b');
  s = applyIntent(s, { type: 'bottom' }, ctx(keys)).state;
  assert.equal(s.selected.denials, 'd');
  s = applyIntent(s, { type: 'move', by: 5 }, ctx(keys)).state;
  assert.equal(s.selected.denials, 'd', 'clamped');
  s = applyIntent(s, { type: 'top' }, ctx(keys)).state;
  s = applyIntent(s, { type: 'nextMatch', by: 1 }, ctx(keys, [false, false, true, false])).state;
  assert.equal(s.selected.denials, 'c');
  s = applyIntent(s, { type: 'open' }, ctx(keys)).state;
  assert.equal(s.detail, 'c');
});

test('filter prompt: typed text, Enter keeps, Esc clears, control characters dropped', () => {
  let s = applyIntent(INITIAL_UI, { type: 'filter' }, ctx([])).state;
  assert.equal(s.editing, true);
  s = editFilter(s, 'ng', noKey);
  s = editFilter(s, 'x\x1b[2J', noKey);
  assert.equal(s.filter, 'ngx[2J');
  s = editFilter(s, '', { ...noKey, backspace: true });
  s = editFilter(s, '', { ...noKey, return: true });
  assert.equal(s.editing, false);
  assert.equal(s.filter, 'ngx[2');
  s = applyIntent(s, { type: 'filter' }, ctx([])).state;
  s = editFilter(s, '', { ...noKey, escape: true });
  assert.equal(s.filter, '');
});

test('list windowing moves as little as possible and never past the end', () => {
  assert.equal(windowStart(0, 5, 10, 100), 0);
  assert.equal(windowStart(0, 12, 10, 100), 3);
  assert.equal(windowStart(3, 4, 10, 100), 3);
  assert.equal(windowStart(3, 1, 10, 100), 1);
  assert.equal(windowStart(90, 99, 10, 20), 10);
  assert.equal(windowStart(5, 0, 10, 5), 0);
});
