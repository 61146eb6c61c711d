import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppArmorRecord } from '../../src/model/record.js';
import { parseLines } from '../support/parse-lines.js';

const BODY = 'apparmor="DENIED" operation="open" class="file" profile="/usr/sbin/nginx" name="/etc/shadow" pid=2211 comm="nginx" requested_mask="r" denied_mask="r" fsuid=33 ouid=0';
const ID = 'audit(1795317102.480:3131)';

const carriers: [string, string, Partial<AppArmorRecord>][] = [
  ['raw dmesg', `[ 1790.123456] audit: type=1400 ${ID}: ${BODY}`, { carrier: 'dmesg', uptime: 1790.123456 }],
  ['dmesg -r', `<5>[ 1790.123456] audit: type=1400 ${ID}: ${BODY}`, { carrier: 'dmesg', uptime: 1790.123456 }],
  ['dmesg -x', `kern  :notice: [ 1790.123456] audit: type=1400 ${ID}: ${BODY}`, { carrier: 'dmesg', uptime: 1790.123456 }],
  ['dmesg -T', `[Sun Nov 22 03:11:42 2026] audit: type=1400 ${ID}: ${BODY}`, { carrier: 'dmesg-ctime' }],
  ['dmesg iso', `2026-11-22T03:11:42,480123+00:00 audit: type=1400 ${ID}: ${BODY}`, { carrier: 'dmesg-iso' }],
  ['journal short', `Nov 22 03:11:42 web-01 kernel: audit: type=1400 ${ID}: ${BODY}`, { carrier: 'journal-short', host: 'web-01' }],
  ['journal short-precise', `Nov 22 03:11:42.480123 web-01 kernel: audit: type=1400 ${ID}: ${BODY}`, { carrier: 'journal-short', host: 'web-01' }],
  ['journal short-iso', `2026-11-22T03:11:42+0000 web-01 kernel: audit: type=1400 ${ID}: ${BODY}`, { carrier: 'journal-iso', host: 'web-01' }],
  ['journal short-monotonic', `[ 1790.123456] web-01 kernel: audit: type=1400 ${ID}: ${BODY}`, { carrier: 'journal-monotonic', host: 'web-01', uptime: 1790.123456 }],
  ['journal short-full', `Sun 2026-11-22 03:11:42 UTC web-01 kernel: audit: type=1400 ${ID}: ${BODY}`, { carrier: 'journal-short', host: 'web-01', channel: 'kernel' }],
  ['journal short-unix', `1795317102.480123 web-01 kernel: audit: type=1400 ${ID}: ${BODY}`, { carrier: 'journal-short', host: 'web-01', channel: 'kernel' }],
  ['raw syslog with its priority', `<4>Nov 22 03:11:42 web-01 kernel: audit: type=1400 ${ID}: ${BODY}`, { carrier: 'journal-short', host: 'web-01', channel: 'kernel' }],
  ['RFC 3339 syslog with its priority', `<4>2026-11-22T03:11:42.480+00:00 web-01 kernel: audit: type=1400 ${ID}: ${BODY}`, { carrier: 'journal-iso', host: 'web-01', channel: 'kernel' }],
  ['RFC 5424 syslog', `<4>1 2026-11-22T03:11:42.480123+00:00 web-01 kernel - - - audit: type=1400 ${ID}: ${BODY}`, { carrier: 'journal-iso', host: 'web-01', channel: 'kernel' }],
  ['journal cat', `audit: type=1400 ${ID}: ${BODY}`, { carrier: 'journal-cat' }],
  ['kern.log with uptime', `Nov 22 03:11:42 web-01 kernel: [ 1790.123456] audit: type=1400 ${ID}: ${BODY}`, { carrier: 'journal-short', host: 'web-01', uptime: 1790.123456 }],
  ['audit.log', `type=AVC msg=${ID}: ${BODY}`, { carrier: 'auditlog', auditType: 'AVC' }],
  ['audit.log with node=', `node=web-01 type=AVC msg=${ID}: ${BODY}\x1dFSUID="www-data" OUID="root"`, { carrier: 'auditlog', host: 'web-01' }],
  ['embedded in other text', `Nov 22 03:11:42 collector fwd[77]: relayed from web-01: audit: type=1400 ${ID}: ${BODY} (end)`, { carrier: 'journal-short', host: 'collector' }],
  // a kernel clock written by a program is its text, not the kernel's uptime
  [
    'embedded after a clock a program wrote',
    `Nov 22 03:11:42 collector fwd[77]: said kernel: [ 0.5] audit: type=1400 ${ID}: ${BODY}`,
    { carrier: 'journal-short', host: 'collector', uptime: undefined },
  ],
];

