import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { ActionJournalEntry } from '../../src/model/action.js';
import type { AppArmorRecord } from '../../src/model/record.js';
import { buildTimeline } from '../../src/timeline/builder.js';
import { renderJson, TIMELINE_JSON_FORMAT, TIMELINE_JSON_VERSION, withIsoTimes } from '../../src/timeline/render-json.js';
import type { Timeline } from '../../src/timeline/model.js';
import { mdText, renderMarkdown } from '../../src/timeline/render-markdown.js';
import { renderText } from '../../src/timeline/render-text.js';
import { demoTimeline, UTC } from './helpers.js';

const HOSTILE_NAME = '/tmp/a|b`c\n# Heading\n> quote\x1b]52;c;ZWNobyBodHRw\x07 [x](http://e) <img src=x> \u202eevil';
const T0 = Date.UTC(2026, 10, 22, 3, 0, 0);

function hostile(): AppArmorRecord {
  return {
    kind: 'DENIED',
    fields: { apparmor: 'DENIED', operation: 'open', profile: '# prof|ile', name: HOSTILE_NAME, pid: '7', comm: 'x`y|z', requested_mask: 'r', denied_mask: 'r' },
    time: T0,
    carrier: 'journal-iso',
    source: { name: 'in|put`.log', line: 3 },
    raw: '',
  };
}

const hostileAction: ActionJournalEntry = {
  v: 1,
  id: 'h1',
  phase: 'intent',
  time: new Date(T0 + 1000).toISOString(),
  operator: 'op|er\x1b[2J',
  host: 'h',
  action: 'complain',
  profile: '# prof|ile',
  argv: [['aa-complain', '/etc/apparmor.d/x|y']],
  reason: 'because `rm -rf` | \n## no',
};

/** Unescaped `|` in a markdown line: the cell separators. */
function pipes(line: string): number {
  return (line.match(/(?<!\\)\|/g) ?? []).length;
}

describe('rendering hostile log strings', () => {
  const t = buildTimeline([hostile()], [hostileAction], { actionJournal: 'actions.jsonl' });

  it('text: no control character or bidi override reaches the terminal', () => {
    const out = renderText(t, { style: UTC });
    const lines = out.split('\n');
    assert.doesNotMatch(out, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
    assert.ok(out.includes('\\x1b]52;c;'));
    assert.ok(!lines.some((l) => l.startsWith('# Heading')), 'a newline in a path does not start a line');
  });

  it('markdown: a hostile path cannot break the table, start a heading or quote, or inject a link or HTML', () => {
    const out = renderMarkdown(t, { style: UTC });
    assert.doesNotMatch(out, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
    const lines = out.split('\n');
    // every table: consecutive `|` lines; each row has as many cell separators as its header
    let tables = 0;
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i].startsWith('|') || (i > 0 && lines[i - 1].startsWith('|'))) continue;
      tables++;
      const width = pipes(lines[i]);
      for (let j = i + 1; j < lines.length && lines[j].startsWith('|'); j++) assert.equal(pipes(lines[j]), width, `row keeps its columns: ${lines[j]}`);
    }
    assert.equal(tables, 3, 'summary, chronology, incident');
    const headings = lines.filter((l) => /^#/.test(l));
    assert.deepEqual(
      headings.map((h) => h.replace(/:.*$/, '')),
      ['# AppArmor forensic timeline', '## Over time', '## Chronology', '## Incidents', '### Incident 1'],
    );
    assert.ok(!lines.some((l) => l.startsWith('>')));
    assert.doesNotMatch(out, /(?<!\\)\]\(http/, 'no live link');
    assert.doesNotMatch(out, /(?<!\\)<img/, 'no raw HTML');
    assert.ok(out.includes('a\\|b\\`c'));
    assert.ok(out.includes('\\# prof\\|ile'));
  });

  it('mdText escapes the syntax characters and leaves ordinary paths readable', () => {
    assert.equal(mdText('/usr/sbin/nginx'), '/usr/sbin/nginx');
    assert.equal(mdText('a|b'), 'a\\|b');
    assert.equal(mdText('`x`'), '\\`x\\`');
    assert.equal(mdText('# h'), '\\# h');
    assert.equal(mdText('> q'), '\\> q');
    assert.equal(mdText('a\nb'), 'a\\\\nb');
  });

  it('json: the timeline object with ISO times beside epoch ones, parseable, control characters escaped', () => {
    const out = renderJson(t, { timeZone: 'UTC' });
    assert.doesNotMatch(out, /[\x00-\x09\x0b-\x1f]/);
    const doc = JSON.parse(out);
    assert.equal(doc.format, 'aa-triage-timeline');
    assert.equal(doc.version, 1);
    assert.equal(doc.incidents[0].keyRecords[0].target, HOSTILE_NAME);
    assert.equal(doc.incidents[0].first.timeIso, '2026-11-22T03:00:00.000Z');
    assert.equal(doc.actions[0].intentTimeIso, '2026-11-22T03:00:01.000Z');
  });
});

