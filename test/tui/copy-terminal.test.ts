// The whole program in tmux: y copies through OSC 52 into tmux's buffer (set-clipboard on), w
// writes the view to a new file.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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

const selectedRow = (s: string) => s.split('\n').find((l) => l.startsWith('>')) ?? '';

test('demo in tmux: y r copies the suggested rule (OSC 52 into the tmux buffer); w j writes the list as NDJSON', async () => {
  assert.ok(existsSync('dist/aa-triage.js'), 'run npm run build first');
  const cwd = mkdtempSync(join(tmpdir(), 'aa-copy-'));
  dirs.push(cwd);
  const t = new Tmux();
  sessions.push(t);
  t.start(['sh', '-c', `cd '${cwd}' && exec node '${BIN}' --demo --no-bell`], { columns: 120, rows: 30 });
  t.run('set-option', '-s', 'set-clipboard', 'on');
  await t.waitFor((x) => x.includes('!! ATTACK') && x.includes('DEMO'), 'the denial list');
  for (let i = 0; i < 30 && !selectedRow(t.screen()).includes('+ RULE'); i++) {
    const before = selectedRow(t.screen());
    t.keys('j');
    await t.waitFor((x) => selectedRow(x) !== before, 'the selection moved');
  }
  assert.ok(selectedRow(t.screen()).includes('+ RULE'), 'a missing-rule row is selected');
  t.keys('y');
  await t.waitFor((x) => x.includes('copy: r rule'), 'the copy menu');
  t.keys('r');
  await t.waitFor((x) => x.includes('copied the suggested rule'), 'the copied status');
  let buffer = '';
  for (let i = 0; i < 100 && !buffer; i++) {
    try {
      buffer = t.run('show-buffer');
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  assert.match(buffer, /,$/m, `a rule ends with a comma: ${buffer}`);
  t.keys('w');
  await t.waitFor((x) => x.includes('write: m markdown'), 'the write menu');
  t.keys('j');
  const s = await t.waitFor((x) => x.includes('wrote denials (NDJSON)'), 'the written status');
  const file = readdirSync(cwd).find((f) => f.endsWith('.ndjson'));
  assert.ok(file, s);
  const first = JSON.parse(readFileSync(join(cwd, file), 'utf8').split('\n')[0]);
  assert.ok(first.profile && first.verdict, 'a denial group object');
  t.keys('q');
  await t.waitFor((x) => x.includes('EXITED rc=0'), 'exit');
});
