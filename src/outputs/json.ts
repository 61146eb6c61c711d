/**
 * The NDJSON view: one object per record with the kernel's key names at the top level (decoded),
 * then time (ISO 8601), serial, host, source and the classification. JSON.stringify escapes control
 * characters and jsonInert the invisible, direction and separator ones, so the output is
 * terminal-safe by construction.
 */
import { cutRendering, sharedClassification, type CutRendering } from '../classify/index.js';
import type { AppArmorRecord, Classification } from '../model/record.js';

const META_KEYS = new Set(['time', 'time_approx', 'time_invalid', 'uptime', 'serial', 'audit_id', 'host', 'source', 'carrier', 'channel', 'audit_type', 'context', 'verdict', 'confidence', 'reasons', 'suggestion', 'raw', 'undecoded_hex']);

export function recordToJson(r: AppArmorRecord, opts: { raw?: boolean } = {}): Record<string, unknown> {
  const o = recordBase(r);
  const c = r.classification;
  if (c) {
    o.verdict = c.verdict;
    o.confidence = c.confidence;
    o.reasons = c.reasons;
    if (c.suggestion) o.suggestion = c.suggestion;
  }
  if (opts.raw) o.raw = r.raw;
  return o;
}

/** Everything before the classification. */
function recordBase(r: AppArmorRecord): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const k in r.fields) o[META_KEYS.has(k) ? `field_${k}` : k] = r.fields[k];
  if (o.apparmor === undefined) o.apparmor = r.kind;
  o.time = r.time !== undefined ? isoTime(r.time) : null;
  if (r.timeApprox) o.time_approx = true;
  if (r.timeInvalid) o.time_invalid = true;
  if (r.uptime !== undefined) o.uptime = r.uptime;
  o.serial = r.serial ?? null;
  if (r.auditId !== undefined) o.audit_id = r.auditId;
  o.host = r.host ?? null;
  o.source = { name: r.source.name, line: r.source.line };
  o.carrier = r.carrier;
  if (r.channel !== undefined) o.channel = r.channel;
  if (r.auditType !== undefined) o.audit_type = r.auditType;
  if (r.context) o.context = r.context;
  if (r.undecoded) o.undecoded_hex = r.undecoded;
  return o;
}

/** A flood's records share milliseconds: the last conversion is kept. */
let lastTime = Number.NaN;
let lastIso = '';
function isoTime(t: number): string {
  if (t !== lastTime) {
    lastIso = new Date(t).toISOString();
    lastTime = t;
  }
  return lastIso;
}

/**
 * One NDJSON line: the same text as JSON.stringify(recordToJson(r)), faster. A flood repeats a few
 * verdicts whose reasons are most of each line, so a classification's JSON is made once per shared
 * classification (with the pid and the load's age filled in per record) instead of once per record.
 */
export function recordToNdjson(r: AppArmorRecord, opts?: { raw?: boolean }): string {
  const c = r.classification;
  if (!c) return jsonInert(`${JSON.stringify(recordToJson(r, opts))}\n`);
  const head = JSON.stringify(recordBase(r));
  const raw = opts?.raw ? `,"raw":${JSON.stringify(r.raw)}` : '';
  return jsonInert(`${head.slice(0, -1)},${classificationJson(c)}${raw}}\n`);
}

/** Characters JSON.stringify leaves as they are but a terminal would not show as written (see safeText). */
const INVISIBLE_RE = /[\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

/**
 * JSON text with invisible, direction and separator characters written as \u escapes: the same
 * JSON value, and `aa-triage --json` read on a terminal shows them as what they are.
 */
export function jsonInert(json: string): string {
  INVISIBLE_RE.lastIndex = 0;
  return INVISIBLE_RE.test(json) ? json.replace(INVISIBLE_RE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

/** `"verdict":...,"confidence":...,"reasons":[...][,"suggestion":{...}]`, cached per shared classification. */
const fragments = new WeakMap<Classification, string | CutRendering>();
function classificationJson(c: Classification): string {
  const shared = sharedClassification(c);
  const template = shared ? shared.template : c;
  let f = fragments.get(template);
  if (f === undefined) {
    const o: Record<string, unknown> = { verdict: template.verdict, confidence: template.confidence, reasons: template.reasons };
    if (template.suggestion) o.suggestion = template.suggestion;
    const text = JSON.stringify(o).slice(1, -1);
    f = shared ? cutRendering(text, jsonText) : text;
    fragments.set(template, f);
  }
  if (typeof f === 'string') return f;
  return shared!.fill(f, jsonText);
}

/** A string as JSON writes it inside quotes. */
const jsonText = (s: string): string => JSON.stringify(s).slice(1, -1);