for (const [label, line, expect] of carriers) {
  test(`carrier: ${label}`, () => {
    const { records, unparsable } = parseLines([line], { year: 2026 });
    assert.equal(unparsable.length, 0);
    assert.equal(records.length, 1);
    const r = records[0];
    assert.equal(r.kind, 'DENIED');
    assert.equal(r.fields.operation, 'open');
    assert.equal(r.fields.profile, '/usr/sbin/nginx');
    assert.equal(r.fields.name, '/etc/shadow');
    assert.equal(r.fields.pid, '2211');
    assert.equal(r.fields.comm, 'nginx');
    assert.equal(r.fields.denied_mask, 'r');
    assert.equal(r.serial, 3131);
    assert.equal(r.auditId, '1795317102.480:3131');
    assert.equal(r.time, 1795317102480, 'time comes from the audit id');
    assert.deepEqual(r.source, { name: 't.log', line: 1 });
    for (const [k, v] of Object.entries(expect)) assert.deepEqual((r as unknown as Record<string, unknown>)[k], v, k);
  });
}

test('journal audit transport: audit[PID]: AVC, no audit id, time from the line', () => {
  const { records } = parseLines([`Nov 22 03:11:42 web-01 audit[2211]: AVC ${BODY}`], { year: 2026 });
  assert.equal(records.length, 1);
  assert.equal(records[0].auditType, 'AVC');
  assert.equal(records[0].host, 'web-01');
  assert.equal(records[0].serial, undefined);
  assert.equal(records[0].time, new Date(2026, 10, 22, 3, 11, 42).getTime());
});

test('syslog date without a year: a date in the future rolls back one year and is marked approximate', () => {
  const now = new Date(2026, 0, 2, 12, 0, 0).getTime();
  const { records } = parseLines([`Dec 31 23:59:59 h audit[1]: AVC ${BODY}`], { now });
  assert.equal(new Date(records[0].time!).getFullYear(), 2025);
  assert.equal(records[0].timeApprox, true);
});

test('raw dmesg uptime becomes approximate wall-clock time only for lines without an audit id', () => {
  const boot = Date.UTC(2026, 10, 22, 2, 41, 12);
  const { loss } = parseLines(['[ 1790.500000] kauditd_printk_skb: 6 callbacks suppressed'], { bootTime: boot });
  assert.deepEqual(
    loss.map((n) => [n.kind, n.count]),
    [['printk-suppressed', 6]],
  );
  const { records } = parseLines([`[ 10.000000] audit: type=1400 ${ID}: ${BODY}`], { bootTime: boot });
  assert.equal(records[0].time, 1795317102480);
  assert.equal(records[0].timeApprox, undefined);
});

test('journal JSON: kernel transport, audit transport with _AUDIT_ID, byte arrays, null and repeated fields', () => {
  const msg = `audit: type=1400 ${ID}: ${BODY}`;
  const kernel = JSON.stringify({ __REALTIME_TIMESTAMP: '1795317102481234', _HOSTNAME: 'web-01', _TRANSPORT: 'kernel', MESSAGE: msg });
  const audit = JSON.stringify({
    __REALTIME_TIMESTAMP: '1795317102490000',
    _SOURCE_REALTIME_TIMESTAMP: '1795317102480000',
    _AUDIT_ID: '3131',
    _AUDIT_TYPE_NAME: 'AVC',
    _HOSTNAME: ['web-01', 'web-01'],
    _TRANSPORT: 'audit',
    MESSAGE: `AVC ${BODY}`,
  });
  const bytes = JSON.stringify({
    __REALTIME_TIMESTAMP: '1795317102500000',
    _HOSTNAME: 'web-01',
    _TRANSPORT: 'kernel',
    MESSAGE: [...Buffer.from(`audit: type=1400 audit(1795317102.500:3140): apparmor="DENIED" operation="open" profile="p" name="/tmp/\xff" pid=1 comm="c"`, 'latin1')],
  });
  const nul = JSON.stringify({ __REALTIME_TIMESTAMP: '1795317102500000', _TRANSPORT: 'kernel', MESSAGE: null });
  const { records, stats } = parseLines([kernel, audit, bytes, nul]);
  assert.equal(records.length, 3);
  assert.equal(records[0].carrier, 'journal-json');
  assert.equal(records[0].time, 1795317102480, 'the audit id wins over __REALTIME_TIMESTAMP');
  assert.equal(records[1].auditId, '1795317102.480:3131', 'the audit transport id is rebuilt from _SOURCE_REALTIME_TIMESTAMP and _AUDIT_ID');
  assert.equal(records[1].host, 'web-01');
  assert.equal(records[2].fields.name, '/tmp/\ufffd');
  assert.equal(stats.nullMessages, 1);
});

