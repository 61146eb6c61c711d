/**
 * Caches that only save work, dropped when an interactive view goes idle. After a flood they hold
 * the flood's denials, which may never come again, and a view left open for hours should not keep
 * them: what they hold is made again from the next records that need it, and dropping it changes
 * no record and no verdict (each cache has an equivalence test against the path it shortcuts, with
 * drops in the middle). The view drops them before it gives its heap back (commands/heap.ts).
 *
 * A cache registers itself when it is made; it is held weakly, so a parser or a classifier that is
 * done with goes as it would.
 */
export interface IdleCache {
  /** Forgets everything it holds; the next use starts as a new cache would. */
  drop(): void;
}

const caches = new Set<WeakRef<IdleCache>>();

export function dropWhenIdle(cache: IdleCache): void {
  caches.add(new WeakRef(cache));
}

/** Drops every registered cache still alive; how many were dropped. */
export function dropIdleCaches(): number {
  let n = 0;
  for (const ref of caches) {
    const c = ref.deref();
    if (c === undefined) caches.delete(ref);
    else {
      c.drop();
      n++;
    }
  }
  return n;
}
