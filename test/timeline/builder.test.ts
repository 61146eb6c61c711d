import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { ActionJournalEntry } from '../../src/model/action.js';
import type { AppArmorRecord, Verdict } from '../../src/model/record.js';
import { buildTimeline, TimelineBuilder } from '../../src/timeline/builder.js';
import { rootProfile } from '../../src/timeline/incident-state.js';
import { actionIntentText, otherAccessesText, pidsText } from '../../src/timeline/describe.js';
import { journalEntry } from './helpers.js';

const T0 = Date.UTC(2026, 10, 22, 3, 0, 0);
let line = 0;

function rec(o: {
  t?: number;
  profile?: string;
  name?: string;
  pid?: string;
  kind?: string;
  verdict?: Verdict;
  op?: string;
  uptime?: number;
  source?: string;
  host?: string;
  ppid?: string;
  fields?: Record<string, string>;
}): AppArmorRecord {
  const fields: Record<string, string> = {
    apparmor: o.kind ?? 'DENIED',
    operation: o.op ?? 'open',
    profile: o.profile ?? '/usr/sbin/nginx',
    name: o.name ?? '/etc/x',
    pid: o.pid ?? '100',
    comm: 'nginx',
    requested_mask: 'r',
    denied_mask: 'r',
    ...o.fields,
  };
  const r: AppArmorRecord = { kind: o.kind ?? 'DENIED', fields, carrier: 'journal-iso', source: { name: o.source ?? 'test.log', line: ++line }, raw: '' };
  if (o.t !== undefined) r.time = T0 + o.t;
  if (o.uptime !== undefined) r.uptime = o.uptime;
  if (o.host !== undefined) r.host = o.host;
  if (o.verdict) r.classification = { verdict: o.verdict, confidence: 1, reasons: [`reason ${o.verdict}`] };
  if (o.ppid !== undefined) (r as { context?: unknown }).context = { ppid: o.ppid };
  return r;
}

const action = (t: number, extra: Partial<ActionJournalEntry> = {}): ActionJournalEntry => journalEntry(T0 + t, extra);

describe('grouping', () => {
  it('splits one profile into two incidents after a quiet gap, and keeps different profiles apart', () => {
    const t = buildTimeline([rec({ t: 0 }), rec({ t: 60_000, pid: '101' }), rec({ t: 60_500, profile: 'other' }), rec({ t: 60_000 + 301_000, pid: '102' })], [], { gapSeconds: 300 });
    assert.deepEqual(
      t.incidents.map((i) => [i.profile, i.records, i.pids]),
      [
        ['/usr/sbin/nginx', 2, ['100', '101']],
        ['other', 1, ['100']],
        ['/usr/sbin/nginx', 1, ['102']],
      ],
    );
  });

  it('treats children, hats and null profiles as their parent, keeps stacks whole', () => {
    assert.equal(rootProfile('thumbnail-renderer//helper'), 'thumbnail-renderer');
    assert.equal(rootProfile('/usr/bin/x//null-/usr/bin/y'), '/usr/bin/x');
    assert.equal(rootProfile('a//&b'), 'a//&b');
    assert.equal(rootProfile('unconfined'), 'unconfined');
  });

  it('follows a process tree: a child (ppid known) joins the attack, not the concurrent missing-rule burst', () => {
    const t = buildTimeline(
      [
        rec({ t: 0, pid: '1900', verdict: 'missing-rule', name: '/usr/share/GeoIP/x' }),
        rec({ t: 1000, pid: '2211', verdict: 'likely-attack', name: '/usr/bin/dash' }),
        rec({ t: 2000, pid: '1900', verdict: 'missing-rule', name: '/run/nginx.pid' }),
        // the shell's child does something unremarkable: lineage, not its verdict, places it
        rec({ t: 3000, pid: '2300', ppid: '2211', verdict: 'unclear', name: '/etc/hostname' }),
        rec({ t: 4000, pid: '2211', verdict: 'unclear', name: '/proc/1/environ' }),
      ],
      [],
    );
    assert.deepEqual(
      t.incidents.map((i) => [i.verdict, i.pids]),
      [
        ['missing-rule', ['1900']],
        ['likely-attack', ['2211', '2300']],
      ],
    );
  });

  it('keeps hosts apart when both records name theirs; a record without a host joins the latest', () => {
    const t = buildTimeline([rec({ t: 0, host: 'a' }), rec({ t: 1000, host: 'b' }), rec({ t: 2000 })], []);
    assert.deepEqual(
      t.incidents.map((i) => [i.hosts, i.records]),
      [
        [['a'], 1],
        [['b'], 2],
      ],
    );
  });

  it('places a record that came out of order (a second log) into the incident its time belongs to', () => {
    const t = buildTimeline([rec({ t: 0 }), rec({ t: 10_000 }), rec({ t: 5_000, source: 'audit.log' })], []);
    assert.equal(t.incidents.length, 1);
    assert.equal(t.incidents[0].records, 3);
  });

  it('stands an undated record with the profile it names, counted as undated', () => {
    const t = buildTimeline([rec({ t: 0 }), rec({ name: '/etc/undated' })], []);
    assert.equal(t.incidents.length, 1);
    assert.equal(t.incidents[0].records, 2);
    assert.equal(t.summary.undated, 1);
    const k = t.incidents[0].keyRecords.find((x) => x.at.basis === 'position');
    assert.ok(k && k.at.approx);
  });

  it('does not join an incident across a reboot (uptime started over)', () => {
    const t = buildTimeline([rec({ t: 0, uptime: 5000, pid: '300' }), rec({ t: 60_000, uptime: 3, pid: '300' })], []);
    assert.equal(t.summary.boots, 1);
    assert.equal(t.incidents.length, 2);
    const boot = t.events.find((e) => e.type === 'boot');
    assert.ok(boot && boot.type === 'boot' && boot.detectedBy === 'uptime-reset');
    assert.equal(boot.at.time, T0 + 60_000 - 3000);
  });
});