test('dmesg --json entries', () => {
  const { records } = parseLines(['{', '   "dmesg": [', `      {"pri": 5, "time":  1790.123456, "msg": ${JSON.stringify(`audit: type=1400 ${ID}: ${BODY}`)}},`, '   ]', '}']);
  assert.equal(records.length, 1);
  assert.equal(records[0].carrier, 'dmesg-json');
  assert.equal(records[0].uptime, 1790.123456);
  assert.equal(records[0].source.line, 3);
});

test('dmesg --json as util-linux 2.38 prints it: one field per line', () => {
  const { records } = parseLines([
    '{',
    '   "dmesg": [',
    '      {',
    '         "pri": 5,',
    '         "time":    76.548354,',
    `         "msg": ${JSON.stringify(`audit: type=1400 ${ID}: ${BODY}`)}`,
    '      },',
    '      {',
    '         "pri": 4,',
    '         "time":    80.000001,',
    '         "msg": "kauditd_printk_skb: 3 callbacks suppressed"',
    '      }',
    '   ]',
    '}',
  ]);
  assert.equal(records.length, 1);
  assert.equal(records[0].carrier, 'dmesg-json');
  assert.equal(records[0].uptime, 76.548354);
  assert.equal(records[0].source.line, 6);
  assert.equal(records[0].fields.name, '/etc/shadow');
});

test('audit.log: SYSCALL and PROCTITLE of the same event become the record context', () => {
  const id = 'audit(1795317102.480:3131)';
  const { records } = parseLines([
    `type=AVC msg=${id}: ${BODY}\x1dFSUID="www-data" OUID="root"`,
    `type=SYSCALL msg=${id}: arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c ppid=1900 pid=2211 comm="nginx" exe="/usr/sbin/nginx" key=(null)\x1dARCH=x86_64 SYSCALL=openat`,
    `type=PROCTITLE msg=${id}: proctitle=${Buffer.from('sh\0-c\0cat /etc/shadow').toString('hex').toUpperCase()}`,
  ]);
  assert.equal(records.length, 1);
  assert.deepEqual(records[0].context, { syscall: 'openat', exe: '/usr/sbin/nginx', success: 'no', exit: '-13', ppid: '1900', proctitle: 'sh -c cat /etc/shadow' });
  assert.equal(records[0].fields.FSUID, 'www-data');
});

test('USER_AVC from dbus-daemon, broken by a newline before exe=', () => {
  const { records, unparsable } = parseLines([
    `type=USER_AVC msg=audit(1795316530.221:3121): pid=611 uid=103 auid=4294967295 ses=4294967295 subj=unconfined msg='apparmor="DENIED" operation="dbus_method_call"  bus="system" path="/org/freedesktop/DBus" interface="org.freedesktop.DBus" member="Hello" mask="send" name="org.freedesktop.DBus" pid=2098 label="snap.foo.bar" peer_pid=1 peer_label="unconfined"`,
    ` exe="/usr/bin/dbus-daemon" sauid=103 hostname=? addr=? terminal=?'`,
  ]);
  assert.equal(unparsable.length, 0);
  assert.equal(records.length, 1);
  const f = records[0].fields;
  assert.equal(f.operation, 'dbus_method_call');
  assert.equal(f.pid, '2098', 'the inner pid is the sender; the outer one is dbus-daemon');
  assert.equal(f.uid, '103');
  assert.equal(f.exe, '/usr/bin/dbus-daemon');
  assert.equal(records[0].auditType, 'USER_AVC');
});

