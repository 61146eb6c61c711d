/**
 * Reading the action journal for the timeline: one JSON entry per line, each kept with its line
 * number so the timeline can point at the evidence. Pure. Lenient like the journal's writer
 * expects: a torn last line or a foreign line is counted, not fatal.
 */
import type { ActionJournalEntry } from '../model/action.js';

export type JournalLine = { entry: ActionJournalEntry; line: number } | 'blank' | 'bad';

function isStringArrayArray(x: unknown): x is string[][] {
  return Array.isArray(x) && x.every((a) => Array.isArray(a) && a.every((s) => typeof s === 'string'));
}

export function parseJournalLine(text: string, line: number): JournalLine {
  if (!text.trim()) return 'blank';
  let x: unknown;
  try {
    x = JSON.parse(text);
  } catch {
    return 'bad';
  }
  const e = x as Partial<ActionJournalEntry> | null;
  if (!e || typeof e !== 'object' || Array.isArray(e)) return 'bad';
  if (e.v !== 1 || typeof e.id !== 'string' || (e.phase !== 'intent' && e.phase !== 'result')) return 'bad';
  if (typeof e.action !== 'string' || typeof e.profile !== 'string' || typeof e.time !== 'string' || Number.isNaN(Date.parse(e.time))) return 'bad';
  const entry = { ...e, argv: isStringArrayArray(e.argv) ? e.argv : [] } as ActionJournalEntry;
  if (entry.trigger !== undefined && (typeof entry.trigger !== 'object' || entry.trigger === null)) delete entry.trigger;
  if (entry.override !== undefined && (typeof entry.override !== 'object' || entry.override === null || typeof entry.override.reason !== 'string')) delete entry.override;
  for (const k of ['operator', 'host', 'file', 'reason', 'undoOf', 'modeBefore', 'modeAfter', 'outcome', 'error'] as const) {
    if (entry[k] !== undefined && typeof entry[k] !== 'string') delete entry[k];
  }
  const src = entry.trigger?.source;
  if (src !== undefined && (typeof src !== 'object' || src === null || typeof src.name !== 'string' || typeof src.line !== 'number')) delete entry.trigger!.source;
  if (entry.trigger && entry.trigger.auditId !== undefined && typeof entry.trigger.auditId !== 'string') delete entry.trigger.auditId;
  return { entry, line };
}
