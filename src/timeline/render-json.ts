/**
 * The timeline as one JSON document for tooling: the Timeline object as built, with every epoch
 * time also written as ISO 8601 (UTC) beside it (`time` -> `timeIso`). JSON.stringify escapes
 * control characters, so log strings need no further treatment here.
 */
import type { Timeline } from './model.js';

/** Keys whose numeric value is an epoch time in ms. */
const TIME_KEYS = new Set(['time', 'lastTime', 'intentTime', 'resultTime', 'since', 'until']);

export const TIMELINE_JSON_FORMAT = 'aa-triage-timeline';
export const TIMELINE_JSON_VERSION = 1;

function withIsoTimes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withIsoTimes);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    out[k] = withIsoTimes(x);
    if (TIME_KEYS.has(k) && typeof x === 'number' && Number.isFinite(x)) out[`${k}Iso`] = new Date(x).toISOString();
  }
  return out;
}

/** The JSON document in pieces: the incidents one at a time, so thousands of them are never one string. */
export function* jsonChunks(t: Timeline, o: { timeZone: string; demo?: boolean }): Generator<string> {
  const head = { format: TIMELINE_JSON_FORMAT, version: TIMELINE_JSON_VERSION, demo: !!o.demo, timeZone: o.timeZone, summary: t.summary };
  const indent = (s: string) => s.replace(/\n/g, '\n  ');
  const headText = JSON.stringify(withIsoTimes(head), null, 2);
  yield `${headText.slice(0, -2)},\n  "incidents": [`;
  for (let i = 0; i < t.incidents.length; i++) yield `${i ? ',' : ''}\n    ${JSON.stringify(withIsoTimes(t.incidents[i]), null, 2).replace(/\n/g, '\n    ')}`;
  yield `${t.incidents.length ? '\n  ' : ''}],\n  "events": ${indent(JSON.stringify(withIsoTimes(t.events), null, 2))},\n  "actions": ${indent(JSON.stringify(withIsoTimes(t.actions), null, 2))}\n}\n`;
}

export function renderJson(t: Timeline, o: { timeZone: string; demo?: boolean }): string {
  return [...jsonChunks(t, o)].join('');
}