describe('key records', () => {
  it('counts repeats once, and never lets a flood of missing rules push out the attack records', () => {
    const recs: AppArmorRecord[] = [];
    for (let i = 0; i < 150; i++) recs.push(rec({ t: i * 10, name: `/usr/share/lib${i}.so`, verdict: 'missing-rule' }));
    recs.push(rec({ t: 5000, name: '/etc/shadow', verdict: 'likely-attack' }));
    for (let i = 0; i < 50; i++) recs.push(rec({ t: 5100 + i, name: '/usr/share/lib1.so', verdict: 'missing-rule' }));
    const t = buildTimeline(recs, [], { maxKeyRecords: 5 });
    const inc = t.incidents[0];
    assert.equal(inc.records, 201);
    assert.equal(inc.verdict, 'likely-attack');
    assert.equal(inc.keyRecords.length, 5);
    assert.ok(inc.keyRecords.some((k) => k.target === '/etc/shadow'));
    assert.equal(inc.otherAccesses, 146);
    const times = inc.keyRecords.map((k) => k.at.time!);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      'listed in time order',
    );
    assert.equal(inc.keyRecords.reduce((n, k) => n + k.count, 0) + inc.otherRecords, 201);
  });

  it('counts an access it did not list once, however often it comes back', () => {
    const recs: AppArmorRecord[] = [];
    // 70 distinct accesses: the first 5 are listed, the other 65 dropped as they come
    for (let i = 0; i < 70; i++) recs.push(rec({ t: i * 10, name: `/srv/data/f${i}`, verdict: 'missing-rule' }));
    // a dropped one again, ten times
    for (let i = 0; i < 10; i++) recs.push(rec({ t: 1000 + i, name: '/srv/data/f66', verdict: 'missing-rule' }));
    const inc = buildTimeline(recs, [], { maxKeyRecords: 5 }).incidents[0];
    assert.equal(inc.otherAccesses, 65);
    assert.equal(inc.otherRecords, 75);
    assert.equal(inc.otherAccessesEstimated, undefined);
    assert.equal(inc.keyRecords.reduce((n, k) => n + k.count, 0) + inc.otherRecords, 80);
  });

  it('past the accesses it tells apart, says about how many, from a sketch of every one, and never less than it knows', () => {
    const recs: AppArmorRecord[] = [];
    // 5 listed, 5,000 other distinct accesses, each come back once more later
    for (let i = 0; i < 5 + 5000; i++) recs.push(rec({ t: i, name: `/srv/data/f${i}`, verdict: 'missing-rule' }));
    for (let i = 0; i < 5000; i++) recs.push(rec({ t: 6000 + i, name: `/srv/data/f${i + 5}`, verdict: 'missing-rule' }));
    const inc = buildTimeline(recs, [], { maxKeyRecords: 5 }).incidents[0];
    assert.equal(inc.otherAccessesEstimated, true);
    assert.ok(inc.otherAccesses > 5000 * 0.8 && inc.otherAccesses < 5000 * 1.2, String(inc.otherAccesses));
    assert.equal(inc.otherRecords, 10_000);
    assert.match(otherAccessesText(inc), /^about [45],[0-9]00 other distinct accesses \(10000 records\) not listed$/);
    // just past the bound: still more than it told apart
    const few: AppArmorRecord[] = [];
    for (let i = 0; i < 5 + 193; i++) few.push(rec({ t: i, name: `/srv/data/f${i}`, verdict: 'missing-rule' }));
    const inc2 = buildTimeline(few, [], { maxKeyRecords: 5 }).incidents[0];
    assert.equal(inc2.otherAccessesEstimated, true);
    assert.ok(inc2.otherAccesses > 192, String(inc2.otherAccesses));
  });

  it('past the pids it tells apart, says about how many more', () => {
    const recs: AppArmorRecord[] = [];
    for (let i = 0; i < 20_000; i++) recs.push(rec({ t: i, pid: String(3000 + (i % 10_000)) }));
    const inc = buildTimeline(recs, [], {}).incidents[0];
    assert.equal(inc.morePidsEstimated, true);
    assert.ok(inc.morePids > 10_000 * 0.8 && inc.morePids < 10_000 * 1.2, String(inc.morePids));
    assert.match(
      pidsText(inc, (s) => s),
      / and about [0-9,]+ more$/,
    );
  });

  it('counts a pid past the tracked ones once, however often it comes back', () => {
    const recs: AppArmorRecord[] = [];
    for (let i = 0; i < 300; i++) recs.push(rec({ t: i, pid: String(1000 + i) }));
    // pids past the 256 tracked, again and again; and one written otherwise than plainly
    for (let i = 0; i < 20; i++) recs.push(rec({ t: 400 + i, pid: String(1000 + 290 + (i % 3)) }));
    for (let i = 0; i < 5; i++) recs.push(rec({ t: 500 + i, pid: '0777' }));
    const inc = buildTimeline(recs, [], {}).incidents[0];
    assert.equal(inc.pids.length, 16);
    assert.equal(inc.morePids, 301 - 16);
    assert.equal(inc.morePidsEstimated, undefined);
    assert.match(
      pidsText(inc, (s) => s),
      / and 285 more$/,
    );
  });

  it('keeps pids as their text whatever their form, and follows lineage by the exact text', () => {
    // plain numbers are held as numbers: the text shown and the lineage must be the log's text still
    const pids = ['7', '0042', '42', '1000000000', '4294967295', '99999999999999999999', '+5', ' 8', '3e2', 'abc'];
    const t = buildTimeline(
      [
        ...pids.map((pid, i) => rec({ t: i, pid, verdict: 'likely-attack', name: '/usr/bin/dash' })),
        // a missing rule joins the attack only through its parent: '042' is not the pid '42'
        rec({ t: 20, pid: '500', ppid: '042', verdict: 'missing-rule', name: '/etc/a' }),
        rec({ t: 21, pid: '501', ppid: '0042', verdict: 'missing-rule', name: '/etc/b' }),
        rec({ t: 22, pid: '502', ppid: '300', verdict: 'missing-rule', name: '/etc/c' }),
        rec({ t: 23, pid: '503', ppid: '3e2', verdict: 'missing-rule', name: '/etc/d' }),
      ],
      [],
    );
    assert.deepEqual(
      t.incidents.map((i) => [i.verdict, i.pids, i.morePids]),
      [
        ['likely-attack', [...pids, '501', '503'], 0],
        ['missing-rule', ['500', '502'], 0],
      ],
    );
  });

  it('key records keep the texts of their records, one copy for equal texts, past the bound of texts remembered', () => {
    const n = 10_000;
    const records = Array.from({ length: n }, (_, i) => {
      // every 7th target longer than the texts remembered
      const r = rec({ t: i, profile: `profile-number-${i % 3000}`, name: `/srv/a/long/enough/path/${i}${i % 7 ? '' : '/x'.repeat(300)}`, pid: String(1000 + i), verdict: 'missing-rule' });
      r.classification!.reasons = [`a reason long enough to be kept once: ${i % 5000}`, 'the same reason for every record, long'];
      return r;
    });
    const t = buildTimeline(records, []);
    assert.equal(t.incidents.length, 3000);
    let seen = 0;
    for (const inc of t.incidents)
      for (const k of inc.keyRecords) {
        const i = Number(k.pid) - 1000;
        assert.equal(k.target, `/srv/a/long/enough/path/${i}${i % 7 ? '' : '/x'.repeat(300)}`);
        assert.equal(k.profile, `profile-number-${i % 3000}`);
        assert.deepEqual(k.reasons, [`a reason long enough to be kept once: ${i % 5000}`, 'the same reason for every record, long']);
        seen++;
      }
    assert.equal(seen, n);
  });

  it('stays bounded on a large stream: aggregates only, capped lists', () => {
    const b = new TimelineBuilder({ maxEvents: 100 });
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      b.addRecord(rec({ t: i * 5, pid: String(1000 + (i % 5000)), name: `/srv/data/f${i % 20_000}`, profile: `p${i % 7}` }));
      if (i % 1000 === 0) b.addRecord(rec({ t: i * 5, kind: 'STATUS', op: 'profile_replace', profile: 'unconfined', name: `q${i}` }));
    }
    const t = b.snapshot();
    assert.equal(t.summary.records, n + n / 1000);
    assert.equal(t.incidents.length, 7);
    for (const inc of t.incidents) {
      assert.ok(inc.keyRecords.length <= 12);
      assert.ok(inc.pids.length <= 16);
      assert.ok(inc.morePids > 0);
    }
    assert.ok(t.events.length <= 100 + 7, `events capped: ${t.events.length}`);
    assert.equal(t.summary.omittedEvents, n / 1000 - 100);
  });
});

