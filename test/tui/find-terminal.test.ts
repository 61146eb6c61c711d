// The whole program in tmux: / searching the detail, s sorting, a field filter, a copy that falls
// back to a file where the terminal has no clipboard, and t jumping the timeline to a time.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Tmux } from './tmux.js';

const BIN = resolve('bin/aa-triage');
const sessions: Tmux[] = [];
const dirs: string[] = [];
after(() => {
  sessions.forEach((t) => t.kill());
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

const lines = (s: string) => s.split('\n');
const footer = (s: string) =>
  lines(s)
    .filter((l) => l.trim())
    .at(-1) ?? '';
const selectedRow = (s: string) => lines(s).find((l) => l.startsWith('>')) ?? '';
const rows = (s: string) => lines(s).filter((l) => /^[ >*](!! ATTACK|~ UNCLEAR|\+ RULE|i INFO|\? )/.test(l));

function session(argv: string[], size = { columns: 120, rows: 30 }): Tmux {
  assert.ok(existsSync('dist/aa-triage.js'), 'run npm run build first');
  const t = new Tmux();
  sessions.push(t);
  t.start(argv, size);
  return t;
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'aa-find-'));
  dirs.push(d);
  return d;
}

test('demo in tmux: / in the detail finds, n/N move through the matches, Esc leaves the search', async () => {
  const t = session(['node', BIN, '--demo', '--no-bell', '--utc']);
  await t.waitFor((x) => x.includes('!! ATTACK') && x.includes('DEMO'), 'the denial list');
  t.keys('Enter');
  await t.waitFor((x) => x.includes('Why:'), 'the detail');
  t.text('/profile');
  const s = await t.waitFor((x) => /match 1 of \d+/.test(footer(x)), 'the first match');
  const total = Number(/match 1 of (\d+)/.exec(footer(s))![1]);
  assert.ok(total >= 2, footer(s));
  t.keys('Enter');
  t.text('n');
  await t.waitFor((x) => footer(x).includes(`match 2 of ${total}`), 'n: the next match');
  t.text('N');
  await t.waitFor((x) => footer(x).includes(`match 1 of ${total}`), 'N: the previous match');
  t.keys('Escape');
  await t.waitFor((x) => !footer(x).includes('match') && x.includes('Why:'), 'the search left, the detail still open');
  t.keys('Escape');
  await t.waitFor((x) => x.includes('VERDICT'), 'the list');
  t.text('q');
  await t.waitFor((x) => x.includes('EXITED rc=0'), 'exit');
});

test('demo in tmux: s sorts by the next column, shown in the header; a field filter narrows the list', async () => {
  const t = session(['node', BIN, '--demo', '--no-bell', '--utc']);
  const first = await t.waitFor((x) => x.includes('sort: attacks first') && rows(x).length > 1, 'the list sorted by attacks');
  const all = Number(/of (\d+)/.exec(first)![1]);
  t.text('ss');
  const byCount = await t.waitFor((x) => x.includes('sort: most frequent'), 'sorted by count');
  const counts = rows(byCount).map((l) => Number(/^[ >*]\S+ \S+\s+(\d+)/.exec(l)?.[1] ?? NaN));
  assert.ok(
    counts.every((c, i) => !Number.isNaN(c) && (i === 0 || c <= counts[i - 1])),
    `counts fall: ${counts.join(',')}`,
  );
  t.text('/verdict:attack');
  t.keys('Enter');
  const f = await t.waitFor((x) => x.includes('filter: verdict:attack'), 'the filter kept');
  assert.ok(rows(f).length > 0 && rows(f).every((l) => l.includes('!! ATTACK')), rows(f).join('\n'));
  assert.ok(Number(/of (\d+)/.exec(f)![1]) < all, 'fewer rows than before');
  t.keys('Escape');
  await t.waitFor((x) => !x.includes('filter:') && x.includes(`of ${all}`), 'Esc clears the filter');
  t.text('q');
  await t.waitFor((x) => x.includes('EXITED rc=0'), 'exit');
});

test('demo in tmux on a terminal without a clipboard: y r writes the rule to a file and says where', async () => {
  const cwd = tempDir();
  const t = session(['sh', '-c', `cd '${cwd}' && TERM=linux exec node '${BIN}' --demo --no-bell`], { columns: 160, rows: 30 });
  await t.waitFor((x) => x.includes('!! ATTACK') && x.includes('DEMO'), 'the denial list');
  for (let i = 0; i < 30 && !selectedRow(t.screen()).includes('+ RULE'); i++) {
    const before = selectedRow(t.screen());
    t.text('j');
    await t.waitFor((x) => selectedRow(x) !== before, 'the selection moved');
  }
  assert.ok(selectedRow(t.screen()).includes('+ RULE'), 'a missing-rule row is selected');
  t.text('y');
  await t.waitFor((x) => x.includes('copy: r rule'), 'the copy menu');
  t.text('r');
  const s = await t.waitFor((x) => x.includes('(not copied: the terminal (TERM=linux) has no clipboard)'), 'the fallback status');
  const m = /written to (\S+\.txt)/.exec(s.replace(/\n/g, ''));
  assert.ok(m, s);
  assert.ok(m[1].startsWith(cwd), `in the working directory: ${m[1]}`);
  assert.match(readFileSync(m[1], 'utf8'), /,\n$/, 'the rule, ending with a comma');
  t.text('q');
  await t.waitFor((x) => x.includes('EXITED rc=0'), 'exit');
});

test('replay over three days in tmux: the timeline shows dates; t 2026-11-23 08:00 selects the first row at or after it', async () => {
  const dir = tempDir();
  const log = join(dir, 'days.log');
  const day = 86_400;
  const stamps = [0, 3600, day + 5 * 3600 - 60, day + 5 * 3600 + 60, 2 * day];
  writeFileSync(
    log,
    stamps
      .map(
        (d, i) =>
          `audit: type=1400 audit(${1795316406 + d}.000:${700 + i}): apparmor="DENIED" operation="open" class="file" profile="/usr/bin/app" name="/srv/file-${'abcde'[i]}" pid=${300 + i} comm="app" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`,
      )
      .join('\n') + '\n',
  );
  const t = session(['node', BIN, '--input', log, '--no-bell', '--utc']);
  await t.waitFor((x) => x.includes('5 records'), 'the log read');
  t.text('3');
  await t.waitFor((x) => x.includes('[3 Timeline]') && x.includes('2026-11-22 03:00:06'), 'dates on the timeline');
  t.text('t');
  await t.waitFor((x) => footer(x).includes('jump to a time'), 'the time prompt');
  t.text('2026-11-23 08:00');
  t.keys('Enter');
  const s = await t.waitFor((x) => footer(x).includes('first row at or after 2026-11-23 08:00:00 UTC'), 'the jump');
  assert.match(selectedRow(s), /2026-11-23 08:01:06/);
  t.text('t');
  t.text('2026-11-25 00:00');
  t.keys('Enter');
  await t.waitFor((x) => footer(x).includes('nothing at or after 2026-11-25'), 'nothing there');
  t.text('q');
  await t.waitFor((x) => x.includes('[1 Denials]'), 'q: back to the list');
  t.text('q');
  await t.waitFor((x) => x.includes('EXITED rc=0'), 'exit');
});
