import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DenialStore } from '../../src/tui/denial-store.js';
import { LineParser } from '../../src/parse/line-parser.js';
import { busNameOnly, type AppArmorRecord } from '../../src/model/record.js';
import { denial, status } from './fixtures.js';
import { detailLines } from '../../src/tui/views/denial-detail.js';
import { effectPrefix } from '../../src/tui/views/denial-list.js';
import { MONO_THEME } from '../../src/tui/theme.js';

test('groups denials by profile, operation, target and mask', () => {
  const s = new DenialStore();
  s.add(denial({ pid: '1' }, { time: 1000 }));
  s.add(denial({ pid: '2' }, { time: 3000 }));
  s.add(denial({ requested_mask: 'w', denied_mask: 'w' }, { time: 2000 }));
  s.add(denial({ name: '/etc/passwd' }));
  const snap = s.snapshot();
  assert.equal(snap.groups.length, 3);
  const shadowR = snap.groups.find((i) => i.target === '/etc/shadow' && i.mask === 'r')!;
  assert.equal(shadowR.count, 2);
  assert.deepEqual(shadowR.pids, ['1', '2']);
  assert.equal(shadowR.firstSeen, 1000);
  assert.equal(shadowR.lastSeen, 3000);
  assert.equal(snap.records, 4);
});

test('a denial group takes its worst verdict and counts records by verdict', () => {
  const s = new DenialStore();
  s.add(denial({}, { verdict: 'missing-rule' }));
  s.add(denial({}, { verdict: 'likely-attack' }));
  s.add(denial({}, { verdict: 'missing-rule' }));
  s.add(denial({ name: '/x' }));
  const snap = s.snapshot();
  const g = snap.groups.find((i) => i.target === '/etc/shadow')!;
  assert.equal(g.verdict, 'likely-attack');
  assert.equal(g.classification?.verdict, 'likely-attack');
  assert.equal(snap.verdicts['missing-rule'], 2);
  assert.equal(snap.verdicts['likely-attack'], 1);
  assert.equal(snap.verdicts.unclassified, 1, 'an unclassified record counts as unclassified');
  assert.equal(snap.groups.find((i) => i.target === '/x')!.verdict, 'unclassified');
});

test('STATUS records feed the window and the profile table, not the groups', () => {
  const s = new DenialStore();
  s.add(status('/usr/sbin/nginx'));
  s.add(denial({}));
  const snap = s.snapshot();
  assert.equal(snap.groups.length, 1);
  assert.equal(snap.window.length, 2);
  const p = snap.profiles.find((x) => x.name === '/usr/sbin/nginx')!;
  assert.equal(p.statusEvents, 1);
  assert.equal(p.denials, 1);
});

test('memory is bounded: groups, pids, samples and the record window', () => {
  const s = new DenialStore({ maxGroups: 50, maxWindow: 20 });
  s.add(denial({ name: '/attack' }, { verdict: 'likely-attack' }));
  for (let i = 0; i < 500; i++) s.add(denial({ name: `/f${i}`, pid: String(i) }));
  for (let i = 0; i < 100; i++) s.add(denial({ name: '/same', pid: String(i) }));
  const snap = s.snapshot();
  assert.ok(snap.groups.length <= 50);
  assert.ok(
    snap.groups.some((i) => i.target === '/attack'),
    'the likely attack is spared while others can go',
  );
  assert.ok(snap.loss.evicted > 0, 'forgotten groups are counted');
  assert.equal(snap.loss.dropped, 0, 'evicting a group loses no record: nothing was dropped');
  const same = snap.groups.find((i) => i.target === '/same')!;
  assert.equal(same.count, 100);
  assert.equal(same.pids.length, 16);
  assert.equal(same.pidsMore, 48, 'the pids left out are told apart up to a bound');
  assert.equal(same.pidsMoreAtLeast, true, 'past it the count says it is a lower bound');
  assert.equal(same.samples.length, 5);
  assert.equal(same.samples[0].fields.pid, '0', 'the first records are kept');
  assert.equal(same.samples[4].fields.pid, '99', 'and the latest');
  assert.equal(snap.window.length, 20);
  assert.equal(snap.window[19].fields.pid, '99', 'the window keeps the most recent, in order');
  assert.equal(snap.window[0].fields.pid, '80');
  assert.equal(snap.windowDropped, 601 - 20);
});

