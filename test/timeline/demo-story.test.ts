// The demo incident told as a timeline: grouping and order, not only that output exists.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { incidentRows } from '../../src/timeline/chronology.js';
import { renderText } from '../../src/timeline/render-text.js';
import { safeText } from '../../src/model/safe-text.js';
import { demoPaths, demoTimeline, fakeClassify, iso } from './helpers.js';

describe('demo incident timeline (unclassified)', async () => {
  const t = await demoTimeline();

  it('groups into five incidents in order of first record', () => {
    assert.deepEqual(
      t.incidents.map((i) => [i.id, i.profile, iso(i.first.time)]),
      [
        [1, '/usr/sbin/nginx', '2026-11-22T03:00:06.020Z'],
        [2, 'report-exporter', '2026-11-22T03:01:10.300Z'],
        [3, 'thumbnail-renderer', '2026-11-22T03:01:50.041Z'],
        [4, 'backup-agent', '2026-11-22T03:02:30.012Z'],
        [5, '/usr/sbin/nginx', '2026-11-22T03:11:40.015Z'],
      ],
    );
    assert.ok(t.summary.unclassified);
    assert.ok(t.incidents.every((i) => i.verdict === 'unclassified'));
  });

  it('tells the attack as one incident: worker 2211, every step in order, with the kernel loss inside it', () => {
    const attack = t.incidents[4];
    assert.deepEqual(attack.pids, ['2211']);
    assert.equal(attack.records, 8, 'the audit.log and journal copies are merged, not counted twice');
    assert.deepEqual(
      attack.keyRecords.map((k) => [k.operation, k.target]),
      [
        ['exec', '/usr/bin/dash'],
        ['exec', '/usr/bin/python3.11'],
        ['open', '/etc/shadow'],
        ['open', '/root/.ssh/id_ed25519'],
        ['file_mmap', '/dev/shm/.k'],
        ['create', 'inet raw'],
        ['exec', '/usr/bin/curl'],
        ['mknod', '/tmp/.ICE-unix/.x/kworkerd'],
      ],
    );
    assert.equal(attack.keyRecords[5].detail, undefined, 'the kind of socket is in the target');
    assert.deepEqual(attack.firstSource, { name: 'DEMO:incident.log', line: 47 });
    assert.deepEqual(attack.lastSource, { name: 'DEMO:incident.log', line: 59 });
    const rows = incidentRows(t, attack, safeText, String);
    const lossAt = rows.findIndex((r) => r.kind === 'loss');
    assert.ok(lossAt > 0, 'the kauditd suppression shows inside the attack');
    assert.equal(rows[lossAt - 1].text.includes('sock_type=raw') || rows[lossAt - 1].text.includes('inet'), true);
    assert.ok(rows[lossAt + 1].text.includes('/usr/bin/curl'));
  });

  it('groups missing rules per profile: nginx after its replace, report-exporter across restarts, the renderer with its helper child', () => {
    const [nginx, exporter, renderer, backup] = t.incidents;
    assert.deepEqual(nginx.pids, ['1900', '1931']);
    assert.deepEqual(
      nginx.keyRecords.map((k) => [k.target, k.count]),
      [
        ['/usr/share/GeoIP/GeoLite2-Country.mmdb', 2],
        ['/run/nginx/nginx.pid', 2],
      ],
    );
    assert.equal(nginx.precededBy?.change.op, 'replace');
    assert.equal(nginx.precededBy?.change.source.line, 16);
    // systemd's hup names systemd's pid (1): the sender's, none of report-exporter's processes
    assert.deepEqual(exporter.pids.slice(0, 4), ['2050', '2061', '2072', '5203']);
    assert.ok(!exporter.comms.includes('systemd'), exporter.comms.join(','));
    assert.ok(exporter.keyRecords.some((k) => k.operation === 'signal' && k.detail === 'signal=hup' && k.pid === '1' && k.pidIsPeer));
    assert.deepEqual(renderer.labels, ['thumbnail-renderer//helper', 'thumbnail-renderer']);
    assert.equal(renderer.records, 5);
    assert.deepEqual(backup.byKind, { ALLOWED: 3 });
  });

  it("shows the operator's change where it happened: inside report-exporter, confirmed by the kernel, before the ALLOWED records", () => {
    const exporter = t.incidents[1];
    assert.deepEqual(exporter.actionIds, ['a1f3c9e2']);
    const a = t.actions.find((x) => x.id === 'a1f3c9e2')!;
    assert.equal(a.incidentId, 2);
    assert.equal(a.outcome, 'verified');
    assert.equal(a.confirmedBy?.source.line, 43);
    const rows = incidentRows(t, exporter, safeText, String);
    assert.deepEqual(
      rows.map((r) => `${r.kind}:${iso(r.at.time)}`),
      [
        'access:2026-11-22T03:01:10.300Z',
        'access:2026-11-22T03:01:22.009Z',
        'action:2026-11-22T03:05:05.400Z',
        'profile:2026-11-22T03:05:06.077Z',
        'action:2026-11-22T03:05:06.200Z',
        'access:2026-11-22T03:05:10.150Z',
        'access:2026-11-22T03:05:10.151Z',
      ],
    );
    assert.ok(rows[2].text.includes('complain report-exporter'));
    assert.equal(rows[2].evidence, 'DEMO:actions.jsonl:1');
  });

  it('dates the boot and the uptime-only loss notice from the log itself, and keeps events in time order', () => {
    const boot = t.events.find((e) => e.type === 'boot');
    assert.ok(boot && boot.type === 'boot');
    assert.equal(iso(boot.at.time), '2026-11-22T02:41:12.000Z');
    assert.equal(boot.kernel, '6.1.0-27-amd64');
    const loss = t.events.find((e) => e.type === 'loss');
    assert.ok(loss && loss.type === 'loss');
    assert.equal(iso(loss.at.time), '2026-11-22T03:11:46.000Z');
    assert.equal(loss.at.basis, 'uptime');
    assert.equal(loss.at.approx, false);
    const times = t.events.map((e) => e.at.time ?? 0);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
    assert.equal(t.events[0].type, 'boot');
    assert.deepEqual(
      t.events.filter((e) => e.type === 'incident').map((e) => (e.type === 'incident' ? e.incidentId : 0)),
      [1, 2, 3, 4, 5],
    );
  });

  it('summarises hosts, window, loss and what could not be read', () => {
    const s = t.summary;
    assert.deepEqual(s.hosts, ['web-01']);
    assert.equal(iso(s.first?.time), '2026-11-22T02:41:12.000Z');
    assert.equal(iso(s.last?.time), '2026-11-22T03:11:48.002Z');
    assert.deepEqual(
      s.lost.map((l) => [l.kind, l.count, l.firstSource.line]),
      [['printk-suppressed', 6, 57]],
    );
    assert.equal(s.unparsable, 1);
    assert.equal(s.firstUnparsable?.line, 41);
    assert.equal(s.duplicates, 2);
    assert.equal(s.boots, 1);
    assert.equal(s.byKind.STATUS, 9);
  });

  it('reads as a story in the terminal: incidents at their start, the action inside report-exporter', () => {
    const text = renderText(t, { style: { timeZone: 'UTC', label: 'UTC' }, demo: true });
    const at = (s: string) => {
      const i = text.indexOf(s);
      assert.ok(i >= 0, `missing: ${s}`);
      return i;
    };
    assert.ok(at('DEMO: the bundled demo incident') < at('── 2026-11-22 ──'));
    assert.ok(at('boot: Linux 6.1.0-27-amd64') < at('6 profiles loaded'));
    assert.ok(at('profile replaced: /usr/sbin/nginx') < at('Incident 1 · /usr/sbin/nginx'));
    assert.ok(at('Incident 2 · report-exporter') < at('operator oncall: complain report-exporter'));
    assert.ok(at('operator oncall: complain report-exporter') < at('Incident 3 · thumbnail-renderer'));
    assert.ok(at('Incident 4 · backup-agent') < at('Incident 5 · /usr/sbin/nginx'));
    assert.ok(text.includes('[DEMO:incident.log:47]'));
  });
});