test('several records on one line, and hex-encoded values', () => {
  const hex = (s: string) => Buffer.from(s).toString('hex').toUpperCase();
  const line = `audit: type=1400 audit(1.001:1): apparmor="DENIED" operation="open" profile="a" name=${hex('/srv/a b/café')} pid=1 comm=${hex('my prog')} audit: type=1400 audit(1.002:2): apparmor="ALLOWED" operation="open" profile=${hex('x y')} name="/b" pid=2 comm="y"`;
  const { records } = parseLines([line]);
  assert.equal(records.length, 2);
  assert.equal(records[0].fields.name, '/srv/a b/café');
  assert.equal(records[0].fields.comm, 'my prog');
  assert.equal(records[0].serial, 1);
  assert.equal(records[1].kind, 'ALLOWED');
  assert.equal(records[1].fields.profile, 'x y');
  assert.equal(records[1].serial, 2);
});

test('quoted values with spaces, =, and escaped quotes; bare pid is not hex-decoded', () => {
  const { records } = parseLines([`apparmor="DENIED" operation="dbus_signal" info="a = b \\"c\\" d" pid=1234 comm="x" name="/a//b&c:d"`]);
  assert.equal(records[0].fields.info, 'a = b "c" d');
  assert.equal(records[0].fields.pid, '1234');
  assert.equal(records[0].fields.name, '/a//b&c:d');
});

test('legacy forms: type=1503 and type=APPARMOR_DENIED', () => {
  const { records } = parseLines([
    'type=1503 audit(1229534226.181:67): operation="inode_permission" requested_mask="::r" denied_mask="::r" fsuid=0 name="/etc/ld.so.cache" pid=1234 profile="/bin/ping"',
    'type=APPARMOR_DENIED msg=audit(1229534226.182:68): operation="open" name="/x" pid=1 profile="/bin/ping" requested_mask="r" denied_mask="r"',
  ]);
  assert.deepEqual(
    records.map((r) => r.kind),
    ['DENIED', 'DENIED'],
  );
  assert.equal(records[0].fields.name, '/etc/ld.so.cache');
});

test('loss notices are reported, not dropped', () => {
  const { loss } = parseLines([
    '[  100.1] kauditd_printk_skb: 17 callbacks suppressed',
    '[  100.2] audit: audit_lost=42 audit_rate_limit=0 audit_backlog_limit=64',
    '[  100.3] audit: backlog limit exceeded',
    'Nov 22 03:00:00 h systemd-journald[288]: Suppressed 1234 messages from /system.slice/nginx.service',
    'Nov 22 03:00:00 h systemd-journald[288]: Missed 56 kernel messages',
  ]);
  assert.deepEqual(
    loss.map((n) => [n.kind, n.count]),
    [
      ['printk-suppressed', 17],
      ['audit-lost', 42],
      ['audit-backlog', 1],
      ['journal-suppressed', 1234],
      ['journal-missed', 56],
    ],
  );
});

