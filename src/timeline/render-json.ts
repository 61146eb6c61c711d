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

/** `v` with an ISO 8601 twin beside every epoch time (`time` -> `timeIso`). */
export function withIsoTimes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withIsoTimes);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    out[k] = withIsoTimes(x);
    if (TIME_KEYS.has(k) && typeof x === 'number' && Number.isFinite(x)) out[`${k}Iso`] = new Date(x).toISOString();
  }
  return out;
}

/**
 * The JSON document in pieces: the incidents and the events one at a time, so thousands of them
 * are never one string (nor one copy with ISO times); the text is what JSON.stringify(document,
 * null, 2) writes.
 */
export function* jsonChunks(t: Timeline, o: { timeZone: string; demo?: boolean }): Generator<string> {
  const head = { format: TIMELINE_JSON_FORMAT, version: TIMELINE_JSON_VERSION, demo: !!o.demo, timeZone: o.timeZone, summary: t.summary };
  const headText = JSON.stringify(withIsoTimes(head), null, 2);
  yield `${headText.slice(0, -2)},\n  "incidents": `;
  yield* arrayChunks(t.incidents);
  yield ',\n  "events": ';
  yield* arrayChunks(t.events);
  yield ',\n  "actions": ';
  yield* arrayChunks(t.actions);
  yield '\n}\n';
}

/** An array one level in, element by element, as JSON.stringify(..., null, 2) lays it out there. */
function* arrayChunks(items: readonly unknown[]): Generator<string> {
  if (items.length === 0) {
    yield '[]';
    return;
  }
  yield '[';
  for (let i = 0; i < items.length; i++) yield `${i ? ',' : ''}\n    ${JSON.stringify(withIsoTimes(items[i]), null, 2).replace(/\n/g, '\n    ')}`;
  yield '\n  ]';
}

export function renderJson(t: Timeline, o: { timeZone: string; demo?: boolean }): string {
  return [...jsonChunks(t, o)].join('');
}
