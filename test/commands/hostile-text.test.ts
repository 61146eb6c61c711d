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
import { safeBounded, safeText } from '../../src/model/safe-text.js';
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

test('a value of megabytes (never the kernel: its records stay under 9 KB) is cut in the timeline and --plain, with how much was left out; --json keeps it whole', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aa-huge-'));
  const name = join(dir, 'huge.log');
  const huge = `/srv/${'A'.repeat(2_000_000)}`;
  const line = (n: number, path: string, comm: string) =>
    `[ 1.00000${n}] audit: type=1400 audit(1700000000.00${n}:${n}): apparmor="DENIED" operation="open" profile="svc" name="${path}" pid=1${n} comm="${comm}" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`;
  writeFileSync(name, `${[line(1, huge, 'x'), line(2, '/etc/ordinary.conf', `c${'\u200b'.repeat(10_000)}`), line(3, '/etc/other.conf', 'svc')].join('\n')}\n`);
  const longest = (out: string) => Math.max(...out.split('\n').map((l) => l.length));
  for (const args of [['timeline'], ['timeline', '--format', 'markdown'], ['--plain']]) {
    const r = run([...args, '--utc', '--input', name]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(longest(r.stdout) < 100_000, `${args.join(' ')}: a line of ${longest(r.stdout)} characters`);
    assert.match(r.stdout, /\d+ more characters/, args.join(' '));
    assert.ok(r.stdout.includes('/etc/other.conf'), 'an ordinary record is shown whole');
    assert.ok(!unsafe(r.stdout));
  }
  const json = spawnSync(process.execPath, [BIN, '--json', '--input', name], { encoding: 'utf8', timeout: 30_000, maxBuffer: 64 << 20 });
  assert.ok(json.stdout.includes(huge), 'NDJSON carries the value as read');
});

test('a bounded text is cut before it is escaped, never inside a surrogate pair, and says how much it left out', () => {
  assert.equal(safeBounded('\x1baaaaaaaaaa', 5), '\\x1baaaa[… 6 more characters]');
  assert.equal(safeBounded('ab😀cd', 3), 'ab[… 4 more characters]');
  assert.equal(safeBounded('short\x07', 100), 'short\\x07');
});