test("loss notices count only from their writer, at the start of its message: a program's text is no loss", () => {
  const { loss } = parseLines(
    [
      // the real ones, in every text form that names its writer
      'Nov 22 03:00:00 h kernel: kauditd_printk_skb: 3 callbacks suppressed',
      'Nov 22 03:00:00 h kernel: [  100.1] kauditd_printk_skb: 4 callbacks suppressed',
      '2026-11-22T03:00:00+0000 h kernel: audit: audit_lost=5 audit_rate_limit=0 audit_backlog_limit=64',
      '[  100.1] h kernel: audit: backlog limit exceeded',
      'kauditd_printk_skb: 6 callbacks suppressed',
      '{"MESSAGE":"kauditd_printk_skb: 7 callbacks suppressed","_TRANSPORT":"kernel","__REALTIME_TIMESTAMP":"1795316400000000"}',
      '{"MESSAGE":"Suppressed 8 messages from /system.slice/nginx.service","_TRANSPORT":"driver","SYSLOG_IDENTIFIER":"systemd-journald"}',
      '{"MESSAGE":"Missed 9 kernel messages","_TRANSPORT":"driver","SYSLOG_IDENTIFIER":"systemd-journald"}',
      '{"MESSAGE":"audit: audit_lost=10 audit_rate_limit=0 audit_backlog_limit=64","_TRANSPORT":"kernel"}',
      '{"MESSAGE":"audit: backlog limit exceeded","_TRANSPORT":"kernel"}',
      '{"MESSAGE":"audit: audit_backlog=65 > audit_backlog_limit=64","_TRANSPORT":"kernel"}',
      'Sun 2026-11-22 03:00:00 UTC h kernel: kauditd_printk_skb: 11 callbacks suppressed',
      '1795316400.000000 h kernel: kauditd_printk_skb: 12 callbacks suppressed',
      '<4>Nov 22 03:00:00 h kernel: kauditd_printk_skb: 13 callbacks suppressed',
      '<4>1 2026-11-22T03:00:00Z h kernel - - - kauditd_printk_skb: 14 callbacks suppressed',
      // what any local user can write: `logger 'kauditd_printk_skb: 999 callbacks suppressed'`, also as `-t kernel`
      'Nov 22 03:00:01 h mallory[4242]: kauditd_printk_skb: 999 callbacks suppressed',
      'Nov 22 03:00:01 h mallory[4242]: audit: audit_lost=777 audit_rate_limit=0 audit_backlog_limit=64',
      'Nov 22 03:00:01 h mallory[4242]: audit: backlog limit exceeded',
      'Nov 22 03:00:01 h mallory[4242]: Suppressed 555 messages from /system.slice/nginx.service',
      'Nov 22 03:00:01 h mallory[4242]: Missed 555 kernel messages',
      'Nov 22 03:00:01 h kernel[4242]: kauditd_printk_skb: 999 callbacks suppressed',
      'Nov 22 03:00:01 h kernel: mallory says kauditd_printk_skb: 999 callbacks suppressed',
      'Sun 2026-11-22 03:00:01 UTC h mallory[4242]: kauditd_printk_skb: 999 callbacks suppressed',
      '1795316401.000000 h mallory[4242]: kauditd_printk_skb: 999 callbacks suppressed',
      '<13>Nov 22 03:00:01 h mallory[4242]: kauditd_printk_skb: 999 callbacks suppressed',
      '<13>1 2026-11-22T03:00:01Z h mallory 4242 - - kauditd_printk_skb: 999 callbacks suppressed',
      'Nov 22 03:00:01 h systemd-journald[1]: mallory says Suppressed 555 messages',
      '{"MESSAGE":"kauditd_printk_skb: 999 callbacks suppressed","_TRANSPORT":"syslog","SYSLOG_IDENTIFIER":"kernel"}',
      '{"MESSAGE":"Suppressed 555 messages from x","_TRANSPORT":"syslog","SYSLOG_IDENTIFIER":"systemd-journald"}',
      '{"MESSAGE":"audit: audit_lost=777","_TRANSPORT":"stdout"}',
    ],
    { year: 2026 },
  );
  assert.deepEqual(
    loss.map((n) => [n.kind, n.count]),
    [
      ['printk-suppressed', 3],
      ['printk-suppressed', 4],
      ['audit-lost', 5],
      ['audit-backlog', 1],
      ['printk-suppressed', 6],
      ['printk-suppressed', 7],
      ['journal-suppressed', 8],
      ['journal-missed', 9],
      ['audit-lost', 10],
      ['audit-backlog', 1],
      ['audit-backlog', 1],
      ['printk-suppressed', 11],
      ['printk-suppressed', 12],
      ['printk-suppressed', 13],
      ['printk-suppressed', 14],
    ],
  );
  assert.equal(loss[1].uptime, 100.1, "kern.log's uptime");
  assert.equal(loss[3].uptime, 100.1, "the journal's monotonic clock");
});

