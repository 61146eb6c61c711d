import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseCli, UsageError } from '../../src/commands/args.js';
import type { HostFacts } from '../../src/sources/detect.js';
import { runTimelineCommand } from '../../src/commands/timeline.js';
import { resolveSettings } from '../../src/commands/settings.js';
import { findDemo } from '../../src/demo.js';
import { Progress, progressLine } from '../../src/commands/progress.js';
import { demoPaths, Sink } from '../timeline/helpers.js';
import { waitFor } from '../support/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'aa-timeline-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], extra: { live?: object } = {}) {
  const out = new Sink();
  const err = new Sink();
  const cli = parseCli(['timeline', ...args], {});
  const settings = resolveSettings(cli, { isRoot: false, env: { HOME: dir } }, { demo: cli.demo ? findDemo() : undefined });
  const code = await runTimelineCommand(cli, settings, { out, err, ...extra });
  return { code, out: out.text, err: err.text };
}

describe('aa-triage timeline', () => {
  it('a kernel loss notice read from dmesg and from journalctl -k is listed once, and counted once', async () => {
    const kernel = resolve('test/fixtures/kernel');
    for (const journal of ['journal-k-short.txt', 'journal-k-cat.txt']) {
      const r = await run(['--utc', '-i', join(kernel, 'dmesg.txt'), '-i', join(kernel, journal)]);
      assert.equal(r.code, 0, r.err);
      const notices = r.out.split('\n').filter((l) => l.includes('the kernel suppressed 17 messages') && !l.includes('│'));
      assert.equal(notices.length, 1, `${journal}:\n${notices.join('\n')}`);
      assert.match(r.out, /Lost: +the kernel suppressed 179 messages/);
    }
  });

  it('--demo: the demo log, its action journal, labelled DEMO', async () => {
    const r = await run(['--demo', '--utc']);
    assert.equal(r.code, 0, r.err);
    assert.ok(r.out.includes('DEMO: the bundled demo incident'));
    assert.ok(r.out.includes('1 operator action in DEMO:actions.jsonl'));
    assert.ok(r.out.includes('Incident 5 · /usr/sbin/nginx'));
  });

  it('--format json and --format markdown', async () => {
    const j = await run(['--demo', '--format', 'json']);
    const doc = JSON.parse(j.out);
    assert.equal(doc.demo, true);
    assert.equal(doc.incidents.length, 5);
    assert.equal(doc.summary.actionJournal, 'DEMO:actions.jsonl');
    const m = await run(['--demo', '--utc', '--format', 'markdown']);
    assert.ok(m.out.startsWith('# AppArmor forensic timeline: web-01'));
  });

  it('--since/--until cut the records to a window and say so', async () => {
    const r = await run(['--demo', '--utc', '--format', 'json', '--since', '2026-11-22T03:10:00Z', '--until', '2026-11-22T03:20:00Z']);
    const doc = JSON.parse(r.out);
    assert.deepEqual(
      doc.incidents.map((i: { profile: string }) => i.profile),
      ['/usr/sbin/nginx'],
    );
    assert.equal(doc.summary.requested.sinceIso, '2026-11-22T03:10:00.000Z');
  });

  it('--gap changes where incidents split', async () => {
    const r = await run(['--demo', '--format', 'json', '--gap', '3600']);
    assert.equal(JSON.parse(r.out).incidents.length, 4);
  });

  it('refuses an unknown zone, a bad window, and a missing --actions file, with a sentence', async () => {
    const tz = await run(['--demo', '--tz', 'Mars/Olympus']);
    assert.equal(tz.code, 2);
    assert.match(tz.err, /--tz: unknown time zone: Mars\/Olympus/);
    // the window is read once, with the run's settings, for every mode (the binary's exit code and hint: contract.test.ts)
    const bad = parseCli(['timeline', '--demo', '--since', 'not a time'], {});
    assert.throws(
      () => resolveSettings(bad, { isRoot: false, env: { HOME: dir } }, { demo: findDemo() }),
      (e: unknown) => e instanceof UsageError && /--since: not a time/.test(e.message),
    );
    const a = await run(['--input', demoPaths().log, '--actions', join(dir, 'missing.jsonl')]);
    assert.equal(a.code, 1);
    assert.match(a.err, /missing\.jsonl: no such file/);
    const d = await run(['--demo', '--input', demoPaths().log]);
    assert.equal(d.code, 2);
  });

  it('reads the default action journal when it exists, and goes without it when not', async () => {
    const none = await run(['--input', demoPaths().log, '--utc']);
    assert.equal(none.code, 0);
    assert.ok(none.out.includes('no action journal found'));
    const journal = join(dir, '.local', 'state', 'aa-triage', 'actions.jsonl');
    mkdirSync(join(dir, '.local', 'state', 'aa-triage'), { recursive: true });
    copyFileSync(demoPaths().actions, journal);
    const some = await run(['--input', demoPaths().log, '--utc']);
    assert.ok(some.out.includes(`1 operator action in ${journal}`));
    rmSync(journal);
  });

  it("without --input: this host's sources, read to the end (here an audit.log only)", async () => {
    const auditLog = join(dir, 'audit.log');
    writeFileSync(
      auditLog,
      [
        'type=AVC msg=audit(1795317102.480:3131): apparmor="DENIED" operation="open" class="file" profile="/usr/sbin/nginx" name="/etc/shadow" pid=2211 comm="nginx" requested_mask="r" denied_mask="r" fsuid=33 ouid=0',
        'type=SYSCALL msg=audit(1795317102.480:3131): arch=c000003e syscall=257 success=no exit=-13 ppid=1900 pid=2211 comm="nginx" exe="/usr/sbin/nginx"',
        'type=AVC msg=audit(1795317103.009:3132): apparmor="DENIED" operation="open" class="file" profile="/usr/sbin/nginx" name="/root/.ssh/id_ed25519" pid=2211 comm="nginx" requested_mask="r" denied_mask="r" fsuid=33 ouid=0',
        '',
      ].join('\n'),
    );
    const facts: HostFacts = { uid: 0, groups: ['root'], journalFiles: false, auditLog: { path: auditLog, exists: true, readable: true }, auditdRunning: true, apparmorEnabled: true };
    const r = await run(['--utc', '--format', 'json', '--source', 'auditlog'], {
      live: { facts, env: { PATH: '' }, hostname: 'web-01', paths: { proc: join(dir, 'no-proc') }, tuning: { idleMs: 30, pollMs: 20 } },
    });
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out);
    assert.equal(doc.incidents.length, 1);
    assert.equal(doc.incidents[0].records, 2);
    assert.deepEqual(doc.summary.hosts, ['web-01']);
  });

  it('says so when no source on the host can be read, instead of an empty timeline', async () => {
    const facts: HostFacts = { uid: 1000, groups: [], journalFiles: false, auditLog: { path: join(dir, 'nope.log'), exists: false, readable: false }, auditdRunning: false, apparmorEnabled: true };
    const r = await run(['--source', 'auditlog'], { live: { facts, env: { PATH: '' }, paths: { proc: join(dir, 'no-proc') } } });
    assert.equal(r.code, 1);
    assert.match(r.err, /no readable source on this host/);
    assert.equal(r.out, '');
  });
});

