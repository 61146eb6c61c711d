/**
 * Renderings of objects that recur, kept from an object's second sighting on. A flood's records
 * share a few fields objects and results, so an output renders each once; a log of one-off records
 * shares none, and a rendering kept for each of them only outlived the young generation of the
 * heap (a weak map's entries are held by a table the collector keeps in the old one, so every
 * one-off rendering was copied there) for nothing.
 *
 * A table by a number the caller has for the object's content (a digest's half): the first
 * sighting of a number leaves only the number in its slot (a table of numbers, no reference); a
 * second sighting of it keeps the object and its rendering in one of the two places of that number
 * (two objects with one number, such as one denial's results in two sequence contexts, take turns
 * without pushing each other out). A rendering is found only for the very object it was made from,
 * so a number shared by other content costs a rendering, never a wrong one.
 */
export class RecurringRenderings<K extends object, T> {
  private readonly mask: number;
  private readonly seen: Int32Array;
  /** Whether `seen` holds a number at all (a table of zeroes would take 0 for a sighting). */
  private readonly seenSet: Uint8Array;
  /** Two places per slot: 2s and 2s + 1. */
  private readonly keys: (K | undefined)[];
  private readonly texts: (T | undefined)[];
  /** Per slot: the place the next rendering goes to. */
  private readonly next: Uint8Array;

  /** `size`: slots, a power of two. */
  constructor(size: number) {
    this.mask = size - 1;
    this.seen = new Int32Array(size);
    this.seenSet = new Uint8Array(size);
    this.keys = new Array<K | undefined>(2 * size).fill(undefined);
    this.texts = new Array<T | undefined>(2 * size).fill(undefined);
    this.next = new Uint8Array(size);
  }

  /** The rendering kept for this very object, if any. */
  get(n: number, key: K): T | undefined {
    const p = 2 * (n & this.mask);
    if (this.keys[p] === key) return this.texts[p];
    return this.keys[p + 1] === key ? this.texts[p + 1] : undefined;
  }

  /** Whether an object with this number was seen before at its slot: a rendering made now is worth keeping. */
  recurs(n: number): boolean {
    const s = n & this.mask;
    if (this.seenSet[s] === 1 && this.seen[s] === n) return true;
    this.seen[s] = n;
    this.seenSet[s] = 1;
    return false;
  }

  /** Keeps the rendering of `key` (after recurs said it recurs). */
  keep(n: number, key: K, text: T): void {
    const s = n & this.mask;
    const p = 2 * s + this.next[s];
    this.next[s] ^= 1;
    this.keys[p] = key;
    this.texts[p] = text;
  }
}