test('pause freezes what the view sees while counting what arrives', () => {
  const s = new DenialStore();
  s.add(denial({}));
  const before = s.snapshot();
  s.setPaused(true);
  s.add(denial({ name: '/new' }));
  s.add(denial({ name: '/new2' }));
  const paused = s.snapshot();
  assert.equal(paused.paused, true);
  assert.equal(paused.newSincePause, 2);
  assert.equal(paused.groups.length, before.groups.length);
  assert.equal(paused.records, 1);
  s.setPaused(false);
  const after = s.snapshot();
  assert.equal(after.paused, false);
  assert.equal(after.groups.length, 3);
  assert.equal(after.records, 3);
});

test('snapshots are reused until something changes, and are copies', () => {
  const s = new DenialStore();
  s.add(denial({}));
  const a = s.snapshot();
  assert.equal(s.snapshot(), a);
  s.add(denial({ pid: '9' }));
  const b = s.snapshot();
  assert.notEqual(b, a);
  assert.equal(a.groups[0].count, 1, 'an earlier snapshot does not change under the view');
  assert.equal(b.groups[0].count, 2);
});

test('announcements: only likely-attack groups that appear after arming, once each', () => {
  const s = new DenialStore();
  s.add(denial({ name: '/old' }, { verdict: 'likely-attack' }));
  s.armAnnouncements();
  s.add(denial({ name: '/rule' }, { verdict: 'missing-rule' }));
  s.add(denial({ name: '/new' }, { verdict: 'likely-attack' }));
  s.add(denial({ name: '/new' }, { verdict: 'likely-attack' }));
  s.add(denial({ name: '/old' }, { verdict: 'likely-attack' }));
  s.add(denial({ name: '/rule' }, { verdict: 'likely-attack' }));
  const keys = s.takeAnnouncements();
  assert.equal(keys.length, 2);
  assert.ok(keys[0].includes('/new'));
  assert.ok(keys[1].includes('/rule'), 'a group that becomes a likely attack is announced');
  assert.deepEqual(s.takeAnnouncements(), []);
});

test('loss notices and source drops are counted apart', () => {
  const s = new DenialStore();
  s.addLoss({ kind: 'printk-suppressed', count: 6, source: { name: 'x', line: 1 } });
  s.addLoss({ kind: 'audit-lost', count: 2, source: { name: 'x', line: 2 } });
  s.setHealth([{ name: 'journal', state: 'live', lines: 0, records: 0, restarts: 0, stderrTail: [], dropped: 5 }]);
  const snap = s.snapshot();
  assert.deepEqual(snap.loss, { suppressed: 6, lost: 2, dropped: 5, evicted: 0, recovered: 0 });
});

test("audit_lost is the kernel's running total: the header counts its largest value, not the sum of the notices", () => {
  const s = new DenialStore();
  s.addLoss({ kind: 'audit-lost', count: 5, source: { name: 'x', line: 1 } });
  s.addLoss({ kind: 'audit-lost', count: 7, source: { name: 'x', line: 2 } });
  s.addLoss({ kind: 'audit-backlog', count: 1, source: { name: 'x', line: 3 } });
  assert.equal(s.snapshot().loss.lost, 8);
});

test('an attack that was DENIED and later ALLOWED is reported as happened: the ALLOWED record decides', () => {
  const s = new DenialStore();
  const denied = denial({ operation: 'exec', name: '/usr/bin/dash', requested_mask: 'x', denied_mask: 'x' }, { verdict: 'likely-attack' });
  denied.classification!.reasons = ['stopped'];
  const allowed = denial({ operation: 'exec', name: '/usr/bin/dash', requested_mask: 'x', denied_mask: 'x', apparmor: 'ALLOWED' }, { verdict: 'likely-attack', kind: 'ALLOWED' });
  allowed.classification!.reasons = ['happened'];
  s.add(denied);
  s.add(allowed);
  const later = denial({ operation: 'exec', name: '/usr/bin/dash', requested_mask: 'x', denied_mask: 'x' }, { verdict: 'likely-attack' });
  later.classification!.reasons = ['stopped again'];
  s.add(later);
  const g = s.snapshot().groups.find((i) => i.target === '/usr/bin/dash')!;
  assert.deepEqual(g.classification?.reasons, ['happened'], 'the verdict, advice and reasons come from the record that happened');
  assert.equal(g.worstKind, 'ALLOWED');
  // a more severe verdict still wins over a milder one that happened
  const t = new DenialStore();
  t.add(denial({ name: '/a', apparmor: 'ALLOWED' }, { verdict: 'missing-rule', kind: 'ALLOWED' }));
  t.add(denial({ name: '/a' }, { verdict: 'likely-attack' }));
  assert.equal(t.snapshot().groups[0].verdict, 'likely-attack');
});