describe('actions', () => {
  it('joins the incident its trigger is in, extends it, and reads the result', () => {
    const trigger = { auditId: `${(T0 + 1000) / 1000}.000:7`, verdict: 'missing-rule' };
    const t = buildTimeline(
      [rec({ t: 0 }), rec({ t: 1000 }), rec({ t: 400_000 + 1000, kind: 'STATUS', op: 'profile_replace', profile: 'unconfined', name: '/usr/sbin/nginx' }), rec({ t: 400_000 + 5000, kind: 'ALLOWED' })],
      [action(400_000, { trigger }), action(400_000 + 2000, { phase: 'result', outcome: 'verified', modeAfter: 'complain', modeBefore: 'enforce' })],
      { gapSeconds: 300 },
    );
    assert.equal(t.incidents.length, 1, 'the action keeps the incident open past the gap');
    const inc = t.incidents[0];
    assert.deepEqual(inc.actionIds, ['a1']);
    assert.equal(inc.records, 3);
    assert.equal(inc.profileChanges.length, 1);
    const a = t.actions[0];
    assert.equal(a.outcome, 'verified');
    assert.equal(a.confirmedBy?.operation, 'profile_replace');
    assert.equal(a.journalLine, 1);
    const kinds = t.events.map((e) => e.type);
    assert.deepEqual(kinds, ['incident', 'action', 'profile', 'action']);
  });

  it('shows an action with no result (interrupted) and one on a profile with no incident', () => {
    const t = buildTimeline([rec({ t: 0 })], [action(1000, { id: 'x' }), action(2000, { id: 'y', profile: 'other' })]);
    const x = t.actions.find((a) => a.id === 'x')!;
    assert.equal(x.resultTime, undefined);
    assert.equal(x.incidentId, 1);
    const y = t.actions.find((a) => a.id === 'y')!;
    assert.equal(y.incidentId, undefined);
    assert.ok(t.events.some((e) => e.type === 'action' && e.actionId === 'y' && e.incidentId === undefined));
  });

  it('an action on one profile of several says which lines of the file the parser read', () => {
    const input = 'lines 1-11 of /etc/apparmor.d/usr.bin.man, without man_groff (lines 13-16)';
    const t = buildTimeline([rec({ t: 0 })], [action(1000, { id: 'm', action: 'complain-runtime', profile: '/usr/bin/man', argv: [['apparmor_parser', '-r', '-C', '-K']], input })]);
    const m = t.actions.find((a) => a.id === 'm')!;
    assert.equal(m.input, input);
    assert.equal(
      actionIntentText(m, (s) => s),
      `operator oncall: complain-runtime /usr/bin/man — ran apparmor_parser -r -C -K (reading ${input} on its standard input)`,
    );
  });

  it("a complain that wrote the profile's flags says which lines it wrote; a malformed edit in the journal is skipped", () => {
    const replaced = [{ at: 1, from: 'profile alpha /usr/bin/alpha {', to: 'profile alpha /usr/bin/alpha flags=(complain) {' }];
    const edits = [
      { file: '/etc/apparmor.d/multi', at: 1, replaced, diff: [] },
      { file: 7, replaced: [{ at: 'x' }] },
    ] as unknown as ActionJournalEntry['edits'];
    const t = buildTimeline([rec({ t: 0 })], [action(1000, { id: 'f', action: 'complain', profile: 'alpha', argv: [['apparmor_parser', '-r', '-K']], edits })]);
    const f = t.actions.find((a) => a.id === 'f')!;
    assert.deepEqual(f.replaced, [{ file: '/etc/apparmor.d/multi', line: 2, from: replaced[0].from, to: replaced[0].to }]);
    assert.equal(
      actionIntentText(f, (s) => s),
      'operator oncall: complain alpha — wrote line 2 of /etc/apparmor.d/multi: profile alpha /usr/bin/alpha flags=(complain) { (was profile alpha /usr/bin/alpha {) — ran apparmor_parser -r -K',
    );
  });

  it('does not mistake a dry run for a change the kernel confirmed', () => {
    const t = buildTimeline([rec({ t: 0 }), rec({ t: 2000, kind: 'STATUS', op: 'profile_replace', profile: 'unconfined', name: '/usr/sbin/nginx' })], [action(1000, { dryRun: true })]);
    assert.equal(t.actions[0].confirmedBy, undefined);
  });
});