test("journalctl's short-full and short-unix clocks, and RFC 5424's, give a record without an audit id its time", () => {
  const avc = `AVC ${BODY}`;
  const { records } = parseLines(
    [
      `Sun 2026-11-22 03:11:42 UTC web-01 audit[2211]: ${avc}`,
      `Sun 2026-11-22 05:11:42 +02 web-01 audit[2211]: ${avc}`,
      `Sun 2026-11-22 04:11:42 CET web-01 audit[2211]: ${avc}`,
      `1795317102.480123 web-01 audit[2211]: ${avc}`,
      `<14>1 2026-11-22T03:11:42.480123Z web-01 audit 2211 - - ${avc}`,
    ],
    { year: 2026 },
  );
  assert.deepEqual(
    records.map((r) => [r.channel, r.auditType, r.time, r.timeApprox]),
    [
      ['audit', 'AVC', Date.UTC(2026, 10, 22, 3, 11, 42), undefined],
      ['audit', 'AVC', Date.UTC(2026, 10, 22, 3, 11, 42), undefined],
      // an abbreviation names no zone for sure (CST is three): this machine's local time, an estimate
      ['audit', 'AVC', new Date(2026, 10, 22, 4, 11, 42).getTime(), true],
      ['audit', 'AVC', 1795317102480, undefined],
      ['audit', 'AVC', 1795317102480, undefined],
    ],
  );
});

test("a line from `kernel[PID]` is a program's, not the kernel's", () => {
  const { records } = parseLines([`Nov 22 03:11:42 web-01 kernel[4242]: audit: type=1400 ${ID}: ${BODY}`], { year: 2026 });
  assert.equal(records.length, 1);
  assert.equal(records[0].channel, undefined);
  const real = parseLines([`Nov 22 03:11:42 web-01 kernel: audit: type=1400 ${ID}: ${BODY}`], { year: 2026 });
  assert.equal(real.records[0].channel, 'kernel');
});

/** A D-Bus denial as a bus daemon's journal entry (syslog transport), with journald's fields `more`. */
function dbusJson(more: string): string {
  const msg =
    'apparmor="DENIED" operation="dbus_method_call"  bus="system" path="/org/freedesktop/login1" interface="org.freedesktop.login1.Manager" member="PowerOff" mask="send" name="org.freedesktop.login1" pid=4242 label="snap.evil.evil" peer_pid=1 peer_label="unconfined"';
  return JSON.stringify({ __REALTIME_TIMESTAMP: '1795317102480000', _TRANSPORT: 'syslog', SYSLOG_IDENTIFIER: 'dbus-daemon', _PID: '4332', MESSAGE: msg, ...JSON.parse(`{${more}}`) });
}

