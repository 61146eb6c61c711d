/**
 * The action journal: append-only JSON lines, each entry written and fsynced before the next step
 * (the intent before the command runs, the result after), so a crash mid-action still leaves the
 * intent on disk. I/O edge. Reading is lenient: a torn last line is skipped, not fatal.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ActionJournalEntry } from '../model/action.js';

/** Longest command output kept in an entry (the rest is cut, with a marker). */
export const MAX_OUTPUT = 4000;

export function defaultJournalPath(isRoot: boolean, env: NodeJS.ProcessEnv = process.env): string {
  if (isRoot) return '/var/log/aa-triage/actions.jsonl';
  const state = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(env.HOME || homedir(), '.local', 'state');
  return join(state, 'aa-triage', 'actions.jsonl');
}

export function newActionId(): string {
  return randomBytes(6).toString('hex');
}

export function cutOutput(s: string): string {
  return s.length > MAX_OUTPUT ? `${s.slice(0, MAX_OUTPUT)}\n[... ${s.length - MAX_OUTPUT} more characters cut]` : s;
}

export async function appendJournal(path: string, entry: ActionJournalEntry): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o750 });
  const fh = await open(path, 'a', 0o640);
  try {
    await fh.write(`${JSON.stringify(entry)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function isEntry(x: unknown): x is ActionJournalEntry {
  const e = x as ActionJournalEntry;
  return !!e && typeof e === 'object' && e.v === 1 && typeof e.id === 'string' && (e.phase === 'intent' || e.phase === 'result') && typeof e.action === 'string' && typeof e.profile === 'string';
}

export function parseJournal(text: string): ActionJournalEntry[] {
  const out: ActionJournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const x = JSON.parse(line) as unknown;
      if (isEntry(x)) out.push(x);
    } catch {
      // a torn or foreign line: the rest of the journal is still good
    }
  }
  return out;
}

/** The journal's entries; none when it does not exist yet. */
export async function readJournal(path: string): Promise<ActionJournalEntry[]> {
  try {
    return parseJournal(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
