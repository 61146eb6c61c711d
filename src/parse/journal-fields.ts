/**
 * journalctl's entries written field by field, one per line, with the fields that say who wrote
 * the message (journald's own, which no program can set) on lines of their own:
 * - `-o verbose`: an entry opens with `Sun 2026-11-22 03:11:42.480123 UTC [s=...;i=...;b=...;
 *   m=MONO;t=REALTIME;x=...]` (the cursor's m and t: microseconds, hex), its fields follow as
 *   `    KEY=VALUE`;
 * - `-o export`: an entry opens with `__CURSOR=`, its fields are `KEY=VALUE`, a blank line ends
 *   it (a field that is not text is written as bytes: the entry ends there, read as far as it went).
 * LineParser gathers an entry's fields and reads them as journal JSON's entry with those fields.
 */
export const VERBOSE_HEAD_RE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+ \[s=[0-9a-f]+;i=[0-9a-f]+;b=[0-9a-f]+;m=([0-9a-f]+);t=([0-9a-f]+);x=[0-9a-f]+\]$/;
export const FIELD_RE = /^([A-Z0-9_]+)=/;
/** Fields kept per entry: journald writes a few dozen. */
export const ENTRY_FIELDS_MAX = 256;

/** A journal entry being read field by field, until it ends. */
export interface FieldsEntry {
  form: 'verbose' | 'export';
  fields: Record<string, string>;
  count: number;
  /** The MESSAGE field's line: the record's evidence. */
  messageLine?: string;
  messageLineNo?: number;
}

/** Whether `line` opens such an entry: the whole input is then read line by line (the line scanner). */
export function opensFieldsEntry(line: string): boolean {
  return line.startsWith('__CURSOR=') || VERBOSE_HEAD_RE.test(line);
}
