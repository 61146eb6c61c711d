// The whole program in a real terminal (tmux): start-up, navigation, filter, pause, resize,
// monochrome, quit, and the terminal restored after q, Ctrl-C and SIGTERM.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tmux } from './tmux.js';

const BIN = 'bin/aa-triage';
const sessions: Tmux[] = [];
after(() => sessions.forEach((t) => t.kill()));

function open(args: string[], size = { columns: 80, rows: 24 }, env: Record<string, string> = {}): Tmux {
  assert.ok(existsSync('dist/aa-triage.js'), 'dist/aa-triage.js is missing: run npm run build first (npm test does)');
  const t = new Tmux();
  sessions.push(t);
  t.start(['node', BIN, ...args], size, env);
  return t;
}

const listRows = (s: string) => s.split('\n').filter((l) => /^[ >](!! ATTACK|~ UNCLEAR|\+ RULE|i INFO|\? )/.test(l));

test('tmux is available for the whole-program tests', () => {
  assert.doesNotThrow(() => execFileSync('tmux', ['-V']), 'install tmux (.ci/run does)');
});

test('demo: start-up, navigation, filter, pause, screens, quit; terminal restored', async () => {
  const t = open(['--demo', '--no-bell']);
  let s = await t.waitFor((x) => x.includes('!! ATTACK') && x.includes('DEMO'), 'the denial list');
  assert.equal(t.value('#{alternate_on}'), '1', 'the full-screen view uses the alternate screen');
  assert.ok(s.split('\n').filter((l) => l.trim()).length <= 23, 'at most rows - 1 lines');
  assert.ok(listRows(s)[0].startsWith('>'), 'the first row is selected');
  assert.ok(listRows(s)[0].includes('!! ATTACK'), 'likely attacks first');

  t.keys('j');
  s = await t.waitFor((x) => listRows(x)[1]?.startsWith('>') === true, 'j moves down');
  t.keys('Enter');
  await t.waitFor((x) => x.includes('Why: likely-attack') && x.includes('more below'), 'the detail');
  t.keys('G');
  await t.waitFor((x) => /DEMO:incident\.log:\d+/.test(x) && x.includes('-- end'), 'the evidence line with its source and line number');
  t.keys('Escape');
  await t.waitFor((x) => x.includes('VERDICT'), 'back to the list');

  t.text('/');
  await t.waitFor((x) => x.includes('Enter keep'), 'the filter prompt');
  t.text('report');
  t.keys('Enter');
  s = await t.waitFor((x) => x.includes('filter: report'), 'the filter applied');
  assert.ok(listRows(s).length > 0 && listRows(s).every((l) => l.includes('report-exporter')), s);
  t.keys('Escape');
  await t.waitFor((x) => !x.includes('filter:') && x.includes('/usr/sbin/nginx'), 'the filter cleared');

  t.keys('Space');
  await t.waitFor((x) => x.includes('PAUSED (0 new)'), 'paused');
  t.keys('Space');
  await t.waitFor((x) => !x.includes('PAUSED'), 'resumed');

  t.keys('2');
  await t.waitFor((x) => x.includes('[2 Profiles]') && x.includes('enforce'), 'profiles');
  t.keys('3');
  await t.waitFor((x) => x.includes('[3 Timeline]') && x.includes('STATUS'), 'timeline');
  t.keys('4');
  await t.waitFor((x) => x.includes('[4 Actions]') && x.includes('$ aa-complain /etc/apparmor.d/opt.reports.exporter') && x.includes('exit 0'), 'the action log');
  t.keys('?');
  await t.waitFor((x) => x.includes('closes this help'), 'help');
  t.keys('q');
  await t.waitFor((x) => x.includes('[4 Actions]') && !x.includes('closes this help'), 'q closes the help');
  t.keys('q');
  await t.waitFor((x) => x.includes('[1 Denials]'), 'q goes back to the denial list');
  t.keys('q');
  s = await t.waitFor((x) => x.includes('EXITED rc=0'), 'quit');
  assert.equal(t.value('#{alternate_on}'), '0', 'the alternate screen is left');
  assert.equal(t.value('#{cursor_flag}'), '1', 'the cursor is visible again');
  assert.ok(!s.includes('VERDICT'), 'the view does not stay on the normal screen');
});

test('Escape and q in one write (a slow link): the detail closes and the program quits', async () => {
  const t = open(['--demo', '--no-bell']);
  await t.waitFor((x) => x.includes('!! ATTACK') && x.includes('DEMO'), 'the denial list');
  t.keys('Enter');
  await t.waitFor((x) => x.includes('Why: likely-attack'), 'the detail');
  t.text('\x1bq');
  await t.waitFor((x) => x.includes('EXITED rc=0'), 'quit');
  assert.equal(t.value('#{alternate_on}'), '0', 'the alternate screen is left');
});

