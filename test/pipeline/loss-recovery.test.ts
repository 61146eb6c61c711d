/**
 * A loss of the kernel log (`kauditd_printk_skb: N callbacks suppressed`) is made good when the
 * audit channel was read over the time of the lost records, and only then. Real kernel captures
 * (test/fixtures/kernel: the kernel log kept 114 of 293 records, journald's audit channel all).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { replayHeader } from '../tui/fixtures.js';
import type { AppArmorRecord, LossNotice } from '../../src/model/record.js';

const dir = new URL('../fixtures/kernel/', import.meta.url);
const lines = (file: string) =>
  readFileSync(new URL(file, dir), 'utf8')
    .split('\n')
    .filter((l) => l !== '');

function replay(inputs: [string, string[]][]) {
  const records: AppArmorRecord[] = [];
  const loss: LossNotice[] = [];
  const p = new Pipeline({ record: (r) => records.push(r), loss: (n) => loss.push(n) }, { clock: { year: 2026 } });
  for (const [name, text] of inputs) {
    const parser = p.parserFor(name);
    for (const l of text) parser.push(l);
    parser.end();
  }
  return { records, loss, counts: p.collect(), pipeline: p };
}

const recovered = (loss: LossNotice[]) => loss.filter((n) => n.recovery?.coveredBy() !== undefined).reduce((s, n) => s + n.count, 0);
const total = (loss: LossNotice[]) => loss.reduce((s, n) => s + n.count, 0);

describe('records know their channel', () => {
  for (const [file, channel] of [
    ['dmesg.txt', 'kernel'],
    ['dmesg-T.txt', 'kernel'],
    ['dmesg-iso.txt', 'kernel'],
    ['dmesg-r.txt', 'kernel'],
    ['dmesg-x.txt', 'kernel'],
    ['dmesg.json', 'kernel'],
    ['journal-k-short.txt', 'kernel'],
    ['journal-k-short-iso.txt', 'kernel'],
    ['journal-k-short-monotonic.txt', 'kernel'],
    ['journal-k-cat.txt', 'kernel'],
    ['journal-k-json.ndjson', 'kernel'],
    ['journal-audit-short.txt', 'audit'],
    ['journal-audit-json.ndjson', 'audit'],
    ['audit.log', 'audit'],
  ] as const) {
    test(`${file}: ${channel}`, () => {
      const { records } = replay([[file, lines(file)]]);
      assert.ok(records.length > 0);
      assert.deepEqual([...new Set(records.map((r) => r.channel))], [channel]);
    });
  }
});

describe('a kernel-log loss recovered from the audit channel', () => {
  test('the kernel log alone: 179 suppressed, none recovered', () => {
    const { loss } = replay([['dmesg.txt', lines('dmesg.txt')]]);
    assert.equal(total(loss), 179);
    assert.equal(recovered(loss), 0);
  });

  test('with journald audit channel (JSON) read too: all 179 recovered, from that input; in either order', () => {
    for (const order of [0, 1]) {
      const inputs: [string, string[]][] = [
        ['dmesg.txt', lines('dmesg.txt')],
        ['journal-audit-json.ndjson', lines('journal-audit-json.ndjson')],
      ];
      if (order) inputs.reverse();
      const { loss } = replay(inputs);
      assert.equal(total(loss), 179);
      assert.equal(recovered(loss), 179);
      assert.deepEqual([...new Set(loss.map((n) => n.recovery?.coveredBy()))], ['journal-audit-json.ndjson']);
    }
  });

  test('dmesg and journalctl -k together with the audit channel: one notice each, all recovered', () => {
    const { loss } = replay([
      ['dmesg.txt', lines('dmesg.txt')],
      ['journal-k-short.txt', lines('journal-k-short.txt')],
      ['journal-audit-json.ndjson', lines('journal-audit-json.ndjson')],
    ]);
    assert.equal(total(loss), 179);
    assert.equal(recovered(loss), 179);
  });

  test('an audit channel that stops before a notice does not recover it (nor those after)', () => {
    const audit = lines('journal-audit-json.ndjson');
    // The 17 and 29 suppressed were printed together, between the records at 04:28:58.368 and
    // 04:29:07.616: an audit channel read up to 04:29:05 does not cover them, one read up to 04:29:10 does.
    const upTo = (s: number) => audit.filter((l) => Number(JSON.parse(l).__REALTIME_TIMESTAMP) < Date.UTC(2026, 10, 22, 4, 29, s) * 1000);
    const short = replay([
      ['dmesg.txt', lines('dmesg.txt')],
      ['journal-audit-json.ndjson', upTo(5)],
    ]);
    assert.equal(recovered(short.loss), 0);
    const cut = upTo(10);
    assert.ok(cut.length > 10 && cut.length < audit.length);
    const { loss } = replay([
      ['dmesg.txt', lines('dmesg.txt')],
      ['journal-audit-json.ndjson', cut],
    ]);
    assert.deepEqual(
      loss.map((n) => [n.count, n.recovery?.coveredBy() !== undefined]),
      [
        [17, true],
        [29, true],
        [10, false],
        [18, false],
        [24, false],
        [81, false],
      ],
    );
  });

  test('an audit channel that starts after the lost records does not recover them', () => {
    const audit = lines('journal-audit-json.ndjson');
    // the 24 and 81 suppressed lie between the records at 04:29:47.560 and 04:30:08.076
    const from = (s: number) => audit.filter((l) => Number(JSON.parse(l).__REALTIME_TIMESTAMP) > Date.UTC(2026, 10, 22, 4, 29, s) * 1000);
    assert.equal(
      recovered(
        replay([
          ['dmesg.txt', lines('dmesg.txt')],
          ['journal-audit-json.ndjson', from(48)],
        ]).loss,
      ),
      0,
    );
    assert.equal(
      recovered(
        replay([
          ['dmesg.txt', lines('dmesg.txt')],
          ['journal-audit-json.ndjson', from(40)],
        ]).loss,
      ),
      24 + 81,
    );
  });

  test('audit.log of another time (the auditd phase, after the kernel-log phase) recovers nothing', () => {
    const { loss } = replay([
      ['dmesg.txt', lines('dmesg.txt')],
      ['audit.log', lines('audit.log')],
    ]);
    assert.equal(recovered(loss), 0);
  });

  test('syslog-dated audit lines without a year are estimates: they recover nothing; with the year given they do', () => {
    const { loss } = replay([
      ['dmesg.txt', lines('dmesg.txt')],
      ['journal-audit-short.txt', lines('journal-audit-short.txt')],
    ]);
    assert.equal(total(loss), 179);
    // the replay pins the year (clock.year): journal-short dates are then exact to the second, in this zone
    const utc = process.env.TZ === 'UTC' || new Date(2026, 10, 22).getTimezoneOffset() === 0;
    if (utc) assert.equal(recovered(loss), 179);
    const p = new Pipeline({ record: () => {}, loss: (n) => noYear.push(n) }, {});
    const noYear: LossNotice[] = [];
    for (const [name, text] of [
      ['dmesg.txt', lines('dmesg.txt')],
      ['journal-audit-short.txt', lines('journal-audit-short.txt')],
    ] as const) {
      const parser = p.parserFor(name);
      for (const l of text) parser.push(l);
      parser.end();
    }
    assert.equal(recovered(noYear), 0);
  });

  test("audit lost and backlog notices are the audit subsystem's own loss: never recovered", () => {
    const { loss } = replay([
      ['kern.log', ['[  100.000000] audit: audit_lost=5 audit_rate_limit=0 audit_backlog_limit=64', '[  100.000001] audit: backlog limit exceeded']],
      ['journal-audit-json.ndjson', lines('journal-audit-json.ndjson')],
    ]);
    assert.equal(loss.length, 2);
    assert.ok(loss.every((n) => n.recovery === undefined));
  });

  test('a live audit source that lost lines stops counting', () => {
    const records: AppArmorRecord[] = [];
    const loss: LossNotice[] = [];
    const p = new Pipeline({ record: (r) => records.push(r), loss: (n) => loss.push(n) }, { clock: { year: 2026 } });
    const audit = p.parserFor('audit');
    const kernel = p.parserFor('dmesg');
    const a = lines('journal-audit-json.ndjson');
    for (const l of a.slice(0, 20)) audit.push(l);
    p.linesLost(audit);
    for (const l of a.slice(20)) audit.push(l);
    for (const l of lines('dmesg.txt')) kernel.push(l);
    assert.equal(recovered(loss), 0);
  });
});

describe('shown the same everywhere', () => {
  const kernel = new URL('../fixtures/kernel/', import.meta.url).pathname;
  async function timeline(format: string, files: string[]) {
    const { runTimelineCommand } = await import('../../src/commands/timeline.js');
    const { parseCli } = await import('../../src/commands/args.js');
    const { resolveSettings } = await import('../../src/commands/settings.js');
    const { Sink } = await import('../timeline/helpers.js');
    const out = new Sink();
    const err = new Sink();
    const args = ['timeline', '--utc', '--year', '2026', '--format', format, ...files.flatMap((f) => ['-i', kernel + f])];
    const code = await runTimelineCommand(parseCli(args, {}), resolveSettings(parseCli(args, {}), { isRoot: false, env: { HOME: '/nonexistent' } }), { out, err });
    assert.equal(code, 0, err.text);
    return out.text;
  }

  test('timeline text and markdown: recovered, not lost, not marked; alone: lost', async () => {
    const both = await timeline('text', ['dmesg.txt', 'journal-audit-json.ndjson']);
    assert.match(both, /Recovered: +179 suppressed in the kernel log \(kauditd_printk_skb\), recovered from the audit channel \(\S*journal-audit-json\.ndjson\)/);
    assert.doesNotMatch(both, /the kernel suppressed/);
    assert.doesNotMatch(both, /^Lost: .*suppressed/m);
    const md = await timeline('markdown', ['dmesg.txt', 'journal-audit-json.ndjson']);
    assert.match(md, /Recovered.*179 suppressed in the kernel log/);
    assert.doesNotMatch(md, /\*\*Loss:\*\*/);
    const alone = await timeline('text', ['dmesg.txt']);
    assert.match(alone, /Lost: +the kernel suppressed 179 messages/);
    assert.doesNotMatch(alone, /Recovered/);
  });

  test('timeline JSON: the summary counts what was recovered and from where; each notice says it', async () => {
    const doc = JSON.parse(await timeline('json', ['dmesg.txt', 'journal-audit-json.ndjson']));
    const lost = doc.summary.lost.find((l: { kind: string }) => l.kind === 'printk-suppressed');
    assert.equal(lost.count, 179);
    assert.equal(lost.recovered, 179);
    assert.match(lost.recoveredFrom, /journal-audit-json\.ndjson$/);
    const events = doc.events.filter((e: { type: string }) => e.type === 'loss');
    assert.equal(events.length, 6);
    assert.ok(events.every((e: { recoveredFrom?: string }) => e.recoveredFrom !== undefined));
    const alone = JSON.parse(await timeline('json', ['dmesg.txt']));
    assert.equal(alone.summary.lost[0].recovered, undefined);
  });

  test('store and header: recovered loss is named apart and not in the loss colour; unrecovered stays red', async () => {
    const { DenialStore } = await import('../../src/tui/denial-store.js');
    const { COLOR_THEME } = await import('../../src/tui/theme.js');
    const header = async (files: string[], width: number) => {
      const store = new DenialStore();
      const p = new Pipeline({ record: (r) => store.add(r), loss: (n) => store.addLoss(n) }, { clock: { year: 2026 } });
      for (const f of files) {
        const parser = p.parserFor(f);
        for (const l of lines(f)) parser.push(l);
        parser.end();
      }
      const snap = store.snapshot();
      const h = await replayHeader(snap, width);
      const segs = h.flat();
      return {
        snap,
        text: h.map((l) => l.map((x) => x.text).join('')).join('\n'),
        red: segs
          .filter((x) => x.color === COLOR_THEME.bad && /loss|suppressed/.test(x.text))
          .map((x) => x.text)
          .join(''),
      };
    };
    const both = await header(['dmesg.txt', 'journal-audit-json.ndjson'], 160);
    assert.equal(both.snap.loss.suppressed, 179);
    assert.equal(both.snap.loss.recovered, 179);
    assert.match(both.text, /179 suppressed in the kernel log, recovered from the audit channel/);
    assert.equal(both.red, '');
    const narrow = await header(['dmesg.txt', 'journal-audit-json.ndjson'], 80);
    assert.match(narrow.text, /179 suppressed, recovered/);
    assert.equal(narrow.red, '');
    const alone = await header(['dmesg.txt'], 160);
    assert.equal(alone.snap.loss.recovered, 0);
    assert.match(alone.red, /179 suppressed/);
    assert.doesNotMatch(alone.text, /recovered/);
  });

  test('NDJSON records say their channel', async () => {
    const { recordToNdjson } = await import('../../src/outputs/json.js');
    const { records } = replay([
      ['dmesg.txt', lines('dmesg.txt').slice(0, 12)],
      ['journal-audit-json.ndjson', lines('journal-audit-json.ndjson').slice(0, 40)],
    ]);
    const channels = new Set(records.map((r) => JSON.parse(recordToNdjson(r)).channel));
    assert.deepEqual([...channels].sort(), ['audit', 'kernel']);
  });

  test('the summary of --json says what was recovered', () => {
    const { counts } = replay([
      ['dmesg.txt', lines('dmesg.txt')],
      ['journal-audit-json.ndjson', lines('journal-audit-json.ndjson')],
    ]);
    return import('../../src/pipeline/pipeline.js').then(({ summaryLine }) => {
      assert.match(summaryLine(counts), /printk-suppressed 179 \(all suppressed in the kernel log, recovered from the audit channel: journal-audit-json\.ndjson\)/);
      assert.match(summaryLine(replay([['dmesg.txt', lines('dmesg.txt')]]).counts), /printk-suppressed 179(,|$)/);
    });
  });
});

