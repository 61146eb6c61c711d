/**
 * The verdict vocabulary, defined once: the verdicts, "no verdict", how they rank, and the words and
 * badges that show them. The TUI's store, the timeline and every view use these.
 */

/** What the classifier says about one record. */
export type Verdict = 'likely-attack' | 'missing-rule' | 'unclear' | 'info';

/** A record nobody classified (no classifier ran, or it said nothing): never guessed. */
export const NO_VERDICT = 'unclassified';

/** A record's or a group's verdict, "no verdict" included. */
export type GroupVerdict = Verdict | typeof NO_VERDICT;

/**
 * How bad a verdict is, for "likely attacks first" and for a group's worst record. "No verdict"
 * ranks last: it is the absence of a judgement (a STATUS record, a record the classifier did not
 * see), so a group's verdict comes from the records that were judged, and a group nobody judged
 * sorts after the judged ones.
 */
export const VERDICT_RANK: Readonly<Record<GroupVerdict, number>> = { 'likely-attack': 4, unclear: 3, 'missing-rule': 2, info: 1, [NO_VERDICT]: 0 };

/** Every verdict, the most severe first. */
export const VERDICTS: readonly GroupVerdict[] = ['likely-attack', 'unclear', 'missing-rule', 'info', NO_VERDICT];

/** VERDICT_RANK[v], "no verdict"'s rank for any other text (compared, not looked up: it runs several times per record). */
export function verdictRank(v: string): number {
  switch (v) {
    case 'likely-attack':
      return VERDICT_RANK['likely-attack'];
    case 'unclear':
      return VERDICT_RANK.unclear;
    case 'missing-rule':
      return VERDICT_RANK['missing-rule'];
    case 'info':
      return VERDICT_RANK.info;
    default:
      return VERDICT_RANK[NO_VERDICT];
  }
}

/** The verdict in words (timeline text and markdown). */
export const VERDICT_WORD: Readonly<Record<GroupVerdict, string>> = {
  'likely-attack': 'LIKELY ATTACK',
  unclear: 'unclear',
  'missing-rule': 'missing rule',
  info: 'info',
  [NO_VERDICT]: 'unclassified',
};

/** Glyph and word for the TUI: the meaning must survive a monochrome terminal. */
export const VERDICT_BADGE: Readonly<Record<GroupVerdict, string>> = {
  'likely-attack': '!! ATTACK',
  unclear: '~ UNCLEAR',
  [NO_VERDICT]: '? ',
  'missing-rule': '+ RULE',
  info: 'i INFO',
};
