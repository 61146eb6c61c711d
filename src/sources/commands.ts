/**
 * Argument arrays for the subprocesses (never a shell). Pure, so the exact command lines are tested.
 */
import type { TimeWindow } from './time-spec.js';

export interface JournalQuery {
  transports: ('kernel' | 'audit')[];
  window: TimeWindow;
  /** --boot N / boot id; undefined: this boot for the host journal, everything for a copied one. */
  boot?: string;
  directory?: string;
  file?: string;
  /** Resume strictly after this entry (journalctl restarted, or follow after the backfill). */
  afterCursor?: string;
  follow: boolean;
}

export function journalctlArgs(q: JournalQuery): string[] {
  const a = ['--no-pager', '--quiet', '--output=json', '--all'];
  if (q.directory !== undefined) a.push(`--directory=${q.directory}`);
  if (q.file !== undefined) a.push(`--file=${q.file}`);
  const host = q.directory === undefined && q.file === undefined;
  if (q.boot !== undefined) a.push(`--boot=${q.boot}`);
  else if (host && q.window.since === undefined) a.push('--boot');
  if (q.window.since !== undefined) a.push(`--since=@${Math.floor(q.window.since / 1000)}`);
  if (q.window.until !== undefined) a.push(`--until=@${Math.ceil(q.window.until / 1000)}`);
  if (q.afterCursor !== undefined) a.push(`--after-cursor=${q.afterCursor}`);
  if (q.follow) a.push('--follow', '--lines=all');
  for (const t of q.transports) a.push(`_TRANSPORT=${t}`);
  return a;
}

export function dmesgArgs(follow: boolean): string[] {
  return follow ? ['--follow'] : [];
}

/** The `__CURSOR` of one `journalctl -o json` line, without decoding the whole entry. */
export function journalCursor(line: string): string | undefined {
  const k = line.indexOf('"__CURSOR":"');
  if (k < 0) return undefined;
  const start = k + 12;
  const end = line.indexOf('"', start);
  if (end < 0) return undefined;
  const c = line.slice(start, end);
  // journald cursors are `s=...;i=...;b=...;m=...;t=...;x=...`: anything else is not passed on
  return /^[A-Za-z0-9=;_-]+$/.test(c) ? c : undefined;
}
