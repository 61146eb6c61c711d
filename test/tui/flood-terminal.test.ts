// The whole program in tmux: a replayed flood of /proc/NNNN/status denials (one pid each) shows a
// few rows, not thousands; Enter on the collapsed row lists its members.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

test('replay of a 20000-line flood: one collapsed /proc/@{pid}/status row with its count; Enter shows the members', async () => {
  assert.ok(existsSync('dist/aa-triage.js'), 'run npm run build first');
  const dir = mkdtempSync(join(tmpdir(), 'aa-flood-'));
  dirs.push(dir);
  const lines: string[] = [];
  for (let i = 0; i < 20000; i++) {
    const pid = 3000 + (i % 4000);
    lines.push(
      `Nov 22 03:00:06 web-01 kernel: audit: type=1400 audit(1795316406.${String(i % 1000).padStart(3, '0')}:${5000 + i}): apparmor="DENIED" operation="open" class="file" profile="/usr/bin/monitor" name="/proc/${pid}/status" pid=${pid} comm="monitor" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`,
    );
  }
  const log = join(dir, 'flood.log');
  writeFileSync(log, `${lines.join('\n')}\n`);
  const t = new Tmux();
  sessions.push(t);
  t.start(['node', BIN, '--input', log, '--no-bell'], { columns: 120, rows: 30 });
  const s = await t.waitFor((x) => /@\{pid\}\/status/.test(x) && /\b20000 records\b/.test(x), 'the whole flood read, collapsed into one row', 90_000);
  const rows = s.split('\n').filter((l) => /^[ >*](!! ATTACK|~ UNCLEAR|\+ RULE|i INFO|\? )/.test(l));
  assert.ok(rows.length < 40, `a few rows, not thousands: ${rows.length}`);
  t.keys('Enter');
  await t.waitFor((x) => /\/proc\/\d+\/status/.test(x), 'the members under it');
  t.keys('q');
  await t.waitFor((x) => x.includes('EXITED rc=0'), 'exit');
});
