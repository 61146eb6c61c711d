// The timeline's histogram at the top of the text and markdown output: denials per minute (or per
// hour, by span) by verdict, operator actions marked on their row, hostile journal strings inert.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { ActionJournalEntry } from '../../src/model/action.js';
import type { AppArmorRecord, Verdict } from '../../src/model/record.js';
import { buildTimeline } from '../../src/timeline/builder.js';
import { histogramLines } from '../../src/timeline/histogram.js';
import { renderMarkdown } from '../../src/timeline/render-markdown.js';
import { renderText } from '../../src/timeline/render-text.js';
import { safeText } from '../../src/model/safe-text.js';
import { demoTimeline, journalEntry, UTC } from './helpers.js';

const T0 = Date.UTC(2026, 10, 22, 3, 0, 0);
const M = 60_000;
let line = 0;

function rec(t: number, verdict: Verdict): AppArmorRecord {
  return {
    kind: 'DENIED',
    fields: { apparmor: 'DENIED', operation: 'open', profile: '/usr/sbin/nginx', name: '/etc/x', pid: '100', comm: 'nginx', requested_mask: 'r', denied_mask: 'r' },
    time: T0 + t,
    carrier: 'journal-iso',
    source: { name: 'test.log', line: ++line },
    raw: '',
    classification: { verdict, confidence: 1, reasons: ['r'] },
  };
}

const action = (t: number, extra: Partial<ActionJournalEntry> = {}): ActionJournalEntry => journalEntry(T0 + t, extra);

describe('timeline histogram', () => {
  it('counts per minute over a short span, by verdict glyph, with the action on its row', () => {
    const recs = [rec(0, 'missing-rule'), rec(10_000, 'missing-rule'), rec(M + 1000, 'likely-attack'), rec(M + 2000, 'missing-rule'), rec(4 * M, 'missing-rule')];
    const t = buildTimeline(recs, [action(2 * M + 30_000)]);
    const lines = histogramLines(t, UTC, safeText);
    assert.match(lines[0], /^Denials per 1m \(! LIKELY ATTACK, \+ missing rule, > operator action\)$/);
    const rows = lines.slice(1);
    assert.deepEqual(
      rows.map((r) => r.slice(0, 5)),
      ['03:00', '03:01', '03:02', '03:03', '03:04'],
    );
    assert.match(rows[0], /^03:00  \+{40} 2$/);
    assert.match(rows[1], /^03:01  !{20}\+{20} 2$/);
    assert.match(rows[2], /^03:02  \s+0  > 03:02:30 complain \/usr\/sbin\/nginx by oncall$/);
    assert.match(rows[4], /^03:04  \+{20}\s+1$/);
  });

  it('counts per hour (or coarser) over days, at most 48 rows, every record counted', () => {
    const recs: AppArmorRecord[] = [];
    for (let h = 0; h < 40; h++) recs.push(rec(h * 60 * M, h === 30 ? 'likely-attack' : 'missing-rule'));
    const lines = histogramLines(buildTimeline(recs, []), UTC, safeText);
    assert.match(lines[0], /^Denials per 1h /);
    assert.equal(lines.length - 1, 40);
    assert.match(lines[1], /^11-22 03:00 /, 'dates when the span crosses a day');
    assert.ok(
      lines.some((l) => /^11-23 09:00  !{40} 1$/.test(l)),
      lines.join('\n'),
    );
  });

  it('is at the top of the text and markdown timelines; a hostile journal string stays inert', async () => {
    const hostile = action(30_000, { profile: 'x```\n# h\x1b[2J', operator: 'op`' });
    const t = buildTimeline([rec(0, 'missing-rule'), rec(M, 'likely-attack')], [hostile]);
    const text = renderText(t, { style: UTC });
    assert.ok(text.indexOf('Denials per 1m') < text.indexOf('── 2026-11-22 ──'), 'before the chronology');
    assert.doesNotMatch(text, /\x1b/);
    const md = renderMarkdown(t, { style: UTC });
    const fence = /^(`{3,})text$/m.exec(md);
    assert.ok(fence, md);
    assert.ok(fence[1].length > 3, 'the fence is longer than the backticks inside');
    assert.ok(md.indexOf('## Over time') < md.indexOf('## Chronology'));
    assert.ok(!md.split('\n').some((l) => l.startsWith('# h')), 'a newline in a journal string does not start a line');
  });

  it('the demo: the flood, the quiet, the complain action, the attack at the end', async () => {
    const text = renderText(await demoTimeline(), { style: UTC });
    const hist = text.slice(text.indexOf('Denials per'), text.indexOf('\n\n', text.indexOf('Denials per')));
    assert.match(hist, /^03:05 .* > 03:05:05 complain report-exporter by oncall, verified$/m);
    assert.match(hist, /^03:11  \S{40} 8$/m);
    assert.ok(!hist.includes('undercounted'));
  });

  it('no dated denial, no histogram', () => {
    assert.deepEqual(histogramLines(buildTimeline([], []), UTC, safeText), []);
  });
});
