/**
 * Locks between aa-triage processes on one host: one per profile, so two actions on the same
 * profile never run their commands at once (both would read a state the other is changing and both
 * report it verified), and one for the action journal, so entries from two processes never
 * interleave. A lock is a file created exclusively holding the owner's pid; a lock whose owner is
 * gone (killed with -9, the host lost power) is stale and taken over. I/O edge.
 *
 * Lock files are named from a hash of the profile name, never from the name itself: the name can
 * come from a log record.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface HeldLock {
  release(): Promise<void>;
}

export type LockAttempt = { ok: true; lock: HeldLock } | { ok: false; holder: { pid: number; since?: string; ageMs: number } };

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds the lock; pid NaN: a lock file still empty (being written this instant, or its writer died then). */
async function holderOf(path: string): Promise<{ pid: number; since?: string; ageMs: number } | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  const st = await stat(path).catch(() => undefined);
  if (text === undefined || !st) return undefined;
  const ageMs = Date.now() - st.mtimeMs;
  if (!text.trim()) return { pid: Number.NaN, ageMs };
  const [pid, since] = text.trim().split(' ');
  return { pid: Number(pid), since, ageMs };
}

function held(h: { pid: number; ageMs: number }): boolean {
  if (Number.isNaN(h.pid)) return h.ageMs < 10_000;
  return h.pid === process.pid || alive(h.pid);
}

/** Takes the lock at `path` once: it is free, or its owner is gone. Otherwise says who holds it. */
export async function tryLock(path: string, now: () => Date = () => new Date()): Promise<LockAttempt> {
  await mkdir(dirname(path), { recursive: true, mode: 0o750 });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o640);
      try {
        await fh.write(`${process.pid} ${now().toISOString()}\n`);
      } finally {
        await fh.close();
      }
      return { ok: true, lock: { release: () => unlink(path).catch(() => undefined) } };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await holderOf(path);
    // an empty file is a lock being written this instant: its owner is alive
    if (holder && held(holder)) return { ok: false, holder };
    if (!holder) continue;
    await unlink(path).catch(() => undefined);
  }
  const holder = (await holderOf(path)) ?? { pid: 0, ageMs: 0 };
  return { ok: false, holder };
}

/** Waits for the lock (polling until `waitMs` has passed): for short critical sections like a journal append. */
export async function waitLock(path: string, waitMs: number): Promise<HeldLock> {
  const end = Date.now() + waitMs;
  for (;;) {
    const a = await tryLock(path);
    if (a.ok) return a.lock;
    if (Date.now() > end) throw new Error(`${path} is held by pid ${a.holder.pid}${a.holder.since ? ` since ${a.holder.since}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The lock file for actions on `profile`, beside the journal. */
export function profileLockPath(journalPath: string, profile: string): string {
  const h = createHash('sha256').update(profile).digest('hex').slice(0, 24);
  return join(dirname(journalPath), 'locks', `profile-${h}.lock`);
}

export function journalLockPath(journalPath: string): string {
  return join(dirname(journalPath), 'locks', 'journal.lock');
}