describe('partly recovered', () => {
  test('header: what is not recovered stays red, what is is named apart', async () => {
    const { lossSegments } = await import('../../src/tui/views/header.js');
    const { COLOR_THEME } = await import('../../src/tui/theme.js');
    const segs = lossSegments({ suppressed: 179, recovered: 46, lost: 0, dropped: 0, evicted: 0 }, 200, COLOR_THEME);
    assert.equal(segs[0].text, '│ loss: 133 suppressed, 0 lost, 0 dropped');
    assert.equal(segs[0].color, COLOR_THEME.bad);
    assert.equal(segs[1].text, ' · 46 more suppressed in the kernel log, recovered from the audit channel');
    assert.notEqual(segs[1].color, COLOR_THEME.bad);
    const all = lossSegments({ suppressed: 179, recovered: 179, lost: 2, dropped: 0, evicted: 0 }, 200, COLOR_THEME);
    assert.equal(all[0].text, '│ loss: 2 lost, 0 dropped');
    assert.equal(all[0].color, COLOR_THEME.bad, 'audit loss is still loss');
  });

  test('timeline: the part not recovered is Lost, the rest Recovered', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { runTimelineCommand } = await import('../../src/commands/timeline.js');
    const { parseCli } = await import('../../src/commands/args.js');
    const { resolveSettings } = await import('../../src/commands/settings.js');
    const { Sink } = await import('../timeline/helpers.js');
    const tmp = mkdtempSync(join(tmpdir(), 'aa-recover-'));
    try {
      const audit = lines('journal-audit-json.ndjson').filter((l) => Number(JSON.parse(l).__REALTIME_TIMESTAMP) < Date.UTC(2026, 10, 22, 4, 29, 10) * 1000);
      writeFileSync(join(tmp, 'audit.ndjson'), `${audit.join('\n')}\n`);
      const out = new Sink();
      const err = new Sink();
      const tlArgs = ['timeline', '--utc', '-i', new URL('dmesg.txt', dir).pathname, '-i', join(tmp, 'audit.ndjson')];
      const code = await runTimelineCommand(parseCli(tlArgs, {}), resolveSettings(parseCli(tlArgs, {}), { isRoot: false, env: { HOME: tmp } }), { out, err });
      assert.equal(code, 0, err.text);
      assert.match(out.text, /Lost: +the kernel suppressed 133 messages/);
      assert.match(out.text, /Recovered: +46 suppressed in the kernel log \(kauditd_printk_skb\), recovered from the audit channel/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
