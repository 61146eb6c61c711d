/**
 * How a reader whose data keeps (a followed file, a saved input, the journal) waits while the
 * parser is behind, instead of having its lines dropped (line-queue.ts): until the session's
 * queues have room again, checked every 10 ms, or until the reader is stopped.
 */
const CHECK_MS = 10;

export async function waitForParser(busy: () => boolean, stopped: () => boolean): Promise<void> {
  while (busy() && !stopped()) await new Promise((r) => setTimeout(r, CHECK_MS));
}