test('a socket group names its kind: a raw socket is inet raw, not plain inet', async () => {
  const { LineParser } = await import('../../src/parse/line-parser.js');
  const s = new DenialStore();
  const p = new LineParser('dmesg.txt', { record: (r) => s.add(r) });
  p.push(
    '[  118.155489] audit: type=1400 audit(1795321721.636:14): apparmor="DENIED" operation="create" profile="demo-svc" pid=405 comm="demo-svc" family="inet" sock_type="raw" protocol=1 requested_mask="create" denied_mask="create"',
  );
  p.push(
    '[  118.200000] audit: type=1400 audit(1795321721.700:15): apparmor="DENIED" operation="create" profile="demo-svc" pid=405 comm="demo-svc" family="inet" sock_type="stream" protocol=6 requested_mask="create" denied_mask="create"',
  );
  p.end();
  assert.deepEqual(
    s
      .snapshot()
      .groups.map((i) => i.target)
      .sort(),
    ['inet raw', 'inet stream'],
  );
});

test('a pid left out counts once however often it comes back, and a collapsed row claims no more than it knows', () => {
  const s = new DenialStore();
  for (let i = 0; i < 20; i++) s.add(denial({ pid: String(100 + i) }));
  for (let round = 0; round < 50; round++) for (let i = 16; i < 20; i++) s.add(denial({ pid: String(100 + i) }));
  const g = s.snapshot().groups[0];
  assert.equal(g.count, 220);
  assert.deepEqual([g.pids.length, g.pidsMore, g.pidsMoreAtLeast], [16, 4, undefined]);
});

