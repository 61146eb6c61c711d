// The whole program in tmux, live on a fake host (fake dmesg and AppArmor tools first on
// PATH): the strip under the header shows a flood rising to its peak, then the operator's action
// as │, and after it the few denials that still come.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Tmux } from './tmux.js';

const sessions: Tmux[] = [];
const dirs: string[] = [];
after(() => {
  sessions.forEach((t) => t.kill());
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

let serial = 5000;
// the ring buffer's uptimes: the host booted a day before the test
const BOOT = Date.now() - 86_400_000;

/** One kernel ring buffer line (dmesg) carrying an audit denial at `ms`. */
function kernelLine(ms: number): string {
  const up = ((ms - BOOT) / 1000).toFixed(6).padStart(13);
  return `[${up}] audit: type=1400 audit(${(ms / 1000).toFixed(3)}:${++serial}): apparmor="DENIED" operation="mknod" class="file" profile="/usr/sbin/nginx" name="/run/nginx/nginx.pid" pid=1900 comm="nginx" requested_mask="c" denied_mask="c" fsuid=33 ouid=33`;
}

/** The strip under the header: its cells between the two times. */
function stripOf(screen: string): string | undefined {
  const line = screen.split('\n')[4] ?? '';
  return /^ \d\d:\d\d(?::\d\d)? (.*?) \d\d:\d\d(?::\d\d)?  \S+\/bar/.exec(line)?.[1];
}

test('live: the header strip shows the flood, the action that answered it, and what came after', async () => {
  assert.ok(existsSync('dist/aa-triage.js'), 'dist/aa-triage.js is missing: run npm run build first (npm test does)');
  const dir = mkdtempSync(join(tmpdir(), 'aa-strip-'));
  dirs.push(dir);
  const profiles = join(dir, 'apparmor.d');
  const securityfs = join(dir, 'securityfs');
  mkdirSync(join(profiles, 'disable'), { recursive: true });
  mkdirSync(securityfs);
  writeFileSync(join(profiles, 'usr.sbin.nginx'), '/usr/sbin/nginx {\n  /var/www/** r,\n}\n');
  writeFileSync(join(securityfs, 'profiles'), '/usr/sbin/nginx (enforce)\n');
  const ring = join(dir, 'dmesg.txt');
  const actions = join(dir, 'actions.jsonl');
  // a flood over the last minutes: a trickle, rising, at its peak until now
  const now = Date.now();
  const lines: string[] = [];
  const perStep = [1, 2, 4, 8, 16, 24, 24, 24];
  perStep.forEach((n, i) => {
    for (let k = 0; k < n; k++) lines.push(kernelLine(now - (perStep.length - i) * 30_000 + k * 500));
  });
  writeFileSync(ring, `${lines.join('\n')}\n`);

  const fakeSources = resolve('test/fixtures/sources/bin');
  const fakeAa = resolve('test/fixtures/actions/bin');
  const t = new Tmux();
  sessions.push(t);
  const env = {
    PATH: `${fakeSources}:${fakeAa}:${dirname(process.execPath)}:/usr/bin:/bin`,
    FAKE_SOURCES_DIR: dir,
    FAKE_AA_NODE: process.execPath,
    FAKE_AA_SECURITYFS: securityfs,
    FAKE_AA_LOG: join(dir, 'argv.jsonl'),
  };
  t.start(['node', 'bin/aa-triage', '--source', 'dmesg', '--securityfs', securityfs, '--profiles-dir', profiles, '--actions', actions, '--no-bell', '--utc'], { columns: 120, rows: 30 }, env);

  let s = await t.waitFor((x) => x.includes('LIVE') && (stripOf(x)?.includes('█') ?? false) && x.includes(`${lines.length} records`), 'the flood in the strip', 30_000);
  const before = stripOf(s)!;
  assert.ok(!before.includes('│'), `no action yet: ${before}`);
  assert.ok(/[▁▂▃].*█/.test(before), `the strip rises to its peak: ${before}`);

  if (process.getuid?.() === 0) {
    // the action from the keys: complain mode for the selected denial group's profile
    t.keys('c');
    await t.waitFor((x) => x.includes('Complain mode'), 'the complain dialog', 15_000);
    t.keys('Right', 'Enter');
    await t.waitFor((x) => x.includes('OK verified'), 'the verified result', 15_000);
    t.keys('Escape');
  } else {
    // without root the keys refuse: the same action, as `aa-triage act` on the host journals it
    const time = new Date().toISOString();
    const entry = {
      v: 1,
      id: 'strip1',
      operator: 'oncall',
      host: 'web-01',
      action: 'complain',
      profile: '/usr/sbin/nginx',
      file: join(profiles, 'usr.sbin.nginx'),
      argv: [['aa-complain', join(profiles, 'usr.sbin.nginx')]],
    };
    appendFileSync(actions, `${JSON.stringify({ ...entry, phase: 'intent', time })}\n${JSON.stringify({ ...entry, phase: 'result', time, exitCodes: [0], outcome: 'verified' })}\n`);
  }
  s = await t.waitFor((x) => stripOf(x)?.includes('│') ?? false, 'the action marked on the strip', 15_000);
  assert.match(s.split('\n')[4], /│ action/, 'the legend names the mark');
  // after the action: a couple of stragglers, far below the peak
  const later = [kernelLine(Date.now()), kernelLine(Date.now() + 1)];
  appendFileSync(ring, `${later.join('\n')}\n`);
  s = await t.waitFor((x) => x.includes(`${lines.length + later.length} records`) && /│.*[▁▂]/.test(stripOf(x) ?? ''), 'the denials after the action', 20_000);
  const strip = stripOf(s)!;
  const [pre, post] = [strip.slice(0, strip.lastIndexOf('│')), strip.slice(strip.lastIndexOf('│') + 1)];
  assert.ok(pre.includes('█'), `the peak before the action: ${strip}`);
  assert.ok(!/[▄▅▆▇█]/.test(post), `low after the action: ${strip}`);
  t.keys('q');
  await t.waitFor((x) => x.includes('EXITED rc=0'), 'quit');
});
