// The help overlay fits 80 columns: long key texts, the note and the sources wrap instead of
// running off the edge, and nothing is lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keymapFor, helpRows } from '../../src/tui/keymap.js';
import { MONO_THEME } from '../../src/tui/theme.js';
import { helpLines } from '../../src/tui/views/help-overlay.js';
import type { SourceHealth } from '../../src/sources/types.js';

test('every help line fits 80 columns and every word of every key text is there', () => {
  const keymap = keymapFor({ actions: true });
  const note = "Action keys (c u d z) change this host's profiles, so they exist only in live mode, not for the demo. Use aa-triage act on the host itself.";
  const sources: SourceHealth[] = [
    {
      name: 'journal',
      state: 'unavailable',
      reason: 'no journal files on this host (systemd-journald is not running or keeps no journal)',
      fix: 'start systemd-journald, or read saved logs with --input / --journal-dir',
      lines: 0,
      records: 0,
      restarts: 0,
      stderrTail: [],
    },
  ];
  for (const width of [80, 100]) {
    const lines = helpLines(keymap, MONO_THEME, note, sources, width).map((l) => l.map((s) => s.text).join(''));
    for (const l of lines) assert.ok(l.length <= width, `${l.length} > ${width}: ${l}`);
    const all = lines.join(' ').replace(/\s+/g, ' ');
    for (const row of helpRows(keymap)) for (const word of row.help.split(' ')) assert.ok(all.includes(word), `missing "${word}" of ${row.help}`);
    for (const word of note.split(' ')) assert.ok(all.includes(word), word);
    assert.ok(all.includes('start systemd-journald'));
  }
});
