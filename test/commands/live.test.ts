// Live mode without the interactive view: unavailable sources explained up front (never an empty
// screen that looks like a quiet host), NDJSON streamed as records arrive, stop on a signal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseCli } from '../../src/commands/args.js';
import { runLive } from '../../src/commands/live.js';
import { resolveSettings } from '../../src/commands/settings.js';
import { FAST, fakeHost, liveOpts, waitFor } from '../sources/helpers.js';

class Text extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

test('a host where nothing is readable (not root, no AppArmor, no auditd): every reason said, exit 1', async () => {
  const host = fakeHost();
  const facts = {
    ...host.facts,
    uid: 1000,
    groups: ['alice'],
    dmesgRestrict: true,
    auditdRunning: false,
    apparmorEnabled: false,
    auditLog: { path: '/var/log/audit/audit.log', exists: false, readable: false },
  };
  const out = new Text();
  const err = new Text();
  const code = await runLive(parseCli(['--json']), { clock: {}, window: {} }, 'json', { out, err, live: liveOpts(host, { facts }), signals: [] });
  assert.equal(code, 1);
  assert.equal(out.text, '');
  const e = err.text;
  assert.match(e, /AppArmor is not enabled in this kernel/);
  assert.match(e, /journal: unavailable: not root and not in the systemd-journal or adm group.*\(fix: run with sudo/);
  assert.match(e, /audit: unavailable: not root/);
  assert.match(e, /dmesg: unavailable: kernel\.dmesg_restrict=1 and not root.*sysctl kernel\.dmesg_restrict=0/);
  assert.match(e, /auditlog: unavailable: no auditd: \/var\/log\/audit\/audit\.log does not exist/);
  assert.match(e, /no readable source on this host.*not a quiet host/);
  host.cleanup();
});

test('--json follows: one NDJSON object per record as it arrives, health on stderr, stops on a signal', async () => {
  const host = fakeHost({ journal: false });
  const out = new Text();
  const err = new Text();
  const run = runLive(parseCli(['--json', '--source', 'dmesg']), { clock: {}, window: {} }, 'json', { out, err, live: liveOpts(host, { sources: ['dmesg'] }), signals: ['SIGUSR2'] });
  await waitFor('backfill out', () => out.text.split('\n').length === 7);
  const objs = out.text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(objs[1].apparmor, 'DENIED');
  assert.equal(objs[1].host, 'web-01');
  host.append('dmesg.txt', [
    '[ 1900.000001] audit: type=1400 audit(1795317212.000:5000): apparmor="DENIED" operation="open" class="file" profile="/usr/sbin/nginx" name="/etc/gshadow" pid=2400 comm="nginx" requested_mask="r" denied_mask="r"',
  ]);
  await waitFor('the new record streamed', () => out.text.includes('/etc/gshadow'));
  assert.match(err.text, /dmesg: live/);
  assert.match(err.text, /dmesg:10: loss: the kernel suppressed 5 log messages/);
  process.emit('SIGUSR2', 'SIGUSR2');
  assert.equal(await run, 0);
  assert.match(err.text, /aa-triage: 11 lines read, 7 AppArmor records/);
  assert.match(err.text, /dmesg: ended/);
  host.cleanup();
});

test("the run's window reaches the live sources: records before --since are left out and counted", async () => {
  const host = fakeHost({ journal: false });
  const out = new Text();
  const err = new Text();
  const cli = parseCli(['--json', '--source', 'dmesg', '--no-follow', '--since', '@1795317104']);
  const settings = resolveSettings(cli, { isRoot: false, env: {} });
  assert.deepEqual(settings.window, { since: 1795317104000 });
  const code = await runLive(cli, settings, 'json', { out, err, live: liveOpts(host, { sources: ['dmesg'], follow: false }), signals: [] });
  assert.equal(code, 0);
  const ids = out.text
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { audit_id: string }).audit_id);
  // one event with two records (two capabilities), then the last
  assert.deepEqual(ids, ['1795317104.482:3133', '1795317104.482:3133', '1795317105.483:3134']);
  assert.match(err.text, /, 3 outside the time window/);
  host.cleanup();
});

test('lines aa-triage had to drop are said on stderr and in the summary, never silent', async () => {
  const host = fakeHost({ journal: false });
  const line = (i: number) =>
    `[ ${(3000 + i / 1000).toFixed(6)}] audit: type=1400 audit(1795317500.${String(i % 1000).padStart(3, '0')}:${20000 + i}): apparmor="DENIED" operation="open" class="file" profile="/usr/sbin/x" name="/f/${i}" pid=1 comm="x" requested_mask="r" denied_mask="r"`;
  writeFileSync(join(host.dir, 'dmesg.txt'), `${Array.from({ length: 20_000 }, (_, i) => line(i)).join('\n')}\n`);
  const out = new Text();
  const err = new Text();
  const code = await runLive(parseCli(['--json', '--no-follow']), { clock: {}, window: {} }, 'json', {
    out,
    err,
    live: liveOpts(host, { sources: ['dmesg'], follow: false, tuning: { ...FAST, queueLines: 50 } }),
    signals: [],
  }); // fewer than one pipe read's lines: drops are certain
  assert.equal(code, 0);
  const m = /(\d+) lines dropped by aa-triage \(queue full\)/.exec(err.text);
  assert.ok(m, err.text);
  assert.match(err.text, /loss: aa-triage dropped \d+ lines it could not parse fast enough/);
  assert.equal(out.text.trim().split('\n').length + Number(m[1]), 20_000, 'every line is either shown or counted as dropped');
  host.cleanup();
});
