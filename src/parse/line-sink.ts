/**
 * What the parser takes lines through: the contract every reader (the line scanner for saved
 * inputs, the live sources' queues) delivers to. Defined here, on the parser's side, so readers
 * import the parser and the parser imports no reader.
 */
export interface LineSink {
  line(text: string): void;
  /** `count` lines that can matter to nobody went by (the numbering goes on). */
  skip?(count: number): void;
  /**
   * A line delivered only because it continues the audit event last delivered: none of the
   * parser's markers (LINE_MARKERS) is in it, so it holds no record and no loss notice. Read as
   * `line` reads it (a sink without this method is given it there).
   */
  eventLine?(text: string): void;
  /** A line of another audit event went by unread: what is held for the last one is complete. */
  endEvent?(): void;
}