test('Ctrl-Z gives the terminal back to the shell (restored, job stopped); fg brings the view back; q then quits 0', async () => {
  assert.ok(existsSync('dist/aa-triage.js'), 'dist/aa-triage.js is missing: run npm run build first (npm test does)');
  const t = new Tmux();
  sessions.push(t);
  t.start(['bash', '--norc', '--noprofile', '-i'], { columns: 100, rows: 30 });
  const prompt = /^bash-[\d.]+[#$]\s*$/m;
  await t.waitFor((x) => prompt.test(x), 'the shell prompt');
  t.text(`node ${BIN} --demo --no-bell`);
  t.keys('Enter');
  await t.waitFor((x) => x.includes('!! ATTACK') && x.includes('DEMO'), 'the denial list');
  t.keys('C-z');
  let s = await t.waitFor((x) => /Stopped\s+node/.test(x) && prompt.test(x), 'the job stopped, the prompt back');
  assert.equal(t.value('#{alternate_on}'), '0', 'the alternate screen is left');
  assert.equal(t.value('#{cursor_flag}'), '1', 'the cursor is shown');
  t.text('stty -a | grep -o -- "-*icanon"');
  t.keys('Enter');
  s = await t.waitFor((x) => /^-?icanon$/m.test(x), 'the terminal mode');
  assert.match(s, /^icanon$/m, 'the shell has a cooked terminal');
  t.text('fg');
  t.keys('Enter');
  await t.waitFor((x) => x.includes('!! ATTACK') && x.includes('[1 Denials]'), 'the view again');
  assert.equal(t.value('#{alternate_on}'), '1', 'the alternate screen again');
  t.keys('j');
  await t.waitFor(
    (x) =>
      x
        .split('\n')
        .filter((l) => /^[ >](!! ATTACK|~ UNCLEAR|\+ RULE|i INFO)/.test(l))[1]
        ?.startsWith('>') === true,
    'keys work again (raw mode)',
  );
  t.keys('q');
  await t.waitFor((x) => prompt.test(x) && !x.includes('[1 Denials]'), 'quit');
  t.text('echo "rc=$?"');
  t.keys('Enter');
  await t.waitFor((x) => x.includes('rc=0'), 'exit 0');
});

test('Ctrl-Z with no shell to return to says so and keeps the view', async () => {
  const t = open(['--demo', '--no-bell'], { columns: 140, rows: 24 });
  await t.waitFor((x) => x.includes('!! ATTACK') && x.includes('DEMO'), 'the denial list');
  t.keys('C-z');
  await t.waitFor((x) => x.includes('no shell with job control'), 'the reason');
  assert.equal(t.value('#{alternate_on}'), '1', 'still the view');
  t.keys('q');
  await t.waitFor((x) => x.includes('EXITED rc=0'), 'quit');
});

test('resize re-lays out without ghosts', async () => {
  const t = open(['--demo', '--no-bell'], { columns: 80, rows: 24 });
  await t.waitFor((x) => x.includes('!! ATTACK'), 'the list');
  t.resize(140, 40);
  let s = await t.waitFor((x) => x.includes('PIDS'), 'the wide layout');
  assert.equal(s.split('aa-triage  DEMO').length - 1, 1, 'one header');
  t.resize(70, 16);
  s = await t.waitFor((x) => !x.includes('PIDS') && x.includes('VERDICT'), 'the narrow layout');
  assert.equal(s.split('aa-triage  DEMO').length - 1, 1, 'one header after shrinking');
  assert.ok(s.split('\n').filter((l) => l.trim()).length <= 15);
  t.keys('C-c');
  await t.waitFor((x) => x.includes('EXITED rc=0'), 'Ctrl-C quits');
  assert.equal(t.value('#{alternate_on}'), '0');
});

test('NO_COLOR gives a monochrome screen that still says what each row is', async () => {
  const t = open(['--demo', '--no-bell'], { columns: 100, rows: 30 }, { NO_COLOR: '1' });
  await t.waitFor((x) => x.includes('!! ATTACK'), 'the list');
  const coloured = t.screen(true);
  assert.ok(!/\x1b\[[0-9;]*(3[0-7]|9[0-7]|38;[25])[;m]/.test(coloured), 'no foreground colour');
  assert.ok(coloured.includes('+ RULE') && coloured.includes('!! ATTACK'));
  t.keys('q');
  await t.waitFor((x) => x.includes('EXITED rc=0'), 'quit');
});

for (const [signal, code] of [
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const) {
  test(`${signal} restores the terminal`, async () => {
    const t = open(['--demo', '--no-bell']);
    await t.waitFor((x) => x.includes('!! ATTACK'), 'the list');
    const shell = t.value('#{pane_pid}');
    const pids = execFileSync('ps', ['-o', 'pid=', '--ppid', shell], { encoding: 'utf8' }).trim().split(/\s+/);
    const node = pids.find((p) => execFileSync('ps', ['-o', 'comm=', '-p', p], { encoding: 'utf8' }).trim() === 'node');
    assert.ok(node, `the program's pid among ${pids.join(',')}`);
    process.kill(Number(node), signal);
    await t.waitFor((x) => x.includes(`EXITED rc=${code}`), `exit after ${signal}`);
    assert.equal(t.value('#{alternate_on}'), '0');
    assert.equal(t.value('#{cursor_flag}'), '1');
  });
}

test('kill -9 of the program: the launcher, which outlives it, restores the terminal (screen, cursor, raw mode)', async () => {
  const t = open(['--demo', '--no-bell']);
  await t.waitFor((x) => x.includes('!! ATTACK'), 'the list');
  const tty = t.value('#{pane_tty}');
  const flags = () => execFileSync('stty', ['-F', tty, '-a'], { encoding: 'utf8' });
  assert.match(flags(), /-icanon/, 'the program holds the terminal in raw mode');
  const shell = t.value('#{pane_pid}');
  const children = (pid: string) => execFileSync('ps', ['-o', 'pid=', '--ppid', pid], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean);
  const launcher = children(shell).find((p) => execFileSync('ps', ['-o', 'comm=', '-p', p], { encoding: 'utf8' }).trim() === 'node');
  assert.ok(launcher, 'the launcher');
  const program = children(launcher);
  assert.equal(program.length, 1, `the program under the launcher: ${program.join(',')}`);
  // started with two malloc arenas (bin/aa-triage): the long-running view's memory
  assert.ok(readFileSync(`/proc/${program[0]}/environ`, 'latin1').split('\0').includes('MALLOC_ARENA_MAX=2'), 'MALLOC_ARENA_MAX=2 in the environment');
  process.kill(Number(program[0]), 'SIGKILL');
  await t.waitFor((x) => x.includes('EXITED rc=137'), 'exit after SIGKILL');
  assert.equal(t.value('#{alternate_on}'), '0');
  assert.equal(t.value('#{cursor_flag}'), '1');
  assert.doesNotMatch(flags(), /-icanon/, 'canonical mode again');
});

test('SIGTERM is handled at once while the screens show records with quarter-megabyte fields', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aa-huge-'));
  const log = join(dir, 'huge.log');
  const line = (i: number) =>
    `Nov 22 03:11:4${i} web-01 kernel: audit: type=1400 audit(1795317102.48${i}:313${i}): apparmor="DENIED" operation="open" class="file" profile="/usr/sbin/nginx" name="/srv/${'a'.repeat(256 * 1024)}${i}" pid=2211 comm="${'c'.repeat(256 * 1024)}" requested_mask="r" denied_mask="r" fsuid=33 ouid=0\n`;
  writeFileSync(log, [0, 1, 2, 3, 4].map(line).join(''));
  const t = open(['--input', log, '--no-bell']);
  await t.waitFor((x) => x.includes('REPLAY') && x.includes('/usr/sbin/nginx'), 'the list', 30_000);
  t.keys('3');
  await t.waitFor((x) => x.includes('[3 Timeline]'), 'the timeline', 30_000);
  t.keys('j');
  const shell = t.value('#{pane_pid}');
  const launcher = execFileSync('ps', ['-o', 'pid=', '--ppid', shell], { encoding: 'utf8' }).trim().split(/\s+/)[0];
  process.kill(Number(launcher), 'SIGTERM');
  await t.waitFor((x) => x.includes('EXITED rc=143'), 'exit after SIGTERM');
  assert.equal(t.value('#{alternate_on}'), '0');
});

test('live on this host: host facts and every source are explained, never an empty quiet screen', async () => {
  let enabled = '';
  try {
    enabled = execFileSync('cat', ['/sys/module/apparmor/parameters/enabled'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    enabled = '';
  }
  const t = open(['--no-bell'], { columns: 120, rows: 30 });
  const s = await t.waitFor((x) => x.includes('LIVE') && /journal: \w+/.test(x) && /auditlog: \w+/.test(x), 'each source with its state');
  if (enabled === 'Y') assert.ok(!s.includes('AppArmor is not enabled'), s);
  else assert.ok(s.includes('kernel: unavailable') && s.includes('AppArmor is not enabled in this kernel'), s);
  t.keys('q');
  await t.waitFor((x) => !x.includes('LIVE'), 'quit');
});
