/**
 * journalctl -o json and dmesg --json entries: pull the message text and the carrier facts out of
 * one JSON line. journald quirks: a field that is not valid UTF-8 comes as an array of byte numbers,
 * an oversized one as null, a repeated one as an array of values.
 */
import type { AuditId } from './fields.js';

export interface JsonEntry {
  kind: 'journal' | 'dmesg';
  /** The message text, or undefined when journald left it out (null: too large). */
  message?: string;
  messageWasNull?: boolean;
  host?: string;
  time?: number;
  uptime?: number;
  transport?: string;
  /** The program that logged the entry, when journald's transport says a program did (see AppArmorRecord.writer). */
  writer?: string;
  /** That program's executable as journald read it from the process (`_EXE`), which no program can set. */
  writerExe?: string;
  auditId?: AuditId;
  auditType?: string;
  /** Rebuilt from _AUDIT_FIELD_* when MESSAGE is missing but journald parsed the record. */
  auditFields?: Record<string, string>;
}

const BYTES = new TextDecoder('utf-8');

/** A journald field value as text: strings as they are, byte arrays decoded, repeated values: the first. */
export function journalText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    if (v.length > 0 && v.every((b) => typeof b === 'number')) return BYTES.decode(Uint8Array.from(v as number[]));
    for (const item of v) {
      const t = journalText(item);
      if (t !== undefined) return t;
    }
  }
  if (typeof v === 'number') return String(v);
  return undefined;
}

/** Parses a line that starts with `{`. Returns undefined when it is not a journal or dmesg entry. */
export function parseJsonEntry(line: string): JsonEntry | undefined {
  let text = line.trim();
  // dmesg --json prints a pretty document: entries are lines like `{"pri":5, "time": 1.2, "msg":"..."},`
  if (text.endsWith(',')) text = text.slice(0, -1);
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const o = obj as Record<string, unknown>;
  if ('msg' in o && ('pri' in o || 'time' in o) && !('MESSAGE' in o)) {
    const e: JsonEntry = { kind: 'dmesg', message: journalText(o.msg) };
    if (typeof o.time === 'number') e.uptime = o.time;
    else if (typeof o.time === 'string') {
      const t = Date.parse(o.time);
      if (!Number.isNaN(t)) e.time = t;
    }
    return e;
  }
  if (!('MESSAGE' in o) && !('__REALTIME_TIMESTAMP' in o) && !('_TRANSPORT' in o)) return undefined;
  const e: JsonEntry = { kind: 'journal' };
  if (o.MESSAGE === null) e.messageWasNull = true;
  else e.message = journalText(o.MESSAGE);
  e.host = journalText(o._HOSTNAME);
  e.transport = journalText(o._TRANSPORT);
  if (e.transport !== undefined && e.transport !== 'kernel' && e.transport !== 'audit') {
    // journald's own fields (underscored) no program can set; the identifier it can
    const ident = journalText(o.SYSLOG_IDENTIFIER) ?? journalText(o._COMM) ?? 'a program';
    const pid = journalText(o._PID);
    e.writer = pid !== undefined && /^\d+$/.test(pid) ? `${ident}[${pid}]` : ident;
    const exe = journalText(o._EXE);
    if (exe !== undefined) e.writerExe = exe;
  }
  const rt = journalText(o.__REALTIME_TIMESTAMP);
  if (rt && /^\d+$/.test(rt)) e.time = Math.floor(Number(rt) / 1000);
  const mono = journalText(o._SOURCE_MONOTONIC_TIMESTAMP);
  if (mono && /^\d+$/.test(mono)) e.uptime = Number(mono) / 1e6;
  const aid = journalText(o._AUDIT_ID);
  const srt = journalText(o._SOURCE_REALTIME_TIMESTAMP);
  if (aid && /^\d+$/.test(aid) && srt && /^\d+$/.test(srt)) {
    // journald takes _SOURCE_REALTIME_TIMESTAMP from `audit(SEC.MSEC:ID)`: rebuild the same id
    const us = Number(srt);
    const sec = Math.floor(us / 1e6);
    const ms = Math.floor((us % 1e6) / 1000);
    e.auditId = { id: `${sec}.${String(ms).padStart(3, '0')}:${aid}`, time: sec * 1000 + ms, serial: Number(aid) };
  }
  e.auditType = journalText(o._AUDIT_TYPE_NAME);
  if (e.message === undefined) {
    const fields: Record<string, string> = {};
    let any = false;
    for (const k in o) {
      if (k.startsWith('_AUDIT_FIELD_')) {
        const v = journalText(o[k]);
        if (v !== undefined) {
          fields[k.slice(13).toLowerCase()] = v;
          any = true;
        }
      }
    }
    if (any) e.auditFields = fields;
  }
  return e;
}
