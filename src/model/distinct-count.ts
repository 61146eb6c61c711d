import { hashString53 } from './digest.js';

/**
 * How many distinct keys were met, exactly up to `limit` of them, in bounded memory: an incident
 * says "and N other distinct accesses" or "and N more pids" for what it does not list, and the
 * same access or pid met again must not count twice. Past the limit a key that is not remembered
 * may be new or met before: the count then stops and says it is a lower bound (`atLeast`), or, when
 * asked for (`estimate`), it goes on as an estimate (`estimated`) from a sketch of 256 one-byte
 * registers fed with every key (HyperLogLog: about 6.5 % off, typically), never at or below the limit.
 *
 * Keys are non-negative safe integers (a pid, a 53-bit hash). The table is made on the first key and
 * doubles once three quarters are taken: a limit of three quarters of a power of two fills its last
 * table (192 keys: 256 slots of 8 bytes). Most incidents drop nothing and make none.
 */
const FIRST_SLOTS = 16;
const REGISTERS = 256;
/** HyperLogLog's constant for 256 registers. */
const ALPHA = 0.7213 / (1 + 1.079 / REGISTERS);

export class DistinctCount {
  /** key + 1 per slot (0: empty), open addressing. */
  private slots: Float64Array | undefined;
  private exact = 0;
  /** The sketch, made when the limit is passed (with `estimate`). */
  private registers: Uint8Array | undefined;
  /** A key past the limit was met and no estimate was asked for: `count` is a lower bound. */
  atLeast = false;

  constructor(
    private readonly limit: number,
    private readonly opts: { estimate?: boolean } = {},
  ) {}

  /** The keys met, exactly; past the limit a lower bound (atLeast) or an estimate (estimated). */
  get count(): number {
    const r = this.registers;
    return r === undefined ? this.exact : Math.max(this.limit + 1, Math.round(sketchEstimate(r)));
  }

  /** `count` is an estimate. */
  get estimated(): boolean {
    return this.registers !== undefined;
  }

  /** Notes a key. */
  note(key: number): void {
    if (this.registers !== undefined) {
      sketchAdd(this.registers, key);
      return;
    }
    if (this.slots === undefined) this.slots = new Float64Array(FIRST_SLOTS);
    const stored = key + 1;
    const i = this.slot(this.slots, stored);
    if (this.slots[i] === stored) return;
    if (this.exact >= this.limit) {
      if (this.opts.estimate) {
        // every key met so far into the sketch, then this one; the table is no longer needed
        const r = (this.registers = new Uint8Array(REGISTERS));
        for (const v of this.slots) if (v !== 0) sketchAdd(r, v - 1);
        sketchAdd(r, key);
        this.slots = undefined;
      } else this.atLeast = true;
      return;
    }
    this.slots[i] = stored;
    this.exact++;
    if (this.exact * 4 > this.slots.length * 3) this.grow();
  }

  private slot(slots: Float64Array, stored: number): number {
    const mask = slots.length - 1;
    // the low bits of a hash, or of a pid, spread well enough for a table this small
    let i = (stored % 0x100000) & mask;
    while (slots[i] !== 0 && slots[i] !== stored) i = (i + 1) & mask;
    return i;
  }

  private grow(): void {
    const old = this.slots!;
    const slots = new Float64Array(old.length * 2);
    for (let j = 0; j < old.length; j++) if (old[j] !== 0) slots[this.slot(slots, old[j])] = old[j];
    this.slots = slots;
  }
}

/** A key into the sketch: its 32-bit mix picks a register by its top 8 bits and offers the rank of
 * the first set bit of the rest. */
function sketchAdd(r: Uint8Array, key: number): void {
  // both halves of a 53-bit key, mixed (murmur3's finalizer): pids in a row land anywhere
  let h = (key >>> 0) ^ Math.imul(Math.floor(key / 0x100000000), 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  const at = h >>> 24;
  const rank = Math.clz32((h << 8) | 0x80) + 1;
  if (rank > r[at]) r[at] = rank;
}

/** HyperLogLog's estimate, with its correction for few keys (linear counting of empty registers). */
function sketchEstimate(r: Uint8Array): number {
  let sum = 0;
  let empty = 0;
  for (let j = 0; j < r.length; j++) {
    sum += 2 ** -r[j];
    if (r[j] === 0) empty++;
  }
  const e = (ALPHA * r.length * r.length) / sum;
  return e <= 2.5 * r.length && empty > 0 ? r.length * Math.log(r.length / empty) : e;
}

/** Keys for pids written otherwise than plainly (their hashes) start here, past every plain pid
 * (nine digits at most). */
const STRING_PID_KEYS = 2 ** 30;

/** A pid as a DistinctCount key: its number when written plainly (`1234`), else its text's hash
 * (53 bits, past every plain pid: a forged or odd pid text). */
export function pidCountKey(pid: string | number): number {
  if (typeof pid === 'number') return pid;
  if (pid.length <= 9 && PLAIN_PID_RE.test(pid)) return Number(pid);
  return STRING_PID_KEYS + (hashString53(pid) % 2 ** 52);
}
const PLAIN_PID_RE = /^[1-9][0-9]*$/;
