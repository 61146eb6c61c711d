/**
 * Everything that reaches a terminal goes through the one escaping function: file names on stderr,
 * a tampered journal's fields on the timeline screen, invisible characters that make one name look
 * like another.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { safeText } from '../../src/model/safe-text.js';
import { timelineRow } from '../../src/tui/views/timeline-view.js';
import { MONO_THEME } from '../../src/tui/theme.js';
import type { ActionJournalEntry } from '../../src/model/action.js';

const BIN = new URL('../../bin/aa-triage', import.meta.url).pathname;
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 30_000 });
const HOSTILE = '\x1b]0;owned\x07\u200b\u2028';
const unsafe = (s: string) => /[\x00-\x08\x0b-\x1f\x7f\u200b\u2028\u2029]/.test(s);

test('zero-width, line and paragraph separators and other invisible characters are shown escaped', () => {
  assert.equal(safeText('/etc/sh\u200badow'), '/etc/sh\\u200badow');
  for (const c of ['\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u2028', '\u2029', '\u2060', '\ufeff', '\u00ad', '\u061c']) {
    assert.notEqual(safeText(`a${c}b`), `a${c}b`, `U+${c.charCodeAt(0).toString(16)}`);
  }
  assert.equal(safeText('Café 日本 😀'), 'Café 日本 😀', 'ordinary non-ASCII text is kept');
});

test('input file names reach stderr escaped: missing file, summary, unparsable lines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aa-hostile-'));
  const missing = run(['--json', '--input', join(dir, `no${HOSTILE}`)]);
  assert.notEqual(missing.status, 0);
  assert.ok(!unsafe(missing.stderr), JSON.stringify(missing.stderr));
  const name = join(dir, `log${HOSTILE}`);
  writeFileSync(name, 'audit: apparmor="DENIED" operation="open\n');
  const r = run(['--json', '--input', name]);
  assert.ok(r.stderr.includes('log'), r.stderr);
  assert.ok(!unsafe(r.stderr), JSON.stringify(r.stderr));
  const tl = run(['timeline', '--input', join(dir, `no${HOSTILE}`)]);
  assert.ok(!unsafe(tl.stderr), JSON.stringify(tl.stderr));
});

test("the timeline screen escapes every field of a journal entry (a tampered journal's action set the terminal title)", () => {
  const e = {
    id: '1',
    time: '2026-11-22T03:00:00.000Z',
    phase: `intent${HOSTILE}`,
    action: `complain${HOSTILE}`,
    profile: 'p',
    operator: 'o',
    argv: [],
    outcome: `ok${HOSTILE}`,
  } as unknown as ActionJournalEntry;
  for (const phase of [e.phase, 'result']) {
    const row = timelineRow({ kind: 'action', time: 0, order: 0, entry: { ...e, phase } as ActionJournalEntry }, true, MONO_THEME);
    for (const s of row) assert.ok(!unsafe(s.text), JSON.stringify(s.text));
  }
});