describe('loss and undated evidence', () => {
  it('dates an uptime-only loss notice once the log tells the boot time, else places it by position', () => {
    const b = new TimelineBuilder();
    b.addRecord(rec({ t: 0 }));
    b.addLoss({ kind: 'printk-suppressed', count: 4, source: { name: 'dmesg.log', line: 2 } }, 100);
    const r = rec({ t: 50_000, uptime: 150, source: 'dmesg.log' });
    r.auditId = '1.0:1';
    b.addRecord(r);
    const dated = b.snapshot().events.find((e) => e.type === 'loss')!;
    assert.equal(dated.at.time, T0);
    assert.equal(dated.at.basis, 'uptime');

    const b2 = new TimelineBuilder();
    b2.addRecord(rec({ t: 0 }));
    b2.addLoss({ kind: 'printk-suppressed', count: 4, source: { name: 'other.log', line: 2 } }, 100);
    const placed = b2.snapshot().events.find((e) => e.type === 'loss')!;
    assert.equal(placed.at.basis, 'position');
    assert.equal(placed.at.approx, true);
    assert.equal(placed.at.time, T0);

    const b3 = new TimelineBuilder({ bootTime: T0 - 100_000 });
    b3.addLoss({ kind: 'printk-suppressed', count: 4, source: { name: 'x.log', line: 2 } }, 100);
    assert.equal(b3.snapshot().events[0].at.time, T0, '--boot-time dates it');
  });
});
