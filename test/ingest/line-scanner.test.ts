import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LineScanner } from '../../src/ingest/line-scanner.js';
import { LINE_MARKERS } from '../../src/parse/markers.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { recordToNdjson } from '../../src/outputs/json.js';
import { logLines } from '../../bench/generate.mjs';

/** Everything the pipeline makes of `bytes`, fed in chunks of `chunk` bytes, with or without the filter. */
function run(bytes: Buffer, filter: boolean, chunk: number, max?: number) {
  const out: string[] = [];
  const pipeline = new Pipeline({
    record: (r) => out.push(recordToNdjson(r, { raw: true })),
    unparsable: (u) => out.push(`unparsable ${JSON.stringify(u)}`),
    loss: (n) => out.push(`loss ${JSON.stringify(n)}`),
  });
  const parser = pipeline.parserFor('input');
  const scanner = new LineScanner(parser.asSink(), { filter, max });
  for (let i = 0; i < bytes.length; i += chunk) scanner.push(bytes.subarray(i, i + chunk));
  scanner.end();
  parser.end();
  const c = pipeline.collect({ cut: scanner.cut });
  return { out, lines: c.lines, records: c.records, unparsable: c.unparsable, lost: c.lost, cut: c.cut, other: parser.stats.other };
}

function files(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) files(p, out);
    else if (/\.(txt|log|json|ndjson|jsonl|dmesg)$/.test(n)) out.push(p);
  }
  return out;
}

const inputs: [string, Buffer][] = [
  ...[...files('test/fixtures/kernel'), ...files('test/fixtures/kernel-6.12'), ...files('test/fixtures/sources'), ...files('test/fixtures/timeline'), 'demo/incident.log'].map(
    (p): [string, Buffer] => [p, readFileSync(p)],
  ),
  // every libapparmor corpus case, one per line, as one log
  [
    'libapparmor corpus',
    Buffer.from(
      `${readFileSync('test/fixtures/libapparmor/cases.jsonl', 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { in: string }).in)
        .join('\n')}\n`,
    ),
  ],
  ...(['dmesg', 'journal', 'auditlog'] as const).map((carrier): [string, Buffer] => [
    `generated ${carrier}`,
    Buffer.from(`${[...logLines({ carrier, lines: 20_000, share: 0.2, seed: 7 })].join('\n')}\n`),
  ]),
];

test('filtering changes nothing the pipeline makes, on every fixture, whatever the chunk size', () => {
  for (const [name, bytes] of inputs) {
    const all = run(bytes, false, 1 << 20);
    for (const chunk of [1 << 20, 4096, 333]) {
      const filtered = run(bytes, true, chunk);
      assert.deepEqual(filtered, all, `${name}, chunks of ${chunk}`);
    }
  }
});

test('byte by byte: lines across every chunk boundary come out the same', () => {
  const sample = Buffer.concat([readFileSync('test/fixtures/kernel/audit.log').subarray(0, 6000), readFileSync('test/fixtures/kernel/journal-k-short.txt').subarray(0, 3000), Buffer.from('\n')]);
  assert.deepEqual(run(sample, true, 1), run(sample, false, 1 << 20));
});

test('lines without a marker are counted, not decoded', () => {
  const lines: string[] = [];
  let skipped = 0;
  const s = new LineScanner({ line: (l) => lines.push(l), skip: (n) => (skipped += n) }, { filter: true });
  s.push(Buffer.from('[ 1.0] eth0: link up\n[ 2.0] audit: type=1400 audit(1.2:3): apparmor="DENIED" operation="open"\n[ 3.0] UFW BLOCK\n[ 4.0] x\n'));
  s.end();
  assert.deepEqual(lines, ['[ 2.0] audit: type=1400 audit(1.2:3): apparmor="DENIED" operation="open"']);
  assert.equal(skipped, 3);
});

