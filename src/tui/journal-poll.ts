/**
 * The operator's action journal as the view shows it (read-only here): read again whenever its
 * modification time changes. I/O edge: stats and reads the journal file.
 */
import { stat } from 'node:fs/promises';
import { readJournalContents } from '../actions/journal.js';
import type { DenialStore } from './denial-store.js';

/** How often the journal is looked at again while running. */
export const JOURNAL_POLL_MS = 2000;

/** A reader that puts the journal's entries into the store when the file changed since it last read it. */
export function journalReader(path: string, store: DenialStore): () => Promise<void> {
  let mtime = -1;
  return async () => {
    try {
      const st = await stat(path);
      if (st.mtimeMs === mtime) return;
      mtime = st.mtimeMs;
      const { entries, unreadable } = await readJournalContents(path);
      store.replaceActions(entries, unreadable);
    } catch {
      // no journal yet (or not readable): the action log says it is empty and where it looks
    }
  };
}
