/**
 * The NDJSON view: one object per record with the kernel's key names at the top level (decoded),
 * then time (ISO 8601), serial, host, source and the classification. JSON.stringify escapes control
 * characters, so the output is terminal-safe by construction.
 */
import type { AppArmorRecord } from '../model/record.js';

const META_KEYS = new Set(['time', 'time_approx', 'uptime', 'serial', 'audit_id', 'host', 'source', 'carrier', 'audit_type', 'context', 'verdict', 'confidence', 'reasons', 'suggestion', 'raw']);

export function recordToJson(r: AppArmorRecord, opts: { raw?: boolean } = {}): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const k in r.fields) o[META_KEYS.has(k) ? `field_${k}` : k] = r.fields[k];
  if (o.apparmor === undefined) o.apparmor = r.kind;
  o.time = r.time !== undefined ? new Date(r.time).toISOString() : null;
  if (r.timeApprox) o.time_approx = true;
  if (r.uptime !== undefined) o.uptime = r.uptime;
  o.serial = r.serial ?? null;
  if (r.auditId !== undefined) o.audit_id = r.auditId;
  o.host = r.host ?? null;
  o.source = { name: r.source.name, line: r.source.line };
  o.carrier = r.carrier;
  if (r.auditType !== undefined) o.audit_type = r.auditType;
  if (r.context) o.context = r.context;
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

export function recordToNdjson(r: AppArmorRecord, opts?: { raw?: boolean }): string {
  return `${JSON.stringify(recordToJson(r, opts))}\n`;
}
