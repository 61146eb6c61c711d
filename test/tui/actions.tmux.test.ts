// The whole program in tmux, live on a simulated host: a fake dmesg with one missing-rule denial,
// fake apparmor_parser and aa-status first on PATH, a temporary profiles directory and a fake
// securityfs. `a` applies the suggested rule (dialog, check, review, verified result, journal),
// `z` takes it back (the file as it was, journaled as the undo of the allow). Actions need root:
// without it the keys refuse (tested elsewhere), so this test runs only as root.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJournal } from '../../src/actions/journal.js';
import { Tmux } from './tmux.js';
import { liveProgram } from '../support/live-program.js';

const sessions: Tmux[] = [];
const dirs: string[] = [];
after(() => {
  sessions.forEach((t) => t.kill());
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

const root = process.getuid?.() === 0;

/** A focused button other than Cancel. */
const GO = /\[> (?!Cancel)[^<]*<\]/;

/**
 * Moves the dialog's focus from Cancel to the button that acts, then presses it: one key at a time,
 * each after the screen showed the one before took effect (keys sent together can arrive as one read).
 */
async function proceed(t: Tmux): Promise<void> {
  await t.waitFor((x) => x.includes('[> Cancel <]'), 'Cancel focused');
  t.keys('Right');
  await t.waitFor((x) => GO.test(x), 'the acting button focused');
  t.keys('Enter');
}

/** A simulated host with one missing-rule denial of nginx, and aa-triage live on it in tmux. */
async function liveHost(over: { profileText?: string; loaded?: string } = {}) {
  assert.ok(existsSync('dist/aa-triage.js'), 'dist/aa-triage.js is missing: run npm run build first (npm test does)');
  const dir = mkdtempSync(join(tmpdir(), 'aa-apply-'));
  dirs.push(dir);
  const profiles = join(dir, 'apparmor.d');
  const securityfs = join(dir, 'securityfs');
  mkdirSync(join(profiles, 'disable'), { recursive: true });
  mkdirSync(join(profiles, 'local'));
  mkdirSync(securityfs);
  const file = join(profiles, 'usr.sbin.nginx');
  const local = join(profiles, 'local', 'usr.sbin.nginx');
  const profileText = over.profileText ?? '/usr/sbin/nginx {\n  /var/www/** r,\n  include if exists <local/usr.sbin.nginx>\n}\n';
  const localText = '# Site-specific additions\n';
  writeFileSync(file, profileText);
  writeFileSync(local, localText);
  writeFileSync(join(securityfs, 'profiles'), over.loaded ?? '/usr/sbin/nginx (enforce)\n');
  const now = Date.now();
  const up = (86_400).toFixed(6).padStart(13);
  writeFileSync(
    join(dir, 'dmesg.txt'),
    `[${up}] audit: type=1400 audit(${(now / 1000).toFixed(3)}:7001): apparmor="DENIED" operation="open" class="file" profile="/usr/sbin/nginx" name="/srv/www/index.html" pid=1900 comm="nginx" requested_mask="r" denied_mask="r" fsuid=33 ouid=33\n`,
  );
  const journal = join(dir, 'actions.jsonl');
  const t = new Tmux();
  sessions.push(t);
  const { argv, env } = liveProgram({ dir, securityfs, profiles, journal });
  t.start(argv, { columns: 120, rows: 40 }, env);
  await t.waitFor((x) => x.includes('LIVE') && x.includes('/srv/www/index.html') && x.includes('RULE'), 'the missing-rule denial group');
  return { t, file, local, profileText, localText, journal, securityfs };
}

test('live: a applies the suggested rule (dialog, verified, journaled); z undoes it (the file as it was)', { skip: root ? false : 'actions need root (the keys refuse without it)' }, async () => {
  const { t, file, local, profileText, localText, journal } = await liveHost();

  // apply: the dialog shows the rule, the reason goes in, the check and the review come before anything is written
  t.keys('a');
  let s = await t.waitFor((x) => x.includes('Allow: add the suggested rule to /usr/sbin/nginx'), 'the allow dialog');
  assert.match(s, /\/srv\/www\/index\.html r,/);
  t.keys('Tab');
  await t.waitFor((x) => /Reason \(journaled\): \[_?\]/.test(x) && !/rule \[[^\]]*_\]/.test(x), 'the reason field focused');
  t.text('new docroot');
  await t.waitFor((x) => x.includes('new docroot'), 'the reason typed');
  t.keys('Enter');
  await proceed(t);
  s = await t.waitFor((x) => x.includes('Allow: review for /usr/sbin/nginx'), 'the review');
  assert.match(s, /\+\/srv\/www\/index\.html r,/);
  assert.equal(readFileSync(local, 'utf8'), localText, 'nothing written before Apply');
  await proceed(t);
  s = await t.waitFor((x) => x.includes('OK verified: /usr/sbin/nginx now enforce'), 'the verified result');
  assert.match(readFileSync(local, 'utf8'), /^\/srv\/www\/index\.html r,$/m);
  const applied = await readJournal(journal);
  assert.deepEqual(
    applied.map((e) => `${e.action}:${e.phase}`),
    ['allow:intent', 'allow:result'],
  );
  assert.equal(applied[1].outcome, 'verified');
  assert.equal(applied[0].reason, 'new docroot');

  // undo: z lists it, Enter reviews exactly the lines to remove, proceeding restores and verifies
  t.keys('Escape');
  await t.waitFor((x) => !x.includes('OK verified'), 'the dialog closed');
  t.keys('z');
  await t.waitFor((x) => x.includes('Undo an action (newest first)') && x.includes('allow /usr/sbin/nginx  ->  remove-rule'), 'the undo list');
  t.keys('Enter');
  s = await t.waitFor((x) => /Removes exactly the \d+ lines? the allow added/.test(x), 'the undo dialog');
  await proceed(t);
  await t.waitFor((x) => x.includes('OK verified'), 'the verified undo');
  assert.equal(readFileSync(local, 'utf8'), localText);
  assert.equal(readFileSync(file, 'utf8'), profileText);
  const all = await readJournal(journal);
  assert.deepEqual(
    all.map((e) => `${e.action}:${e.phase}`),
    ['allow:intent', 'allow:result', 'remove-rule:intent', 'remove-rule:result'],
  );
  assert.equal(all[3].undoOf, applied[0].id);
  assert.equal(all[3].outcome, 'verified');

  // the Actions screen lists both, verified
  t.keys('Escape');
  await t.waitFor((x) => !x.includes('OK verified'), 'the dialog closed');
  t.keys('4');
  s = await t.waitFor((x) => /allow +\/usr\/sbin\/nginx +verified/.test(x) && /remove-ru\S* +\/usr\/sbin\/nginx +verified/.test(x), 'the action log');
  assert.doesNotMatch(s, /Not undone/, 'the allow was undone');
  t.keys('1');
  await t.waitFor((x) => x.includes('[1 Denials]'), 'the denial list');
  t.keys('q');
  await t.waitFor((x) => x.includes('EXITED rc=0'), 'quit');
});

test(
  'live: c puts the profile in complain (dialog, verified, journaled, mode shown); z enforces it again (the file as it was)',
  { skip: root ? false : 'actions need root (the keys refuse without it)' },
  async () => {
    const { t, file, profileText, journal, securityfs } = await liveHost();
    t.keys('c');
    let s = await t.waitFor((x) => x.includes('Complain mode'), 'the complain dialog');
    assert.match(s, /aa-complain /);
    await proceed(t);
    s = await t.waitFor((x) => x.includes('OK verified: /usr/sbin/nginx now complain'), 'the verified result');
    assert.match(readFileSync(file, 'utf8'), /flags=\(complain\)/);
    assert.equal(readFileSync(join(securityfs, 'profiles'), 'utf8'), '/usr/sbin/nginx (complain)\n');
    const done = await readJournal(journal);
    assert.deepEqual(
      done.map((e) => `${e.action}:${e.phase}:${e.outcome ?? ''}`),
      ['complain:intent:', 'complain:result:verified'],
    );
    t.keys('Escape');
    await t.waitFor((x) => !x.includes('OK verified'), 'the dialog closed');
    // the Actions screen says the complain is not undone, and how to undo it
    t.keys('4');
    await t.waitFor((x) => /Not undone: complain \/usr\/sbin\/nginx \(\d\d:\d\d:\d\d\); z undoes it/.test(x), 'the complain listed as not undone');
    // the Profiles screen follows the kernel: complain now
    t.keys('2');
    await t.waitFor((x) => /\/usr\/sbin\/nginx[ │]+complain/.test(x), 'the profile shown in complain mode');
    t.keys('1');
    await t.waitFor((x) => x.includes('[1 Denials]'), 'the denial list');
    t.keys('z');
    await t.waitFor((x) => x.includes('complain /usr/sbin/nginx  ->  enforce'), 'the undo list');
    t.keys('Enter');
    await t.waitFor((x) => x.includes('Undo: enforce'), 'the undo dialog');
    await proceed(t);
    await t.waitFor((x) => x.includes('OK verified: /usr/sbin/nginx now enforce'), 'the verified undo');
    assert.equal(readFileSync(file, 'utf8'), profileText);
    const all = await readJournal(journal);
    assert.deepEqual(
      all.map((e) => `${e.action}:${e.phase}`),
      ['complain:intent', 'complain:result', 'enforce:intent', 'enforce:result'],
    );
    assert.equal(all[3].undoOf, done[0].id);
    t.keys('Escape');
    await t.waitFor((x) => !x.includes('OK verified'), 'the dialog closed');
    t.keys('2');
    await t.waitFor((x) => /\/usr\/sbin\/nginx[ │]+enforce/.test(x), 'the profile shown in enforce mode again');
    t.keys('1');
    await t.waitFor((x) => x.includes('[1 Denials]'), 'the denial list');
    t.keys('q');
    await t.waitFor((x) => x.includes('EXITED rc=0'), 'quit');
  },
);

test(
  'live: one profile of a file that declares two: c writes its own flags (the diff shown), loads it alone, the other untouched; z puts the line back',
  { skip: root ? false : 'actions need root (the keys refuse without it)' },
  async () => {
    const text = '/usr/sbin/nginx {\n  /var/www/** r,\n}\nprofile nginx-helper /usr/lib/nginx/helper {\n}\n';
    const { t, file, journal, securityfs } = await liveHost({ profileText: text, loaded: '/usr/sbin/nginx (enforce)\nnginx-helper (enforce)\n' });
    t.keys('c');
    let s = await t.waitFor((x) => x.includes('Complain mode (persistent)'), 'the complain dialog');
    assert.match(s, /\+\/usr\/sbin\/nginx flags=\(complain\) \{/);
    assert.match(s, /apparmor_parser -r -K < \(\/usr\/sbin\/nginx's part of/);
    await proceed(t);
    s = await t.waitFor((x) => x.includes('OK verified: /usr/sbin/nginx now complain (nginx-helper untouched)'), 'the verified result');
    assert.equal(readFileSync(file, 'utf8'), text.replace('/usr/sbin/nginx {', '/usr/sbin/nginx flags=(complain) {'));
    assert.equal(readFileSync(join(securityfs, 'profiles'), 'utf8'), '/usr/sbin/nginx (complain)\nnginx-helper (enforce)\n');
    t.keys('Escape');
    await t.waitFor((x) => !x.includes('OK verified'), 'the dialog closed');
    t.keys('z');
    await t.waitFor((x) => x.includes('complain /usr/sbin/nginx  ->  enforce'), 'the undo list');
    t.keys('Enter');
    s = await t.waitFor((x) => x.includes('Undo: enforce'), 'the undo dialog');
    assert.match(s, /-\/usr\/sbin\/nginx flags=\(complain\) \{/);
    await proceed(t);
    await t.waitFor((x) => x.includes('OK verified: /usr/sbin/nginx now enforce (nginx-helper untouched)'), 'the verified undo');
    assert.equal(readFileSync(file, 'utf8'), text);
    const all = await readJournal(journal);
    assert.deepEqual(
      all.map((e) => `${e.action}:${e.phase}:${e.outcome ?? ''}`),
      ['complain:intent:', 'complain:result:verified', 'enforce:intent:', 'enforce:result:verified'],
    );
    assert.deepEqual(all[0].edits?.[0].replaced, [{ at: 0, from: '/usr/sbin/nginx {', to: '/usr/sbin/nginx flags=(complain) {' }]);
    t.keys('Escape');
    await t.waitFor((x) => !x.includes('OK verified'), 'the dialog closed');
    t.keys('q');
    await t.waitFor((x) => x.includes('EXITED rc=0'), 'quit');
  },
);