describe('progress', () => {
  it('shows a progress line on a terminal once the run takes a moment, and erases it at the end', async () => {
    const tty = new Sink();
    tty.isTTY = true;
    let reads = 0;
    const p = new Progress(tty, () => (reads++, { input: 'big\x1b.log', lines: 123_456, records: 789, bytes: 5 * 1048576 }), { delayMs: 0, intervalMs: 5 });
    await waitFor('a progress line', () => tty.text.includes('lines'));
    p.stop();
    assert.ok(reads > 0);
    assert.match(tty.text, /reading big\\x1b\.log: 123,456 lines, 789 records, 5\.0 MB/);
    assert.ok(tty.text.endsWith('\r\x1b[K'));
  });

  it('fits the terminal: a long input name gives way first, so the line never wraps (a wrapped line is not rewritten in place)', async () => {
    const name = `/var/log/archive/${'host-'.repeat(20)}web-01/audit/audit.log.1.gz`;
    const c = { input: name, lines: 1_234_567, records: 234_567, bytes: 250 * 1048576, fraction: 0.42 };
    for (const columns of [40, 60, 80, 100, 120]) {
      const line = progressLine(c, 'timeline', columns);
      assert.ok(line.length <= columns - 1, `${columns}: ${line}`);
      assert.ok(line.startsWith(columns >= 60 ? 'aa-triage timeline: reading /var' : 'aa-triage timeline: reading '), line);
      assert.ok(line.includes('…'), line);
      // the counts give way from the end: the megabytes first, then the records; the share and the lines stay
      if (columns >= 100) assert.ok(line.endsWith(': 42 %, 1,234,567 lines, 234,567 records, 250.0 MB') && line.includes('audit.log.1.gz'), line);
      else if (columns >= 80) assert.ok(line.endsWith(': 42 %, 1,234,567 lines, 234,567 records'), line);
      else if (columns >= 60) assert.ok(line.endsWith(': 42 %, 1,234,567 lines'), line);
    }
    assert.equal(progressLine(c, undefined, undefined), `aa-triage: reading ${name}: 42 %, 1,234,567 lines, 234,567 records, 250.0 MB`);
    // control characters in a name are escaped before it is cut
    assert.doesNotMatch(progressLine({ ...c, input: `/x\x1b[2J${'y'.repeat(200)}` }, undefined, 80), /\x1b\[2J/);
    const tty = new Sink();
    tty.isTTY = true;
    (tty as Sink & { columns: number }).columns = 60;
    const p = new Progress(tty, () => c, { delayMs: 0, intervalMs: 5, command: 'timeline' });
    await waitFor('a progress line', () => tty.text.includes('lines'));
    p.stop();
    for (const l of tty.text.split('\r\x1b[K')) assert.ok(l.length <= 59, l);
  });

  it('says the share of the input read when its size is known, never 100 % before the end', async () => {
    const tty = new Sink();
    tty.isTTY = true;
    let fraction = 0.4159;
    const p = new Progress(tty, () => ({ input: 'kern.log', lines: 10, records: 2, bytes: 1048576, fraction }), { delayMs: 0, intervalMs: 5 });
    await waitFor('a progress line', () => tty.text.includes('41 %'));
    fraction = 1;
    await waitFor('the last progress line', () => tty.text.includes('99 %'));
    p.stop();
    assert.match(tty.text, /reading kern\.log: 41 %, 10 lines, 2 records, 1\.0 MB/);
    assert.doesNotMatch(tty.text, /100 %/);
  });

  it('writes nothing when stderr is not a terminal', () => {
    const pipe = new Sink();
    let reads = 0;
    const p = new Progress(pipe, () => (reads++, { input: 'x', lines: 1, records: 1 }), { delayMs: 0, intervalMs: 1 });
    p.stop();
    assert.equal(pipe.text, '');
    assert.equal(reads, 0);
  });
});

describe('the built program', () => {
  it('runs `aa-triage timeline --demo` end to end', () => {
    const bin = resolve(import.meta.dirname, '..', '..', 'bin', 'aa-triage');
    const r = spawnSync(process.execPath, [bin, 'timeline', '--demo', '--utc', '--format', 'markdown'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.includes('### Incident 5: /usr/sbin/nginx'));
  });
});