describe('demo incident timeline (classified)', async () => {
  const t = await demoTimeline({ enrich: fakeClassify });

  it('gives each incident its most severe verdict', () => {
    assert.deepEqual(
      t.incidents.map((i) => [i.profile, i.verdict]),
      [
        ['/usr/sbin/nginx', 'missing-rule'],
        ['report-exporter', 'missing-rule'],
        ['thumbnail-renderer', 'missing-rule'],
        ['backup-agent', 'info'],
        ['/usr/sbin/nginx', 'likely-attack'],
      ],
    );
    assert.equal(t.summary.unclassified, false);
    assert.equal(t.summary.profiles[0].profile, '/usr/sbin/nginx');
    assert.equal(t.summary.profiles[0].verdict, 'likely-attack');
  });

  it('keeps the attack apart from the missing rules of the same profile even when the gap would join them', async () => {
    const wide = await demoTimeline({ enrich: fakeClassify, gapSeconds: 3600 });
    const nginx = wide.incidents.filter((i) => i.profile === '/usr/sbin/nginx');
    assert.deepEqual(
      nginx.map((i) => [i.verdict, i.pids]),
      [
        ['missing-rule', ['1900', '1931']],
        ['likely-attack', ['2211']],
      ],
    );
  });

  it('joins everything of one profile within a wide gap when nothing tells an attack apart', async () => {
    const wide = await demoTimeline({ gapSeconds: 3600 });
    assert.equal(wide.incidents.filter((i) => i.profile === '/usr/sbin/nginx').length, 1);
  });
});

describe('demo incident timeline (the real classifier, the demo profiles)', async () => {
  const { loadEnrichment } = await import('../../src/classify/enrich.js');
  const { enrich } = await loadEnrichment([demoPaths().profilesDir]);
  const t = await demoTimeline({ enrich });

  it('calls the attack an attack and the missing rules missing rules, in the same five incidents', () => {
    assert.deepEqual(
      t.incidents.map((i) => [i.id, i.profile]),
      [
        [1, '/usr/sbin/nginx'],
        [2, 'report-exporter'],
        [3, 'thumbnail-renderer'],
        [4, 'backup-agent'],
        [5, '/usr/sbin/nginx'],
      ],
    );
    assert.deepEqual([t.incidents[0].verdict, t.incidents[1].verdict, t.incidents[2].verdict, t.incidents[4].verdict], ['missing-rule', 'missing-rule', 'missing-rule', 'likely-attack']);
    assert.equal(t.incidents[4].keyRecords.length, 8);
    assert.ok(t.incidents[4].keyRecords.every((k) => k.verdict === 'likely-attack'));
    assert.ok(t.incidents[4].reasons.length > 0);
  });
});
