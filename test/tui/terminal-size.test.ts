// The terminal's size when the pty reports none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { terminalSize } from '../../src/tui/terminal.js';

test('a 0-column pty falls back to $COLUMNS/$LINES, then 80x24', () => {
  assert.deepEqual(terminalSize({ columns: 0, rows: 0 }, { COLUMNS: '132', LINES: '50' }), { columns: 132, rows: 50 });
  assert.deepEqual(terminalSize({ columns: 0, rows: 0 }, {}), { columns: 80, rows: 24 });
  assert.deepEqual(terminalSize({}, { COLUMNS: 'x' }), { columns: 80, rows: 24 });
  assert.deepEqual(terminalSize({ columns: 200, rows: 60 }, { COLUMNS: '10' }), { columns: 200, rows: 60 });
});