describe('the JSON timeline written in pieces', async () => {
  // the plain way: the whole document as one object, one JSON.stringify
  const whole = (t: Timeline, demo: boolean): string =>
    `${JSON.stringify(withIsoTimes({ format: TIMELINE_JSON_FORMAT, version: TIMELINE_JSON_VERSION, demo, timeZone: 'UTC', summary: t.summary, incidents: t.incidents, events: t.events, actions: t.actions }), null, 2)}\n`;
  const demo = await demoTimeline();

  it('is the text one JSON.stringify of the whole document makes: the demo, and with each list empty', () => {
    assert.ok(demo.incidents.length > 0 && demo.events.length > 0 && demo.actions.length > 0);
    assert.equal(renderJson(demo, { timeZone: 'UTC', demo: true }), whole(demo, true));
    for (const empty of ['incidents', 'events', 'actions'] as const) {
      const t = { ...demo, [empty]: [] };
      assert.equal(renderJson(t, { timeZone: 'UTC' }), whole(t, false), `${empty} empty`);
    }
    const none = { ...demo, incidents: [], events: [], actions: [] };
    assert.equal(renderJson(none, { timeZone: 'UTC' }), whole(none, false));
  });
});

describe('rendering the demo', async () => {
  const t = await demoTimeline();

  it('markdown lists the operator action in the chronology, marked with its incident', () => {
    const out = renderMarkdown(t, { style: UTC, demo: true });
    const chron = out.slice(out.indexOf('## Chronology'), out.indexOf('## Incidents'));
    const rows = chron.split('\n').filter((l) => l.startsWith('| 2026'));
    const action = rows.findIndex((r) => r.includes('complain report-exporter'));
    assert.ok(action > 0);
    assert.ok(rows[action].includes('(incident 2)'));
    assert.ok(rows[action - 1].includes('Incident 4: backup-agent'), 'between the backup-agent incident and the attack');
    assert.ok(rows[action + 1].includes('profile replaced: report-exporter'));
    assert.ok(out.startsWith('# AppArmor forensic timeline: web-01\n\n**DEMO**'));
  });

  it('text in another zone shows that zone and its offset', () => {
    const out = renderText(t, { style: { timeZone: 'Europe/Berlin', label: 'Europe/Berlin (UTC+01:00)' } });
    assert.ok(out.includes('Times in:   Europe/Berlin (UTC+01:00)'));
    assert.ok(out.includes('04:11:40   ┌ Incident 5'));
  });
});

describe('loss notices inside an incident', () => {
  it('read as one line per kind with the totals, the notices and the first and last time', () => {
    const records: AppArmorRecord[] = [];
    const loss = [];
    for (let i = 0; i < 600; i++) {
      const r = hostile();
      records.push({ ...r, fields: { ...r.fields, name: '/etc/shadow' }, time: T0 + i * 1000, source: { name: 'k.log', line: 2 * i + 1 } });
      loss.push({ kind: 'printk-suppressed' as const, count: 10 + (i % 3), source: { name: 'k.log', line: 2 * i + 2 }, time: T0 + i * 1000 + 500 });
    }
    loss.push({ kind: 'audit-lost' as const, count: 7, source: { name: 'k.log', line: 5000 }, time: T0 + 1500 });
    loss.push({ kind: 'audit-lost' as const, count: 9, source: { name: 'k.log', line: 5001 }, time: T0 + 2500 });
    const t = buildTimeline(records, [], { loss });
    const text = renderText(t, { style: UTC });
    const lines = text.split('\n').filter((l) => l.includes('suppressed'));
    const total = loss.filter((n) => n.kind === 'printk-suppressed' && n.time <= T0 + 599_000).reduce((n, x) => n + x.count, 0);
    const inIncident = lines.filter((l) => l.includes(`suppressed ${total} messages`));
    assert.equal(inIncident.length, 1, lines.join('\n'));
    assert.match(inIncident[0], /599 notices, 03:00:00 to 03:09:58/);
    assert.match(inIncident[0], /k\.log:2 and 598 more/);
    const lost = text.split('\n').filter((l) => l.includes('audit_lost') && l.includes('│'));
    assert.equal(lost.length, 1, 'audit_lost: one row');
    assert.match(lost[0], /reports 9 records lost/, 'audit_lost is a running total: the highest, not the sum');
    assert.ok(text.split('\n').length < 100, `a human length (${text.split('\n').length} lines)`);
  });
});
