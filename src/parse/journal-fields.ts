/**
 * journalctl's entries written field by field, one per line, with the fields that say who wrote
 * the message (journald's own, which no program can set) on lines of their own:
 * - `-o verbose`: an entry opens with `Sun 2026-11-22 03:11:42.480123 UTC [s=...;i=...;b=...;
 *   m=MONO;t=REALTIME;x=...]` (the cursor's m and t: microseconds, hex), its fields follow as
 *   `    KEY=VALUE`;
 * - `-o export`: an entry opens with `__CURSOR=`, its fields are `KEY=VALUE`, a blank line ends
 *   it. A field that is not plain text (a newline in it, as in SYSLOG_RAW, or other bytes) is
 *   written as `KEY`, a line of its own, then its length (8 bytes, little-endian), its bytes and
 *   a newline: read by that length, which may span lines and hold blank ones.
 * LineParser gathers an entry's fields and reads them as journal JSON's entry with those fields.
 */
export const VERBOSE_HEAD_RE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+ \[s=[0-9a-f]+;i=[0-9a-f]+;b=[0-9a-f]+;m=([0-9a-f]+);t=([0-9a-f]+);x=[0-9a-f]+\]$/;
export const FIELD_RE = /^([A-Z0-9_]+)=/;
/** An export field written as bytes: its name alone. */
export const BINARY_FIELD_RE = /^[A-Z0-9_]+$/;
/** Fields kept per entry: journald writes a few dozen. */
export const ENTRY_FIELDS_MAX = 256;

/** The fields journal JSON's reader reads (journal-json.ts): the others of an entry are not kept. */
const READ_FIELDS: ReadonlySet<string> = new Set([
  'MESSAGE',
  '_HOSTNAME',
  '_TRANSPORT',
  'SYSLOG_IDENTIFIER',
  '_COMM',
  '_PID',
  '_EXE',
  '__REALTIME_TIMESTAMP',
  '_SOURCE_MONOTONIC_TIMESTAMP',
  '_AUDIT_ID',
  '_SOURCE_REALTIME_TIMESTAMP',
  '_AUDIT_TYPE_NAME',
]);
/** Longest value kept of a field but MESSAGE (an entry is held until it ends: its size is bounded). */
export const FIELD_TEXT_MAX = 4096;

/** Whether a field is kept for the entry's reading. */
export function keptField(key: string): boolean {
  return READ_FIELDS.has(key) || key.startsWith('_AUDIT_FIELD_');
}

/** A journal entry being read field by field, until it ends. */
export interface FieldsEntry {
  form: 'verbose' | 'export';
  fields: Record<string, string>;
  count: number;
  /** The MESSAGE field's line: the record's evidence. */
  messageLine?: string;
  messageLineNo?: number;
  /** An export field written as bytes, being read: its name, the bytes still to come (with the
   * newline after them; -1: its length is still to be read), its text so far, the line of its
   * name, the length's text so far (a length byte 0x0a is a newline: the length spans lines). */
  binary?: { key: string; left: number; text: string; line: number; length: string | undefined };
}

/**
 * The length an export field written as bytes gives in the first 8 characters of `line`
 * (little-endian), or undefined when they are not 8 bytes read as they were (a byte above 0x7f
 * was not valid UTF-8 and is lost in the line's text).
 */
export function binaryLength(line: string): number | undefined {
  if (line.length < 8) return undefined;
  let n = 0;
  for (let i = 7; i >= 0; i--) {
    const c = line.charCodeAt(i);
    if (c > 0x7f) return undefined;
    n = n * 256 + c;
  }
  return n <= Number.MAX_SAFE_INTEGER ? n : undefined;
}

/** Whether `line` opens such an entry: the whole input is then read line by line (the line scanner). */
export function opensFieldsEntry(line: string): boolean {
  return line.startsWith('__CURSOR=') || VERBOSE_HEAD_RE.test(line);
}
