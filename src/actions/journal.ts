/**
 * The action journal: append-only JSON lines, each entry written and fsynced before the next step
 * (the intent before the command runs, the result after), so a crash mid-action still leaves the
 * intent on disk. I/O edge.
 *
 * A write that does not complete (a full disk cuts it short) is an error for the caller to show. A
 * line left torn by such a write is ended before the next entry is appended, so it is never glued
 * to a good entry; readers skip unreadable lines, report them by number and keep everything after.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ActionJournalEntry } from '../model/action.js';
import { journalLockPath, waitLock } from './lock.js';

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

/** The one call writeFully needs of a file handle (a test can stand in for it). */
export interface ByteWriter {
  write(buf: Buffer, offset: number, length: number): Promise<{ bytesWritten: number }>;
}

/** Writes all of `buf`: write(2) may write less than asked (a nearly full disk); no progress is an error. */
export async function writeFully(fh: ByteWriter, buf: Buffer): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesWritten } = await fh.write(buf, done, buf.length - done);
    if (bytesWritten <= 0) throw new Error(`wrote ${done} of ${buf.length} bytes`);
    done += bytesWritten;
  }
}

export async function appendJournal(path: string, entry: ActionJournalEntry): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o750 });
  // entries from two processes never interleave, and the torn-line check sees the file as it is
  const lock = await waitLock(journalLockPath(path), JOURNAL_LOCK_WAIT_MS);
  try {
    await appendLocked(path, entry);
  } finally {
    await lock.release();
  }
}

/** A journal append is one small write: another process holds its lock for milliseconds. */
const JOURNAL_LOCK_WAIT_MS = 10_000;

async function appendLocked(path: string, entry: ActionJournalEntry): Promise<void> {
  const fh = await open(path, 'a+', 0o640);
  try {
    const st = await fh.stat();
    let torn = false;
    if (st.isFile() && st.size > 0) {
      const last = Buffer.alloc(1);
      await fh.read(last, 0, 1, st.size - 1);
      torn = last[0] !== 0x0a;
    }
    // a line cut short by an earlier failed write is ended first: it stays unreadable on its own line
    await writeFully(fh, Buffer.from(`${torn ? '\n' : ''}${JSON.stringify(entry)}\n`));
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function isEntry(x: unknown): x is ActionJournalEntry {
  const e = x as ActionJournalEntry;
  return !!e && typeof e === 'object' && e.v === 1 && typeof e.id === 'string' && (e.phase === 'intent' || e.phase === 'result') && typeof e.action === 'string' && typeof e.profile === 'string';
}

export interface JournalContents {
  entries: ActionJournalEntry[];
  /** Line numbers (1-based) that hold no readable entry: torn by a failed write, or foreign. */
  unreadable: number[];
}

export function parseJournalText(text: string): JournalContents {
  const entries: ActionJournalEntry[] = [];
  const unreadable: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const x = JSON.parse(line) as unknown;
      if (isEntry(x)) entries.push(x);
      else unreadable.push(i + 1);
    } catch {
      // a torn or foreign line: the rest of the journal is still good
      unreadable.push(i + 1);
    }
  });
  return { entries, unreadable };
}

export function parseJournal(text: string): ActionJournalEntry[] {
  return parseJournalText(text).entries;
}

/** The journal's entries and its unreadable lines; empty when it does not exist yet. */
export async function readJournalContents(path: string): Promise<JournalContents> {
  try {
    return parseJournalText(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], unreadable: [] };
    throw err;
  }
}

/** The journal's entries; none when it does not exist yet. */
export async function readJournal(path: string): Promise<ActionJournalEntry[]> {
  return (await readJournalContents(path)).entries;
}
