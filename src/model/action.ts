/**
 * The action journal's entry: one JSON line written (and fsynced) before a state change (`intent`)
 * and one after it (`result`), sharing an id. A reviewer reads these to tell an operator's change
 * from an attacker's; the timeline interleaves them with the records.
 */

export type ActionKind =
  | 'complain' // aa-complain FILE, or the profile's flags edited (persistent: edits the file)
  | 'complain-runtime' // apparmor_parser -r -C FILE (until the next reload)
  | 'unload' // apparmor_parser -R FILE
  | 'disable' // symlink into disable/ + apparmor_parser -R FILE
  | 'enforce' // aa-enforce FILE, or the profile's flags edited: undo of complain
  | 'reload' // apparmor_parser -r FILE: undo of complain-runtime and unload
  | 'enable' // remove the disable/ link + apparmor_parser -r FILE: undo of disable
  | 'allow' // add a rule (local/ include or a marked block) + apparmor_parser -r FILE
  | 'remove-rule'; // remove exactly the lines an allow added + apparmor_parser -r FILE: undo of allow

/** One line of a file replaced in place (0-based): a profile's flags, for complain or enforce. */
export interface LineReplacement {
  at: number;
  from: string;
  to: string;
}

/** One file an action changed (an allow, a mode flag, their undo): the lines, where, and the file as the action left it. */
export interface JournaledEdit {
  file: string;
  /** The action created the file (its undo deletes it) or deleted it (undo of a created file). */
  created?: boolean;
  deleted?: boolean;
  /** 0-based line where the lines were inserted (or removed). */
  at: number;
  added?: string[];
  removed?: string[];
  /** Lines replaced in place (a profile's flags: complain or enforce without aa-complain). */
  replaced?: LineReplacement[];
  /** The change as a unified diff. */
  diff: string[];
  /** sha256 of the file as the action left it: an undo touches only a file still like this. */
  sha256After?: string;
  /** The file as the action left it (when small), to show what changed since. */
  after?: string;
}

export interface ActionJournalEntry {
  /** Format version. */
  v: 1;
  /** Shared by the intent and the result of one action. */
  id: string;
  phase: 'intent' | 'result';
  /** ISO 8601. */
  time: string;
  /** SUDO_USER, else the user. */
  operator: string;
  host: string;
  action: ActionKind;
  /** The profile acted on: the top-level profile of the file. */
  profile: string;
  /** The name the action was asked for when it differs from `profile` (a child or hat acts on its parent's file). */
  requested?: string;
  file?: string;
  /** Every command run, as argument arrays (never a shell line). */
  argv: string[][];
  /**
   * What apparmor_parser read on standard input, when the file declares other profiles and only
   * this one was loaded or removed: which lines of the file (actions/profile-extract.ts).
   */
  input?: string;
  /** The record that led to the action; `evidence` is its raw line (cut), as read. */
  trigger?: { auditId?: string; serial?: number; source?: { name: string; line: number }; verdict?: string; evidence?: string };
  modeBefore?: string;
  modeAfter?: string;
  /** For result entries. */
  exitCodes?: (number | null)[];
  output?: string;
  verified?: boolean;
  outcome?: 'verified' | 'failed' | 'unverified';
  error?: string;
  /** Acting against a likely attack needs a typed reason. */
  override?: { reason: string };
  reason?: string;
  /** The id of the action this one undoes. */
  undoOf?: string;
  dryRun?: boolean;
  /** allow: the rules added. */
  rules?: string[];
  /** allow, a complain or enforce made by editing the profile's flags, and their undo: the exact file changes. */
  edits?: JournaledEdit[];
}

/** A line an action replaced in a profile file, as the journal says (read leniently: a journal is a file anyone with root can edit). */
export interface ReplacedLine {
  file: string;
  /** 1-based. */
  line: number;
  from: string;
  to: string;
}

export function replacedLines(e: ActionJournalEntry): ReplacedLine[] {
  const out: ReplacedLine[] = [];
  if (!Array.isArray(e.edits)) return out;
  for (const ed of e.edits) {
    if (!ed || typeof ed.file !== 'string' || !Array.isArray(ed.replaced)) continue;
    for (const r of ed.replaced) if (r && typeof r.at === 'number' && typeof r.from === 'string' && typeof r.to === 'string') out.push({ file: ed.file, line: r.at + 1, from: r.from, to: r.to });
  }
  return out;
}

/** `wrote line 3 of FILE: NEW (was OLD)`, each part through `esc` (log and journal text is never trusted). */
export function replacedText(lines: ReplacedLine[], esc: (s: string) => string): string {
  return `wrote ${lines.map((r) => `line ${r.line} of ${esc(r.file)}: ${esc(r.to.trim())} (was ${esc(r.from.trim())})`).join('; ')}`;
}