test('each loss notice and legacy form passes the filter', () => {
  const cases = [
    '[ 5.1] kauditd_printk_skb: 12 callbacks suppressed',
    '[ 5.2] audit: audit_lost=7 audit_rate_limit=0 audit_backlog_limit=64',
    '[ 5.3] audit: backlog limit exceeded',
    '[ 5.4] audit: audit_backlog=65 > audit_backlog_limit=64',
    'Nov 22 03:00:00 h systemd-journald[312]: Suppressed 1200 messages from session-1.scope',
    'Nov 22 03:00:00 h systemd-journald[312]: Missed 44 kernel messages',
    '{"MESSAGE":[97,112],"_TRANSPORT":"kernel"}',
    '{"MESSAGE":null,"_TRANSPORT":"audit"}',
    'type=APPARMOR_DENIED msg=audit(1.2:3): operation="open"',
    '[ 9.9] type=1503 audit(1.2:3): operation="open"',
    'type=UNKNOWN[1503] msg=audit(1.2:3): operation="open"',
  ];
  const lines: string[] = [];
  const s = new LineScanner({ line: (l) => lines.push(l), skip: () => undefined }, { filter: true });
  s.push(Buffer.from(`${cases.map((c) => `[ 0.1] chatter\n${c}`).join('\n')}\n`));
  s.end();
  assert.deepEqual(lines, cases);
  assert.ok(LINE_MARKERS.length >= 10);
});

test("an audit.log event's context lines and a USER_AVC's continuation are delivered without markers", () => {
  const lines: string[] = [];
  let skipped = 0;
  const s = new LineScanner({ line: (l) => lines.push(l), skip: (n) => (skipped += n) }, { filter: true });
  s.push(
    Buffer.from(
      [
        'type=AVC msg=audit(10.1:5): apparmor="DENIED" operation="open" profile="p" name="/x"',
        'type=SYSCALL msg=audit(10.1:5): arch=c000003e syscall=257 success=no exe="/usr/bin/p"',
        'type=PROCTITLE msg=audit(10.1:5): proctitle=2F7573722F62696E2F70',
        'type=SYSCALL msg=audit(10.1:6): arch=c000003e syscall=2 success=yes',
        'type=USER_AVC msg=audit(11.0:7): pid=1 uid=0 msg=\'apparmor="DENIED" operation="dbus_method_call"',
        ' exe="/usr/bin/dbus-daemon" sauid=102\'',
        'type=SERVICE_START msg=audit(12.0:8): unit=cron',
        '',
      ].join('\n'),
    ),
  );
  s.end();
  assert.equal(lines.length, 5);
  assert.match(lines[2], /PROCTITLE/);
  assert.match(lines[4], /dbus-daemon/);
  assert.equal(skipped, 2);
});

test('events whose ids grow past the kept buffer, shrink and repeat: their context lines are delivered, filtered or not', () => {
  const ids = ['10.1:5', `${'9'.repeat(70)}.123:${'8'.repeat(40)}`, '10.1:6', `${'7'.repeat(200)}.1:2`, '10.1:6', '10.1:60'];
  const text = ids
    .flatMap((id) => [
      `type=AVC msg=audit(${id}): apparmor="DENIED" operation="open" profile="p" name="/x" pid=3`,
      `type=SYSCALL msg=audit(${id}): arch=c000003e syscall=257 success=no exe="/usr/bin/p" ppid=1`,
      'type=SERVICE_START msg=audit(12.0:8): unit=cron',
      `type=PROCTITLE msg=audit(${id}): proctitle=2F7573722F62696E2F70`,
    ])
    .join('\n');
  const bytes = Buffer.from(`${text}\n`);
  const want = run(bytes, false, 1 << 20);
  assert.equal(want.records, ids.length - 1); // the second 10.1:6 is a copy of the first
  for (const chunk of [1 << 20, 37]) assert.deepEqual(run(bytes, true, chunk), want, `chunks of ${chunk}`);
  assert.ok(
    want.out.every((l) => l.includes('"exe":"/usr/bin/p"')),
    'every record has its context',
  );
});

