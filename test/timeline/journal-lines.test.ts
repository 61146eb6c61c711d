import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parseJournalLine } from '../../src/timeline/journal-lines.js';

const GOOD = {
  v: 1,
  id: 'a1',
  phase: 'intent',
  time: '2026-11-22T03:05:05.400Z',
  operator: 'oncall',
  host: 'web-01',
  action: 'complain',
  profile: 'report-exporter',
  argv: [['aa-complain', '/etc/apparmor.d/x']],
};

describe('action journal lines', () => {
  it('keeps an entry with its line number', () => {
    const r = parseJournalLine(JSON.stringify(GOOD), 7);
    assert.ok(typeof r === 'object');
    assert.equal(r.line, 7);
    assert.equal(r.entry.profile, 'report-exporter');
  });

  it('counts torn, foreign and malformed lines as bad, blank lines as blank', () => {
    assert.equal(parseJournalLine('{"v": 1, "id": "a1", "pha', 1), 'bad');
    assert.equal(parseJournalLine('[1,2]', 1), 'bad');
    assert.equal(parseJournalLine(JSON.stringify({ ...GOOD, v: 2 }), 1), 'bad');
    assert.equal(parseJournalLine(JSON.stringify({ ...GOOD, time: 'yesterday-ish' }), 1), 'bad');
    assert.equal(parseJournalLine(JSON.stringify({ ...GOOD, phase: 'maybe' }), 1), 'bad');
    assert.equal(parseJournalLine('   ', 1), 'blank');
  });

  it('drops fields of the wrong type instead of trusting them', () => {
    const r = parseJournalLine(JSON.stringify({ ...GOOD, argv: 'rm -rf /', reason: { x: 1 }, trigger: { auditId: 5, source: { name: 'x' } }, override: 'yes' }), 1);
    assert.ok(typeof r === 'object');
    assert.deepEqual(r.entry.argv, []);
    assert.equal(r.entry.reason, undefined);
    assert.equal(r.entry.override, undefined);
    assert.deepEqual(r.entry.trigger, {});
  });
});