test("a record a program's log line carried names that program; the kernel's and the audit subsystem's name none", () => {
  const json = (transport: string, more = '') =>
    `{"MESSAGE":"audit: type=1400 ${ID.replace(/"/g, '\\"')}: ${BODY.replace(/"/g, '\\"')}","_TRANSPORT":"${transport}"${more},"__REALTIME_TIMESTAMP":"1795317102480000"}`;
  const cases: [string, string | undefined, string | undefined][] = [
    [`Nov 22 03:11:42 web-01 nginx[1234]: audit: type=1400 ${ID}: ${BODY}`, 'nginx[1234]', undefined],
    [`Nov 22 03:11:42 web-01 kernel[4242]: audit: type=1400 ${ID}: ${BODY}`, 'kernel[4242]', undefined],
    [`2026-11-22T03:11:42+0000 web-01 relay: audit: type=1400 ${ID}: ${BODY}`, 'relay', undefined],
    [`[ 1.000000] web-01 mallory[9]: audit: type=1400 ${ID}: ${BODY}`, 'mallory[9]', undefined],
    // journalctl's other short forms, and syslog as a raw stream or a network capture keeps it
    [`Sun 2026-11-22 03:11:42 UTC web-01 mallory[9]: audit: type=1400 ${ID}: ${BODY}`, 'mallory[9]', undefined],
    [`Sun 2026-11-22 04:11:42 CET web-01 mallory[9]: audit: type=1400 ${ID}: ${BODY}`, 'mallory[9]', undefined],
    [`1795317102.480123 web-01 mallory[9]: audit: type=1400 ${ID}: ${BODY}`, 'mallory[9]', undefined],
    [`<13>Nov 22 03:11:42 web-01 mallory[9]: audit: type=1400 ${ID}: ${BODY}`, 'mallory[9]', undefined],
    [`<13>2026-11-22T03:11:42+00:00 web-01 mallory[9]: audit: type=1400 ${ID}: ${BODY}`, 'mallory[9]', undefined],
    [`<13>1 2026-11-22T03:11:42.480123+00:00 web-01 mallory 9 - - audit: type=1400 ${ID}: ${BODY}`, 'mallory[9]', undefined],
    [`<13>1 2026-11-22T03:11:42Z web-01 mallory - ID47 [origin software="x"] audit: type=1400 ${ID}: ${BODY}`, 'mallory', undefined],
    [`[Sun Nov 22 03:11:42 2026] web-01 mallory[9]: audit: type=1400 ${ID}: ${BODY}`, 'mallory[9]', undefined],
    [json('syslog', ',"SYSLOG_IDENTIFIER":"mallory","_PID":"9"'), 'mallory[9]', undefined],
    [json('stdout', ',"_COMM":"php-fpm"'), 'php-fpm', undefined],
    [json('journal'), 'a program', undefined],
    [`Nov 22 03:11:42 web-01 kernel: audit: type=1400 ${ID}: ${BODY}`, undefined, 'kernel'],
    [`Nov 22 03:11:42 web-01 audit[2211]: AVC ${BODY}`, undefined, 'audit'],
    [`[ 1790.123456] audit: type=1400 ${ID}: ${BODY}`, undefined, 'kernel'],
    [`type=AVC msg=${ID}: ${BODY}`, undefined, 'audit'],
    [json('kernel'), undefined, 'kernel'],
    [json('audit'), undefined, 'audit'],
    // the D-Bus daemon tells its own denials this way on a session bus (no audit there): its line is the record
    [
      'Apr  3 12:16:30 simon-lemur dbus-daemon[4332]: apparmor="DENIED" operation="dbus_signal"  bus="session" path="/org/gnome/ScreenSaver" interface="org.gnome.ScreenSaver" member="ActiveChanged" name=":1.21" mask="receive" pid=26056 label="snap.keepassxc.keepassxc" peer_pid=4466 peer_label="unconfined"',
      undefined,
      undefined,
    ],
    [`Nov 22 03:11:42 web-01 dbus-daemon[4332]: audit: type=1400 ${ID}: ${BODY}`, 'dbus-daemon[4332]', undefined],
    // in the journal, the executable journald read from the process decides, not the identifier a
    // program gives itself (`logger -t dbus-daemon`), nor its command name (prctl can set that)
    [dbusJson('"_EXE":"/usr/bin/dbus-daemon","_COMM":"dbus-daemon"'), undefined, undefined],
    [dbusJson('"_EXE":"/usr/bin/dbus-broker","_COMM":"dbus-broker"'), undefined, undefined],
    [dbusJson('"_EXE":"/usr/bin/dbus-daemon (deleted)"'), undefined, undefined],
    [dbusJson('"_EXE":"/usr/bin/logger","_COMM":"logger"'), 'dbus-daemon[4332]', undefined],
    [dbusJson('"_COMM":"dbus-daemon"'), 'dbus-daemon[4332]', undefined],
    [dbusJson('"_EXE":"/home/mallory/bin/dbus-daemon","_COMM":"dbus-daemon"'), 'dbus-daemon[4332]', undefined],
    [dbusJson('"_EXE":"/usr/../home/mallory/dbus-daemon"'), 'dbus-daemon[4332]', undefined],
    [dbusJson(''), 'dbus-daemon[4332]', undefined],
  ];
  for (const [line, writer, channel] of cases) {
    const { records } = parseLines([line], { year: 2026 });
    assert.equal(records.length, 1, line);
    assert.equal(records[0].writer, writer, line);
    // a program's `audit: ...` message is no kernel line, whatever its text says
    assert.equal(records[0].channel, channel, line);
  }
});

test('garbage: cut lines and unknown kinds are counted with their line number; chatter is not', () => {
  const { records, unparsable, stats } = parseLines([
    'AppArmor: AppArmor Filesystem Enabled',
    'Nov 22 03:03:20 web-01 kernel: audit: type=1400 audit(1795316600.000:3125): apparmor="DEN',
    'x apparmor="what?" y',
    'e1000e 0000:00:19.0 eth0: NIC Link is Up',
  ]);
  assert.equal(records.length, 0);
  assert.deepEqual(
    unparsable.map((u) => u.source.line),
    [2, 3],
  );
  assert.equal(stats.other, 2);
});
