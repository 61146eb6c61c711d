/**
 * A table from 30-bit keys to numbers that remembers the most recent entries, for the deduper:
 * open addressing in typed arrays, in two generations. Inserts go to the young one; when it is
 * half full it becomes the old one and the previous old one is cleared for reuse, so between
 * `slots / 2` and `slots` recent keys are remembered, in fixed memory (12 bytes a slot, two
 * generations), with no per-entry objects and no eviction walk. A Map of the same size costs
 * several times the memory and, at a few hundred thousand keys, most of the deduper's time.
 */
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
    if (this.young.count * 2 >= this.young.keys.length) {
      const spare = this.old;
      spare.clear();
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
  readonly keys: Int32Array;
  private readonly values: Float64Array;
  private readonly mask: number;
  private readonly shift: number;
  count = 0;

  constructor(log2: number) {
    this.keys = new Int32Array(1 << log2);
    this.values = new Float64Array(1 << log2);
    this.mask = (1 << log2) - 1;
    this.shift = 32 - log2;
  }

  private slot(key: number): number {
    const k = (key & 0x3fffffff) | USED;
    // Fibonacci hashing: the product's high bits spread keys that differ only in their low bits
    let i = Math.imul(key, 0x9e3779b1) >>> this.shift;
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
    const i = this.slot(key);
    const fresh = this.keys[i] === EMPTY;
    if (fresh) {
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

  clear(): void {
    this.keys.fill(EMPTY);
    this.count = 0;
  }
}
