/**
 * Real kernel text captured under QEMU by the kernel suite (see each directory's README):
 * test/fixtures/kernel (Debian 12: Linux 6.1, AppArmor 3.0.8) and test/fixtures/kernel-6.12
 * (Debian 13: Linux 6.12, AppArmor 4.1). On both, every carrier parses without a single unparsable
 * line, the carriers of the kernel log agree with each other, every record the scenarios caused is
 * found, and merging the kernel log with journald's audit channel yields each record once.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LineParser } from '../../src/parse/line-parser.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import type { AppArmorRecord } from '../../src/model/record.js';

// the Debian 13 capture has no auditd phase (see its README)
const KERNELS = [
  { dir: 'kernel', what: 'Linux 6.1 (Debian 12)', auditLog: true },
  { dir: 'kernel-6.12', what: 'Linux 6.12 (Debian 13)', auditLog: false },
];

for (const { dir: fixtureDir, what, auditLog: hasAuditLog } of KERNELS) {
  describe(what, () => {
    const dir = new URL(`../fixtures/${fixtureDir}/`, import.meta.url);
    const read = (file: string) => readFileSync(new URL(file, dir), 'utf8').split('\n');

    function parseFile(name: string) {
      const records: AppArmorRecord[] = [];
      const unparsable: string[] = [];
      let suppressed = 0;
      const p = new LineParser(name, { record: (r) => records.push(r), unparsable: (u) => unparsable.push(`${u.source.line}: ${u.reason}`), loss: (n) => (suppressed += n.count) });
      for (const l of read(name)) p.push(l);
      p.end();
      return { records, unparsable, suppressed };
    }

    const KERNEL_LOG = [
      'dmesg.txt',
      'dmesg-T.txt',
      'dmesg-iso.txt',
      'dmesg-r.txt',
      'dmesg-x.txt',
      'dmesg.json',
      'journal-k-cat.txt',
      'journal-k-json.ndjson',
      'journal-k-short.txt',
      'journal-k-short-iso.txt',
      'journal-k-short-monotonic.txt',
      'journal-k-short-precise.txt',
    ];
    const identity = (r: AppArmorRecord) => `${r.auditId}|${r.kind}|${r.fields.operation}|${r.fields.name ?? r.fields.capname ?? ''}|${r.fields.profile}`;

    test('every kernel-log carrier gives the same records, none unparsable, with the same loss count', () => {
      const ref = parseFile('dmesg.txt');
      assert.ok(ref.records.length > 50);
      const refIds = ref.records.map(identity).sort();
      for (const name of KERNEL_LOG) {
        const got = parseFile(name);
        assert.deepEqual(got.unparsable, [], name);
        assert.deepEqual(got.records.map(identity).sort(), refIds, name);
        assert.equal(got.suppressed, ref.suppressed, `${name}: kauditd_printk_skb notices`);
        assert.ok(
          got.records.every((r) => r.time !== undefined && r.auditId !== undefined),
          `${name}: every record dated by its audit id`,
        );
      }
      assert.ok(ref.suppressed > 0, 'the burst tripped the kernel rate limit');
    });

    test('journald audit channel and audit.log parse completely; hosts and context are kept', () => {
      for (const name of ['journal-audit-json.ndjson', 'journal-audit-short.txt', ...(hasAuditLog ? ['audit.log'] : [])]) {
        const got = parseFile(name);
        assert.deepEqual(got.unparsable, [], name);
        assert.ok(got.records.length > 0, name);
      }
      if (hasAuditLog) {
        const audit = parseFile('audit.log');
        assert.ok(
          audit.records.some((r) => r.context?.syscall !== undefined),
          'SYSCALL records attached',
        );
        assert.ok(
          audit.records.some((r) => r.fields.FSUID !== undefined),
          'enriched fields kept',
        );
      }
      const json = parseFile('journal-audit-json.ndjson');
      assert.ok(json.records.every((r) => r.auditId !== undefined && r.host !== undefined));
    });

    /** expected-records.tsv: phase, mode, scenario, then key=value pairs a record must match. */
    function expectations() {
      return read('expected-records.tsv')
        .filter(Boolean)
        .map((l) => {
          const [phase, mode, scenario, ...kv] = l.split('\t');
          return { phase, mode, scenario, want: Object.fromEntries(kv.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)])) };
        });
    }

    function matches(r: AppArmorRecord, want: Record<string, string>): boolean {
      return Object.entries(want).every(([k, v]) => (k === 'apparmor' ? r.kind === v : r.fields[k] === v));
    }

    test('every record the scenarios caused is found: without auditd in the audit channel, with auditd in audit.log', () => {
      const channel = parseFile('journal-audit-json.ndjson').records;
      const auditLog = hasAuditLog ? parseFile('audit.log').records : [];
      if (!hasAuditLog)
        assert.deepEqual(
          expectations().filter((e) => e.phase === 'auditd'),
          [],
          'no auditd-phase expectations without audit.log',
        );
      const missing: string[] = [];
      for (const e of expectations()) {
        const pool = e.phase === 'auditd' ? auditLog : channel;
        if (!pool.some((r) => matches(r, e.want))) missing.push(`${e.phase}/${e.mode}/${e.scenario}: ${JSON.stringify(e.want)}`);
      }
      assert.deepEqual(missing, []);
    });

    test('hex-encoded paths and profile names with spaces and non-ASCII are decoded', () => {
      const recs = parseFile('dmesg.txt').records.concat(parseFile('journal-audit-json.ndjson').records);
      assert.ok(recs.some((r) => r.fields.name === '/tmp/aa-scn/dir with space/file ü.txt'));
      assert.ok(recs.some((r) => r.fields.profile === 'demo spaced'));
    });

    test('merging the kernel log with the audit channel yields each record once', () => {
      const kernel = parseFile('dmesg.txt').records;
      const channel = parseFile('journal-audit-json.ndjson').records;
      const out: AppArmorRecord[] = [];
      const pipeline = new Pipeline({ record: (r) => out.push(r) });
      for (const name of ['dmesg.txt', 'journal-k-json.ndjson', 'journal-audit-json.ndjson']) {
        const p = pipeline.parserFor(name);
        for (const l of read(name)) p.push(l);
        p.end();
      }
      const channelIds = new Set(channel.map(identity));
      const kernelOnly = kernel.filter((r) => !channelIds.has(identity(r)));
      assert.equal(out.length, channel.length + kernelOnly.length);
      assert.equal(new Set(out.map(identity)).size, out.length, 'no record twice');
      assert.ok(channel.length > kernel.length, 'the audit channel kept what the kernel log lost');
    });

    test('the same kernel loss notice read from dmesg and the journal is counted once', () => {
      const alone = parseFile('dmesg.txt').suppressed;
      const pipeline = new Pipeline({ record: () => {} });
      // systemd 257's short-monotonic stamps a kernel line when journald received it, not with the
      // kernel's own uptime (systemd 252 printed the kernel's): on 6.12 its notices do not match
      // dmesg's and are not merged with them, a known gap
      for (const name of ['dmesg.txt', 'journal-k-json.ndjson', ...(hasAuditLog ? ['journal-k-short-monotonic.txt'] : []), 'dmesg.json']) {
        const p = pipeline.parserFor(name);
        for (const l of read(name)) p.push(l);
        p.end();
      }
      assert.equal(pipeline.collect().lost['printk-suppressed'], alone);
    });
    // the loss counts below are the Debian 12 capture's boot (179 suppressed in all)
    if (fixtureDir === 'kernel') {
      test('a kernel loss notice read through a carrier that gives no uptime (wall clock or no time) is still one notice', () => {
        const alone = parseFile('dmesg.txt').suppressed;
        assert.equal(alone, 179);
        for (const other of ['journal-k-short.txt', 'journal-k-short-iso.txt', 'journal-k-short-precise.txt', 'journal-k-cat.txt', 'dmesg-T.txt', 'dmesg-iso.txt']) {
          const pipeline = new Pipeline({ record: () => {} });
          for (const name of ['dmesg.txt', other, 'journal-k-json.ndjson']) {
            const p = pipeline.parserFor(name);
            for (const l of read(name)) p.push(l);
            p.end();
          }
          assert.equal(pipeline.collect().lost['printk-suppressed'], alone, `dmesg.txt with ${other}`);
        }
      });

      test('two loss notices of the same size in one carrier are two notices', () => {
        const lines = read('dmesg.txt');
        const at = lines.findIndex((l) => l.includes('callbacks suppressed'));
        const twice = [...lines.slice(0, at + 1), lines[at]!, ...lines.slice(at + 1)];
        const pipeline = new Pipeline({ record: () => {} });
        const p = pipeline.parserFor('dmesg.txt');
        for (const l of twice) p.push(l);
        p.end();
        const n = Number(/(\d+) callbacks/.exec(lines[at]!)![1]);
        assert.equal(pipeline.collect().lost['printk-suppressed'], 179 + n);
      });
    }
  });
}
