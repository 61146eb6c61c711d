/**
 * The command-line contract, through the real built program (npm test builds it first).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { VERSION } from '../../src/commands/version.js';

const BIN = new URL('../../bin/aa-triage', import.meta.url).pathname;

function run(args: string[], input?: string | Buffer) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const LINE =
  'Nov 22 03:11:42 web-01 kernel: audit: type=1400 audit(1795317102.480:3131): apparmor="DENIED" operation="open" class="file" profile="/usr/sbin/nginx" name="/etc/shadow" pid=2211 comm="nginx" requested_mask="r" denied_mask="r" fsuid=33 ouid=0\n';

test('--version matches package.json', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.equal(VERSION, pkg.version);
  const r = run(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.out.trim(), `aa-triage ${pkg.version}`);
});

test('--help lists the commands and options', () => {
  const r = run(['--help']);
  assert.equal(r.code, 0);
  for (const s of ['--input', '--json', '--demo', 'timeline', 'act', '--profiles-dir', '--since']) assert.ok(r.out.includes(s), s);
});

test('unknown options and commands are usage errors (exit 2) with a hint', () => {
  for (const args of [['--bogus'], ['frobnicate'], ['--source', 'nope'], ['act', 'teardown', 'x']]) {
    const r = run(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, /aa-triage: .+/);
  }
});

test('a --since or --until that is no time is a usage error in every mode, said once, before any input is read', () => {
  for (const args of [
    ['--demo', '--json', '--since', 'not a time'],
    ['timeline', '--demo', '--since', 'not a time'],
    ['--input', '/nonexistent/kern.log', '--json', '--until', 'yesterday-ish'],
    ['timeline', '--input', '/nonexistent/kern.log', '--since', '2026-11-22', '--until', '2026-11-21'],
  ]) {
    const r = run(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, /aa-triage: --(since|until)[: ].+\nTry 'aa-triage --help'\./, args.join(' '));
    assert.doesNotMatch(r.err, /no such file/, 'the window is checked before the inputs are opened');
  }
});

test('an unreadable input is a clear error, exit 1', () => {
  const r = run(['--input', '/nonexistent/kern.log', '--json']);
  assert.equal(r.code, 1);
  assert.match(r.err, /\/nonexistent\/kern.log: no such file/);
});

test('--demo and --input never mix', () => {
  const r = run(['--demo', '--input', '-']);
  assert.equal(r.code, 2);
  assert.match(r.err, /never merged/);
});

test('stdin (-) and gzip inputs give NDJSON with kernel keys, time, serial, host, source', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aat-cli-'));
  const gz = join(dir, 'kern.log.2.gz');
  writeFileSync(gz, gzipSync(LINE));
  for (const [args, input, name] of [
    [['--input', '-'], LINE, 'stdin'],
    [['--input', gz], undefined, gz],
  ] as const) {
    const r = run([...args, '--json'], input);
    assert.equal(r.code, 0, r.err);
    const recs = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(recs.length, 1);
    const o = recs[0];
    assert.equal(o.apparmor, 'DENIED');
    assert.equal(o.name, '/etc/shadow');
    assert.equal(o.time, '2026-11-22T03:11:42.480Z');
    assert.equal(o.serial, 3131);
    assert.equal(o.host, 'web-01');
    assert.deepEqual(o.source, { name, line: 1 });
    assert.match(r.err, /1 lines read, 1 AppArmor records, 0 unparsable, 0 duplicates merged/);
  }
});

test('NDJSON is the default when stdout is not a terminal; the demo is labelled as such', () => {
  const r = run(['--demo']);
  assert.equal(r.code, 0, r.err);
  const recs = r.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.ok(recs.length >= 30);
  assert.ok(recs.every((o) => o.source.name.startsWith('DEMO:')));
  assert.match(r.err, /1 unparsable \(first: DEMO:incident.log:\d+\), 2 duplicates merged, loss reported in the log: printk-suppressed 6/);
});

test('a closed pipe (| head) is not an error', () => {
  const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" --demo --json | head -n 1`], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.doesNotMatch(r.stderr, /internal error|EPIPE/);
});

test('a truncated .gz is reported by name, keeps what it gave, and the other inputs are still read (--json and timeline)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aa-trunc-'));
  const lines = Array.from({ length: 400 }, (_, i) => LINE.replace(':3131)', `:${5000 + i})`).replace('pid=2211', `pid=${3000 + i}`)).join('');
  const whole = gzipSync(lines);
  const cut = join(dir, 'kern.log.3.gz');
  writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.8)));
  const good = join(dir, 'kern.log');
  writeFileSync(good, LINE.replace(':3131)', ':9999)').replace('/etc/shadow', '/etc/good-input'));
  const j = run(['--json', '--input', cut, '--input', good]);
  assert.equal(j.code, 1, j.err);
  assert.match(j.err, new RegExp(`${cut}: damaged input`));
  const recs = j.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.ok(recs.length > 1, 'what the damaged input gave is kept');
  assert.ok(
    recs.some((r) => r.name === '/etc/good-input'),
    'the next input is read',
  );
  const t = run(['timeline', '--input', cut, '--input', good]);
  assert.equal(t.code, 1, t.err);
  assert.match(t.err, new RegExp(`${cut}: damaged input`));
  assert.match(t.out, /\/etc\/good-input/);
});

test('pipes are read: /dev/stdin and a named pipe', () => {
  const r = run(['--json', '--input', '/dev/stdin'], LINE);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.trim().split('\n').length, 1);
  const dir = mkdtempSync(join(tmpdir(), 'aa-fifo-'));
  const fifo = join(dir, 'fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const writer = spawnSync('sh', ['-c', `(printf '%s' "$1" > "$2" &) ; exec "$3" "$4" --json --input "$2"`, 'sh', LINE, fifo, process.execPath, BIN], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(writer.status, 0, writer.stderr);
  assert.match(writer.stdout, /"\/etc\/shadow"/);
});

test('an out-of-range time makes a record undated (and says so), never ends the output; out-of-range options are usage errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aa-time-'));
  const body = (serial: number, name: string) =>
    `audit: type=1400 audit(1795317102.480:${serial}): apparmor="DENIED" operation="open" profile="p" name="${name}" pid=1 comm="c" requested_mask="r" denied_mask="r"`;
  const log = join(dir, 'bad-times.log');
  writeFileSync(
    log,
    [body(5, '/bad-audit-time').replace('1795317102.480:5', '8640000000001.000:5'), `[99999999999999.0] ${body(6, '/bad-uptime')}`.replace(/audit\(1795317102\.480:6\): /, ''), body(7, '/good')].join(
      '\n',
    ) + '\n',
  );
  const j = run(['--json', '--input', log, '--boot-time', '2026-11-22T00:00:00Z']);
  assert.equal(j.code, 0, j.err);
  const recs = j.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const by = (n: string) => recs.find((r) => r.name === n);
  assert.ok(by('/good')?.time, 'the good record keeps its time');
  for (const n of ['/bad-audit-time', '/bad-uptime']) {
    assert.ok(by(n), `${n} is kept`);
    assert.equal(by(n).time, null);
    assert.equal(by(n).time_invalid, true, `${n} says its time was invalid`);
  }
  const t = run(['timeline', '--input', log, '--boot-time', '2026-11-22T00:00:00Z']);
  assert.equal(t.code, 0, t.err);
  assert.match(t.out, /\/good/);
  assert.doesNotMatch(t.err, /internal error/);
  for (const args of [
    ['--until', '99999999999999'],
    ['--boot-time', '99999999999999'],
  ]) {
    const r = run(['--json', '--input', log, ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, /out of range/);
  }
});

test("the kernel's command line (apparmor=1 security=apparmor) is not an unparsable record", () => {
  const boot = [
    '[    0.000000] Command line: BOOT_IMAGE=/vmlinuz root=/dev/vda rw apparmor=1 security=apparmor',
    '[    0.123456] Kernel command line: BOOT_IMAGE=/vmlinuz root=/dev/vda rw apparmor=1 security=apparmor',
    `[    5.000000] ${LINE.slice(LINE.indexOf('audit:'))}`,
  ].join('\n');
  const r = run(['--json', '--input', '-'], `${boot}\n`);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, / 1 AppArmor records, 0 unparsable/);
});
