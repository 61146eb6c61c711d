/**
 * The TUI's timeline screen shows the same numbered incidents as `aa-triage timeline` on the same
 * records: on the demo, five incidents, the attack last, every denial under its incident.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ingestInputs } from '../../src/pipeline/saved-inputs.js';
import { loadEnrichment } from '../../src/classify/enrich.js';
import { findDemo, DEMO_SOURCE } from '../../src/demo.js';
import type { ActionJournalEntry } from '../../src/model/action.js';
import { isDenial, type AppArmorRecord } from '../../src/model/record.js';
import { DenialStore } from '../../src/tui/denial-store.js';
import { buildTimeline } from '../../src/timeline/builder.js';
import { timelineItems } from '../../src/tui/view-model.js';

test("demo: the timeline screen groups records under the timeline command's incidents", async () => {
  const demo = findDemo()!;
  const enrichment = await loadEnrichment([demo.profilesDir]);
  const records: AppArmorRecord[] = [];
  await ingestInputs([{ path: demo.log, name: DEMO_SOURCE }], (r) => records.push(r), { enrich: enrichment.enrich });
  const actions: ActionJournalEntry[] = readFileSync(demo.actions, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const store = new DenialStore();
  for (const r of records) store.add(r);
  for (const a of actions) store.addAction(a);

  const items = timelineItems(store.snapshot(), undefined);
  const headers = items.flatMap((i) => (i.kind === 'incident' ? [i.incident] : []));
  const cli = buildTimeline(records, actions).incidents;
  assert.deepEqual(
    headers.map((h) => [h.id, h.profile, h.verdict, h.records]),
    cli.map((c) => [c.id, c.profile, c.verdict, c.records]),
  );
  assert.equal(headers.length, 5);
  const attack = headers[4];
  assert.deepEqual([attack.profile, attack.verdict, attack.records, attack.pids], ['/usr/sbin/nginx', 'likely-attack', 8, ['2211']]);

  // every denial row carries its incident's number, and each header comes right before its first row
  const rows = items.flatMap((i) => (i.kind === 'record' && isDenial(i.record) ? [i] : []));
  assert.ok(rows.every((r) => r.incidentId !== undefined));
  assert.deepEqual(new Set(rows.filter((r) => r.record.fields.pid === '2211').map((r) => r.incidentId)), new Set([5]));
  for (const h of headers) {
    const at = items.findIndex((i) => i.kind === 'incident' && i.incident.id === h.id);
    const next = items.slice(at + 1).find((i) => i.kind === 'record' && i.incidentId === h.id);
    assert.ok(next && items.indexOf(next) === at + 1, `incident #${h.id} header directly precedes its first record`);
  }
  // the operator's action sits between the report-exporter denials and its ALLOWED records
  const kinds = items.map((i) => (i.kind === 'action' ? `action:${i.entry.phase}` : i.kind === 'record' ? `${i.record.kind}:${i.incidentId ?? '-'}` : `#${i.incident.id}`));
  const intent = kinds.indexOf('action:intent');
  assert.ok(kinds.slice(0, intent).includes('DENIED:2') && kinds.slice(intent).includes('ALLOWED:2'));
});
