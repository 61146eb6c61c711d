import { hashString53 } from './digest.js';

/**
 * How many distinct keys were met, exactly up to `limit` of them, in bounded memory: an incident
 * says "and N other distinct accesses" or "and N more pids" for what it does not list, and the
 * same access or pid met again must not count twice. Past the limit a key that is not remembered
 * may be new or met before, so the count stops there and says it is a lower bound (`atLeast`).
 *
 * Keys are non-negative safe integers (a pid, a 53-bit hash). The table is made on the first key and
 * doubles once three quarters are taken: a limit of three quarters of a power of two fills its last
 * table (192 keys: 256 slots of 8 bytes). Most incidents drop nothing and make none.
 */
const FIRST_SLOTS = 16;

export class DistinctCount {
  /** key + 1 per slot (0: empty), open addressing. */
  private slots: Float64Array | undefined;
  count = 0;
  /** A key past the limit was met: `count` is a lower bound. */
  atLeast = false;

  constructor(private readonly limit: number) {}

  /** Notes a key. */
  note(key: number): void {
    if (this.slots === undefined) this.slots = new Float64Array(FIRST_SLOTS);
    const stored = key + 1;
    const i = this.slot(this.slots, stored);
    if (this.slots[i] === stored) return;
    if (this.count >= this.limit) {
      this.atLeast = true;
      return;
    }
    this.slots[i] = stored;
    this.count++;
    if (this.count * 4 > this.slots.length * 3) this.grow();
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
