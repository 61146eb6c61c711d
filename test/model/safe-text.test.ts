import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeText, safeCell } from '../../src/model/safe-text.js';

test('escape sequences, C1 controls, bidi overrides and lone surrogates are shown escaped', () => {
  assert.equal(safeText('/tmp/\x1b]52;c;ZXZpbA==\x07x'), '/tmp/\\x1b]52;c;ZXZpbA==\\x07x');
  assert.equal(safeText('a\x9bb\x85c'), 'a\\x9bb\\x85c');
  assert.equal(safeText('evil\u202Etxt.exe'), 'evil\\u202etxt.exe');
  assert.equal(safeText('x\ud800y'), 'x\\ud800y');
  assert.equal(safeText('line\nbreak\ttab\r'), 'line\\nbreak\\ttab\\r');
  assert.equal(safeText('\x7f'), '\\x7f');
});

test('ordinary text, non-ASCII and emoji pass unchanged', () => {
  for (const s of ['/srv/media/Café menu (1).png', '日本語', '🙂 ok', 'a//b&c:d']) assert.equal(safeText(s), s);
});

test('safeCell cuts after escaping, so an escape can never be split into raw bytes', () => {
  assert.equal(safeCell('\x1b[31mred', 6), '\\x1b[…');
  assert.equal(safeCell(undefined, 5), '');
});
