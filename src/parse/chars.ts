/**
 * The characters the record tokenizers (fields.ts, fast-record.ts) tell apart, by code, and the
 * separators between a record's fields: space, tab, auditd's 0x1D before its enriched fields, and
 * the ends of a line.
 */
export const SP = 0x20,
  TAB = 0x09,
  GS = 0x1d,
  DQ = 0x22,
  SQ = 0x27,
  EQ = 0x3d,
  BS = 0x5c,
  CR = 0x0d,
  LF = 0x0a;

/** Every separator is below 0x21: most characters are told apart by the first comparison. */
export function isSep(c: number): boolean {
  return c <= SP && (c === SP || c === TAB || c === GS || c === CR || c === LF);
}
