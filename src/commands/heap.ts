/**
 * Memory before speed, in every mode: V8 then collects garbage sooner. The young generation stops
 * growing past its first size, and the old one is collected once it has grown by 60 % over what
 * survived the last collection (V8's default lets it grow by up to four times). Both are
 * heuristics V8 reads each time it sizes a heap space, so they take effect when set at run time.
 *
 * Streaming modes (--json, --plain, timeline): the peak of a 1M-line replay stays around 140 MB
 * instead of 230 MB, for 5-25 % more time (measured with npm run bench). Measured again on
 * 1M-line generated dmesg logs (CPU time with V8's default growth over this setting): a flood
 * 0.96 and all-distinct records 0.99 with records read from templates, one-offs 0.89 before them;
 * the peak 30-40 MB higher on the last two (132-140 MB instead of 99-103).
 *
 * The interactive view took a gentler setting once (the old generation doubling, the young one
 * growing), when a small young generation cost its keys 60-140 ms. With the view's work per frame
 * cut since, the same setting as the streaming modes keeps keys within their bounds and the
 * memory lower (bench/tui-flood.tsx, 50,000 records a second asked for, then on to 1,000,000
 * records; two runs each on a quiet machine, one beside a busy core): RSS after the million
 * 243-248 MB instead of 310-311 (236 instead of 312 beside the busy core), key latency median
 * 26-30 ms against 24 (42 against 34), worst 94-124 ms against 75-140.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { dropIdleCaches } from '../model/idle-caches.js';

export function preferSmallHeap(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--heap-growing-percent=60');
}

/**
 * The heap a flood left, given back in steps the program waits for one at a time, each about one
 * full collection long: what a long-running view needs after a flood, since an ordinary collection
 * frees only pages left wholly empty and the heap stays at about the size the flood grew it to.
 * The caller takes the steps only while nobody is typing, one per tick, and stops when a step gave
 * little back (tui/idle-compaction.ts); a key waits for one step at most, never for the whole.
 *
 * Step 0 drops the caches that only save work (model/idle-caches.ts), then is a plain full
 * collection: the flood's garbage goes, and V8 moves what its own judgement finds worth it. Each
 * later step is a full collection with V8's setting for memory over speed
 * (`--optimize-for-size`, set for that collection only): the live objects of the most fragmented
 * pages (a fifth of the page free or more), up to 6 MB of them, move out and those pages go back.
 * Moving every page at once (`--compact-on-every-full-gc`, what this did before) gave back a little
 * more but held the program for the whole heap's move, several times a step's length
 * (bench/findings.md). V8's collection function is reached through a fresh context, where the flag
 * below exposes it.
 */
let collect: (() => void) | undefined;
export function compactStep(step: number): void {
  if (!collect) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) collect = exposed;
    else {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    }
  }
  if (step === 0) {
    // what only saves work goes first: after a flood the caches hold the flood's denials
    dropIdleCaches();
    collect();
    return;
  }
  setFlagsFromString('--optimize-for-size');
  try {
    collect();
  } finally {
    setFlagsFromString('--no-optimize-for-size');
  }
}

/** Bytes of heap V8 holds from the system. */
export function heldHeap(): number {
  return getHeapStatistics().total_heap_size;
}