test("counts a group's records that a program's log line carried, names those programs, and the detail says what that means", () => {
  const s = new DenialStore();
  const forged = (writer: string) => Object.assign(denial({ pid: '7' }, { time: 1000 }), { writer });
  s.add(forged('mallory[4242]'));
  s.add(forged('mallory[4242]'));
  s.add(forged('\u001b[31mevil'));
  let [g] = s.snapshot().groups;
  assert.equal(g.byProgram, 3);
  assert.deepEqual(g.writers, ['mallory[4242]', '\u001b[31mevil']);
  assert.equal(effectPrefix(g), 'UNPROVEN ');
  const text = (lines: ReturnType<typeof detailLines>) => lines.map((l) => l.map((x) => x.text).join('')).join('\n');
  const detail = text(detailLines({ group: g, now: 2000, utc: true, width: 200, theme: MONO_THEME }));
  assert.match(detail, /Every record came from a program's log line \(mallory\[4242\], .*evil\), not from the kernel/);
  assert.ok(!detail.includes('\u001b'), 'a writer is log text: escaped');
  s.add(denial({ pid: '7' }, { time: 1500 }));
  [g] = s.snapshot().groups;
  assert.equal(g.byProgram, 3);
  assert.equal(g.count, 4);
  assert.equal(effectPrefix(g), '', "the kernel's own record proves it");
  assert.match(text(detailLines({ group: g, now: 2000, utc: true, width: 200, theme: MONO_THEME })), /3 of 4 records came from a program's log line .*only the others prove one/);
});

test("a bus daemon's D-Bus denial in a text log is counted as taken at its name, and the detail says how to check it; the journal's JSON and the kernel's lines are not", () => {
  const body =
    'apparmor="DENIED" operation="dbus_method_call"  bus="system" path="/org/freedesktop/login1" interface="org.freedesktop.login1.Manager" member="PowerOff" mask="send" name="org.freedesktop.login1" pid=4242 label="snap.x.x" peer_pid=1 peer_label="unconfined"';
  const json = JSON.stringify({ __REALTIME_TIMESTAMP: '1795317102480000', _TRANSPORT: 'syslog', SYSLOG_IDENTIFIER: 'dbus-daemon', _PID: '4332', _EXE: '/usr/bin/dbus-daemon', MESSAGE: body });
  const records: AppArmorRecord[] = [];
  const parser = new LineParser('t', { record: (r) => records.push(r) }, { year: 2026 });
  // every form whose header names a writer: syslog (journal-short), short-iso, short-monotonic
  const text = [`Nov 22 03:11:42 web-01 dbus-daemon[4332]: ${body}`, `2026-11-22T03:11:43+0000 web-01 dbus-daemon[4332]: ${body}`, `[ 1790.123456] web-01 dbus-daemon[4332]: ${body}`];
  for (const line of [...text, json]) parser.push(line);
  parser.end();
  assert.deepEqual(
    records.map((r) => [r.carrier, busNameOnly(r)]),
    [
      ['journal-short', true],
      ['journal-iso', true],
      ['journal-monotonic', true],
      ['journal-json', false],
    ],
  );
  const s = new DenialStore();
  for (const r of records) s.add(r);
  const [g] = s.snapshot().groups;
  assert.equal(g.count, 4);
  assert.equal(g.byBusName, 3);
  const detail = detailLines({ group: g, now: 2000, utc: true, width: 300, theme: MONO_THEME })
    .map((l) => l.map((x) => x.text).join(''))
    .join('\n');
  assert.match(detail, /3 of 4 records came from the D-Bus daemon's line in a text log, taken at the name the line gives: .*journalctl -o json shows the program/);
  // a kernel line, or the audit channel, carries no writer's name to take
  const kernel = new LineParser('k', { record: (r) => records.push(r) }, { year: 2026 });
  kernel.push(`Nov 22 03:11:42 web-01 kernel: audit: type=1107 audit(1795317102.480:77): pid=1 uid=0 auid=4294967295 ses=4294967295 msg='${body}'`);
  kernel.end();
  assert.equal(busNameOnly(records[4]), false);
});

test("a signal's receipt and a trace's target name the other process: its pid and command are shown as the sender's or tracer's, not the profile's", () => {
  const s = new DenialStore();
  const text = (lines: ReturnType<typeof detailLines>) => lines.map((l) => l.map((x) => x.text).join('')).join('\n');
  // a record of another class than the fixture's file access: no name
  const peerRecord = (fields: Record<string, string>) => {
    const r = denial(fields, { time: 1000 });
    delete r.fields.name;
    return r;
  };
  s.add(
    peerRecord({ operation: 'signal', class: 'signal', profile: 'report-exporter', requested_mask: 'receive', denied_mask: 'receive', signal: 'hup', peer: 'unconfined', pid: '1', comm: 'systemd' }),
  );
  s.add(peerRecord({ operation: 'ptrace', profile: 'docker-default', requested_mask: 'readby', denied_mask: 'readby', peer: 'docker-default', pid: '3181', comm: 'ps' }));
  s.add(
    peerRecord({ operation: 'signal', class: 'signal', profile: 'report-exporter', requested_mask: 'send', denied_mask: 'send', signal: 'term', peer: 'unconfined', pid: '2050', comm: 'exporter' }),
  );
  const groups = s.snapshot().groups;
  const byMask = (m: string) => groups.find((g) => g.mask === m)!;
  assert.match(text(detailLines({ group: byMask('receive'), now: 2000, utc: true, width: 200, theme: MONO_THEME })), /from pids 1 · comm systemd \(the sender's, not report-exporter's\)/);
  assert.match(text(detailLines({ group: byMask('readby'), now: 2000, utc: true, width: 200, theme: MONO_THEME })), /from pids 3181 · comm ps \(the reader's, not docker-default's\)/);
  const own = text(detailLines({ group: byMask('send'), now: 2000, utc: true, width: 200, theme: MONO_THEME }));
  assert.match(own, /· pids 2050 · comm exporter/);
  assert.ok(!own.includes('from pids'), 'a signal it sends is its own process');
});
