/**
 * A table from 30-bit keys to numbers that remembers the most recent entries, for the deduper:
 * open addressing in typed arrays, in two generations. Inserts go to the young one; when it is
 * half full it becomes the old one and the previous old one is cleared for reuse, so between
 * `slots / 2` and `slots` recent keys are remembered, in fixed memory (12 bytes a slot, two
 * generations), with no per-entry objects and no eviction walk. A Map of the same size costs
 * several times the memory and, at a few hundred thousand keys, most of the deduper's time.
 *
 * A generation's arrays start small and grow eightfold (keys moved over) as they fill, up to
 * `slots`: a short log touches little memory (first touching a page of fresh memory costs far more
 * than a probe), and what is remembered is the same, since a generation turns over by its count of
 * keys, never by the size its arrays have reached. Growing eightfold moves a seventh of the keys
 * doubling moved (131,000 for the deduper's first generation): 2-3 % of a 1M-line replay.
 */
import { FIRST_LOG2, GROWTH } from './columns.js';

const EMPTY = 0;
/** Keys are stored with this bit set, so 0 means an empty slot. */
const USED = 0x40000000;

export class RecentTable {
  private young: Generation;
  private old: Generation;

  constructor(slotsLog2 = 17) {
    this.young = new Generation(slotsLog2);
    this.old = new Generation(slotsLog2);
  }

  /** The value for `key`, or undefined. */
  get(key: number): number | undefined {
    const v = this.young.get(key);
    return v !== undefined ? v : this.old.get(key);
  }

  set(key: number, value: number): void {
    if (!this.young.set(key, value)) return;
    // a new key in the young generation
    if (this.young.count * 2 >= this.young.slots) {
      const spare = this.old;
      // the spare takes the young one's size at once: it will hold as many keys, and growing to it
      // again, doubling by doubling, moved every key it held each time (3 % of a flood's replay)
      spare.clear(this.young.size());
      this.old = this.young;
      this.young = spare;
    }
  }

  /** Forgets `key` (its slot stays taken until its generation is cleared). */
  delete(key: number): void {
    this.young.forget(key);
    this.old.forget(key);
  }
}

class Generation {
  /** The bound: slots the arrays may grow to. */
  readonly slots: number;
  private keys: Int32Array;
  private values: Float64Array;
  private mask: number;
  private shift: number;
  count = 0;

  constructor(maxLog2: number) {
    this.slots = 1 << maxLog2;
    const log2 = Math.min(maxLog2, FIRST_LOG2);
    this.keys = new Int32Array(1 << log2);
    this.values = new Float64Array(1 << log2);
    this.mask = (1 << log2) - 1;
    this.shift = 32 - log2;
  }

  private slot(key: number): number {
    const k = (key & 0x3fffffff) | USED;
    // Fibonacci hashing: the product's high bits spread keys that differ only in their low bits
    let i = Math.imul(k, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const at = this.keys[i];
      if (at === k || at === EMPTY) return i;
      i = (i + 1) & this.mask;
    }
  }

  get(key: number): number | undefined {
    const i = this.slot(key);
    if (this.keys[i] === EMPTY) return undefined;
    const v = this.values[i];
    return Number.isNaN(v) ? undefined : v;
  }

  /** True when the key was not in this generation before. */
  set(key: number, value: number): boolean {
    let i = this.slot(key);
    const fresh = this.keys[i] === EMPTY;
    if (fresh) {
      if ((this.count + 1) * 2 > this.keys.length && this.keys.length < this.slots) {
        this.grow();
        i = this.slot(key);
      }
      this.keys[i] = (key & 0x3fffffff) | USED;
      this.count++;
    }
    this.values[i] = value;
    return fresh;
  }

  forget(key: number): void {
    const i = this.slot(key);
    if (this.keys[i] !== EMPTY) this.values[i] = Number.NaN;
  }

  /** Slots its arrays have now. */
  size(): number {
    return this.keys.length;
  }

  /** Empties the generation, with arrays of at least `slots` slots: its own, grown already, are kept
   * when they have as many. */
  clear(slots: number): void {
    if (this.keys.length < slots) this.resize(slots);
    else this.keys.fill(EMPTY);
    this.count = 0;
  }

  private resize(slots: number): void {
    const log2 = 31 - Math.clz32(slots);
    this.keys = new Int32Array(1 << log2);
    this.values = new Float64Array(1 << log2);
    this.mask = (1 << log2) - 1;
    this.shift = 32 - log2;
  }

  /** GROWTH times the slots (up to the bound), every key (forgotten ones too: they still count) moved over. */
  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    this.resize(Math.min(keys.length * GROWTH, this.slots));
    for (let j = 0; j < keys.length; j++) {
      const k = keys[j];
      if (k === EMPTY) continue;
      const i = this.slot(k);
      this.keys[i] = k;
      this.values[i] = values[j];
    }
  }
}