test('audit.log events of odd shapes (ids not ASCII, msg=audit( far into the line, lines cut, quotes, lines of no event between): filtered as unfiltered', () => {
  const event = (id: string, node = '') => [
    `${node}type=AVC msg=audit(${id}): apparmor="DENIED" operation="open" profile="p" name="/x" pid=3`,
    `${node}type=SYSCALL msg=audit(${id}): arch=c000003e syscall=257 success=no exe="/usr/bin/p" ppid=1`,
    `${node}type=CWD msg=audit(${id}): cwd=2F`,
    `${node}type=PROCTITLE msg=audit(${id}): proctitle=2F7573722F62696E2F70`,
  ];
  const text = [
    ...event('10.1:5'),
    // a context line with a single-quoted value: the next line is delivered for it
    ...event('10.1:6').map((l) => l.replace('ppid=1', "ppid=1 msg='x=1")),
    'continued\' exe="/usr/bin/q"',
    // ids whose characters are not ASCII (one of them not UTF-8)
    ...event('10.\u00e9:7'),
    ...event('10.1:8'),
    ...event('\u20ac1.1:9'),
    // msg=audit( far into the line (past where the scanner reads an event's id, on a context line
    // only: an event whose own line has it there is not followed), and lines of no event between
    // the event's lines (fewer than the scanner waits through)
    ...event('10.2:1', `node=${'h'.repeat(200)} `),
    ...event('10.2:6').map((l, i) => (i === 1 ? `node=${'h'.repeat(300)} ${l}` : l)),
    ...event('10.2:2').flatMap((l, i) => (i === 2 ? [...Array.from({ length: 60 }, (_, k) => `[ ${k}.0] eth0: link up`), l] : [l])),
    ...event('10.2:3').flatMap((l, i) => (i === 1 ? [' type=SYSCALL msg=audit(10.2:3): syscall=1', `\ttype=PROCTITLE msg=audit(10.2:3): proctitle=41`, l] : [l])),
    ...event('10.2:4'),
  ].join('\n');
  // and a context line whose id holds a byte that is not UTF-8
  const bytes = Buffer.concat([Buffer.from(`${text}\n`), Buffer.from('type=SYSCALL msg=audit(10.2:4\xff): syscall=2\n', 'latin1'), Buffer.from(`${event('10.2:5').join('\n')}\n`)]);
  // lines cut short too (how many were cut is not compared: lines passed over unread are cut uncounted)
  for (const max of [undefined, 120, 40]) {
    const want = { ...run(bytes, false, 1 << 20, max), cut: 0 };
    for (const chunk of [1 << 20, 4096, 61]) assert.deepEqual({ ...run(bytes, true, chunk, max), cut: 0 }, want, `chunks of ${chunk}, lines cut at ${max ?? 'the default'}`);
  }
});

test("util-linux's pretty dmesg --json is read unfiltered (uptime and message on separate lines)", () => {
  const lines: string[] = [];
  const s = new LineScanner({ line: (l) => lines.push(l), skip: () => undefined }, { filter: true });
  const text = readFileSync('test/fixtures/kernel/dmesg.json');
  s.push(text);
  s.end();
  assert.equal(lines.length, text.toString().trimEnd().split('\n').length);
});

test('an over-long line is cut and counted whether or not it is delivered', () => {
  const lines: string[] = [];
  let skipped = 0;
  const s = new LineScanner({ line: (l) => lines.push(l), skip: (n) => (skipped += n) }, { filter: true, max: 64 });
  s.push(Buffer.from(`${'x'.repeat(50)}`));
  s.push(Buffer.from(`${'y'.repeat(50)} apparmor="DENIED"\n`));
  s.push(Buffer.from(`${'z'.repeat(40)}`));
  s.push(Buffer.from(`${'z'.repeat(40)} apparmor="DENIED"\nok apparmor="DENIED"\n`));
  s.end();
  assert.equal(s.cut, 2);
  // the first 64 bytes of each long line: neither holds the marker, so both are passed over
  assert.deepEqual(lines, ['ok apparmor="DENIED"']);
  assert.equal(skipped, 2);
});
