/**
 * The classifier's only state: what happened recently, in bounded memory.
 * - attack signals per pid (and per profile), so several from one process in a short window
 *   reinforce each other;
 * - the last profile_load / profile_replace per profile, so a burst of denials right after it reads
 *   as a tightened profile starting up;
 * - how often the same access was denied, so one a running service keeps retrying leans towards a
 *   missing rule (a weight, never enough to outvote an attack signal).
 * Time is the record's own clock; records without one use the latest time seen.
 */

export const PID_WINDOW_MS = 120_000;
export const PROFILE_WINDOW_MS = 30_000;
export const LOAD_WINDOW_MS = 120_000;
/** A denial seen this often over this long is a service retrying, not an intruder (who moves on). */
export const REPEAT_COUNT = 3;
export const REPEAT_SPAN_MS = 30_000;
const MAX_KEYS = 4096;
const MAX_EVENTS_PER_KEY = 16;

/**
 * A map that forgets its oldest keys past a size, in O(1): two generations; when the young one is
 * full it becomes the old one and the previous old one is dropped (`dropped` hears of it).
 * (Evicting the first key of one Map on every insert walks V8's deleted-entry tombstones each time
 * and turns quadratic.)
 */
export class BoundedMap<V, K = string> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  constructor(
    private readonly max: number,
    private readonly dropped?: (gone: Map<K, V>, kept: Map<K, V>) => void,
  ) {}
  get(k: K): V | undefined {
    const v = this.young.get(k);
    if (v !== undefined) return v;
    const o = this.old.get(k);
    if (o !== undefined) this.set(k, o);
    return o;
  }
  set(k: K, v: V): void {
    this.young.set(k, v);
    if (this.young.size >= this.max / 2) {
      const gone = this.old;
      this.old = this.young;
      this.young = new Map();
      this.dropped?.(gone, this.old);
    }
  }
  get size(): number {
    return this.young.size + this.old.size;
  }
}

/**
 * Signal tags as small integers. They are the classifier's own names (signals.ts), a few dozen:
 * the table never grows past them.
 */
const TAG_IDS = new Map<string, number>();
const TAG_NAMES: string[] = [];
function tagId(tag: string): number {
  let id = TAG_IDS.get(tag);
  if (id === undefined) {
    if (TAG_NAMES.length > 255) throw new Error(`more signal tags than the sequence memory holds: ${tag}`);
    id = TAG_NAMES.length;
    TAG_IDS.set(tag, id);
    TAG_NAMES.push(tag);
  }
  return id;
}

/** A pid as a map key: a number when it is one written plainly, the text otherwise (so `07` and
 * `7` stay two keys, as they are two texts). */
type PidKey = number | string;
function pidKey(pid: string): PidKey {
  const n = pid.length;
  if (n === 0 || n > 9 || (pid.charCodeAt(0) === 0x30 && n > 1)) return pid;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = pid.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return pid;
    v = v * 10 + c;
  }
  return v;
}

/**
 * The marks of each key (a pid, a profile): its distinct tags in the order first met, each with
 * the latest time, at most MAX_EVENTS_PER_KEY (the oldest tag leaves first). Held in typed arrays,
 * one row per key; a key's row is reused once its map has forgotten the key.
 */
class MarkTable<K> {
  private readonly tags = new Uint8Array(MAX_KEYS * MAX_EVENTS_PER_KEY);
  private readonly times = new Float64Array(MAX_KEYS * MAX_EVENTS_PER_KEY);
  private readonly counts = new Uint8Array(MAX_KEYS);
  private readonly free: number[] = [];
  private next = 0;
  private readonly rows = new BoundedMap<number, K>(MAX_KEYS, (gone, kept) => {
    for (const [k, row] of gone) if (!kept.has(k)) this.free.push(row);
  });

  get size(): number {
    return this.rows.size;
  }

  add(k: K, tag: number, t: number): void {
    let row = this.rows.get(k);
    if (row === undefined) {
      row = this.free.length > 0 ? this.free.pop()! : this.next++;
      this.counts[row] = 0;
      this.rows.set(k, row);
    }
    const at = row * MAX_EVENTS_PER_KEY;
    const n = this.counts[row];
    // a flood repeats the same signal: refresh its time instead of adding a mark per record
    for (let i = 0; i < n; i++) {
      if (this.tags[at + i] === tag) {
        this.times[at + i] = Math.max(this.times[at + i], t);
        return;
      }
    }
    if (n === MAX_EVENTS_PER_KEY) {
      this.tags.copyWithin(at, at + 1, at + n);
      this.times.copyWithin(at, at + 1, at + n);
      this.tags[at + n - 1] = tag;
      this.times[at + n - 1] = t;
    } else {
      this.tags[at + n] = tag;
      this.times[at + n] = t;
      this.counts[row] = n + 1;
    }
  }

  /** The key's tags marked within `win` before `t`, in order, into `out`; how many. */
  recent(k: K, t: number, win: number, out: Uint8Array): number {
    const row = this.rows.get(k);
    if (row === undefined) return 0;
    const at = row * MAX_EVENTS_PER_KEY;
    const n = this.counts[row];
    let m = 0;
    for (let i = 0; i < n; i++) {
      const mt = this.times[at + i];
      if (t >= mt && t - mt <= win) out[m++] = this.tags[at + i];
    }
    return m;
  }
}

/**
 * How often each access was denied and since when, by the cache key's first half: one row per key
 * in typed arrays, and the keys' rows in a table of integers (IntRowMap): a log of one-off records
 * notes a new key for nearly every record, and an object per key, or a Map's entry tables filled
 * and dropped every 2,048 keys, outlived the young generation of the heap (a fifth of what a
 * replay of all-distinct records promoted to the old one). A row is reused once its key is forgotten.
 */
class RepeatTable {
  private readonly key2 = new Float64Array(MAX_KEYS);
  private readonly n = new Float64Array(MAX_KEYS);
  private readonly first = new Float64Array(MAX_KEYS);
  private readonly free: number[] = [];
  private next = 0;
  private readonly rows = new IntRowMap(MAX_KEYS, (row) => this.free.push(row));

  /** SequenceMemory.noteRepeat. */
  note(key1: number, key2: number, t: number): boolean {
    let row = this.rows.get(key1);
    if (row < 0 || this.key2[row] !== key2) {
      if (row < 0) {
        row = this.free.length > 0 ? this.free.pop()! : this.next++;
        this.rows.set(key1, row);
      } else this.rows.set(key1, row);
      this.key2[row] = key2;
      this.n[row] = 0;
      this.first[row] = t;
    } else if (this.n[row] >= REPEAT_COUNT && t - this.first[row] >= REPEAT_SPAN_MS) return true;
    const n = ++this.n[row];
    if (t < this.first[row]) this.first[row] = t;
    return n >= REPEAT_COUNT && t - this.first[row] >= REPEAT_SPAN_MS;
  }
}

/**
 * BoundedMap for keys that are non-negative 30-bit integers (the digest's halves) and values that
 * are rows (non-negative integers), in typed arrays: the same keys are kept and forgotten at the
 * same moments (a key found in the old generation is set again in the young one; the young one
 * turns old when it holds max / 2 keys), with no allocation once made. `dropped` hears of each row
 * whose key is forgotten: in the generation dropped and not in the one kept.
 */
export class IntRowMap {
  private young: IntGeneration;
  private old: IntGeneration;
  constructor(
    private readonly max: number,
    private readonly dropped: (row: number) => void,
  ) {
    // max / 2 keys at most per generation, in max slots: probes stay short
    this.young = new IntGeneration(max);
    this.old = new IntGeneration(max);
  }
  /** The key's row, or -1. */
  get(k: number): number {
    const v = this.young.get(k);
    if (v >= 0) return v;
    const o = this.old.get(k);
    if (o >= 0) this.set(k, o);
    return o;
  }
  set(k: number, row: number): void {
    this.young.set(k, row);
    if (this.young.count >= this.max / 2) {
      const gone = this.old;
      this.old = this.young;
      gone.forgetAllBut(this.old, this.dropped);
      this.young = gone;
    }
  }
  get size(): number {
    return this.young.count + this.old.count;
  }
}

/** Keys are stored with this bit set, so 0 is an empty slot. */
const USED = 0x40000000;

class IntGeneration {
  private readonly keys: Int32Array;
  private readonly rows: Int32Array;
  private readonly mask: number;
  private readonly shift: number;
  count = 0;

  constructor(slots: number) {
    const log2 = 31 - Math.clz32(slots);
    this.keys = new Int32Array(1 << log2);
    this.rows = new Int32Array(1 << log2);
    this.mask = (1 << log2) - 1;
    this.shift = 32 - log2;
  }

  private slot(k: number): number {
    const stored = (k & 0x3fffffff) | USED;
    let i = Math.imul(stored, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const at = this.keys[i];
      if (at === stored || at === 0) return i;
      i = (i + 1) & this.mask;
    }
  }

  get(k: number): number {
    const i = this.slot(k);
    return this.keys[i] === 0 ? -1 : this.rows[i];
  }

  set(k: number, row: number): void {
    const i = this.slot(k);
    if (this.keys[i] === 0) {
      this.keys[i] = (k & 0x3fffffff) | USED;
      this.count++;
    }
    this.rows[i] = row;
  }

  /** Empties this generation, telling `dropped` of each row whose key `kept` does not hold. */
  forgetAllBut(kept: IntGeneration, dropped: (row: number) => void): void {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      const stored = keys[i];
      if (stored !== 0 && kept.get(stored & 0x3fffffff) < 0) dropped(this.rows[i]);
    }
    keys.fill(0);
    this.count = 0;
  }
}

/** Attack signals seen before a record, one object per distinct answer (shared, read-only). */
export interface PriorAttacks {
  scope: 'pid' | 'profile';
  tags: readonly string[];
  /** A small integer naming this answer (the same answer, the same number). */
  id: number;
}

/** A recent load or replace of a profile; the object is reused by the next call. */
export interface RecentLoad {
  profile: string;
  op: string;
  ageMs: number;
  /** A small integer naming the profile and the operation (not the age). */
  id: number;
}

export class SequenceMemory {
  private now = 0;
  private readonly byPid = new MarkTable<PidKey>();
  private readonly byProfile = new MarkTable<string>();
  private readonly loads = new BoundedMap<{ t: number; op: string; id: number }>(MAX_KEYS);
  private readonly repeats = new RepeatTable();
  /** The answers of priorAttacks met so far, by a hash of their scope and tags (forgotten whole
   * past MAX_KEYS: a forgotten answer comes back as a new object with a new id). */
  private readonly priors = new Map<number, KnownPrior[]>();
  private readonly loadIds = new Map<string, Map<string, number>>();
  private readonly scratch = new Uint8Array(MAX_EVENTS_PER_KEY);
  private readonly load: RecentLoad = { profile: '', op: '', ageMs: 0, id: 0 };

  /**
   * Counts one more sighting of the same access (by its key, whatever the pid) and says whether it
   * now repeats: seen REPEAT_COUNT times or more over at least REPEAT_SPAN_MS.
   */
  noteRepeat(key1: number, key2: number, t: number): boolean {
    return this.repeats.note(key1, key2, t);
  }

  /** The time to reason with for a record. */
  clock(t: number | undefined): number {
    if (t !== undefined && t > this.now) this.now = t;
    return t ?? this.now;
  }

  noteLoad(profile: string, op: string, t: number): void {
    let ops = this.loadIds.get(profile);
    if (ops === undefined) {
      // a profile name is the log's text: the table of names is forgotten whole past a size
      if (this.loadIds.size >= MAX_KEYS) this.loadIds.clear();
      this.loadIds.set(profile, (ops = new Map()));
    }
    let id = ops.get(op);
    if (id === undefined) ops.set(op, (id = ++this.loadCount));
    this.loads.set(profile, { t, op, id });
  }
  private loadCount = 0;

  /**
   * The load/replace of this profile (or its parent) that happened within the window before `t`.
   * The answer is one object, rewritten by the next call: read it before asking again.
   */
  recentLoad(profile: string, parent: string | undefined, t: number): RecentLoad | undefined {
    if (this.loads.size === 0) return undefined;
    let p = profile;
    let l = this.loads.get(p);
    if (!l && parent) l = this.loads.get((p = parent));
    if (l && t >= l.t && t - l.t <= LOAD_WINDOW_MS) {
      const out = this.load;
      out.profile = p;
      out.op = l.op;
      out.ageMs = t - l.t;
      out.id = l.id;
      return out;
    }
    return undefined;
  }

  /** Distinct attack signal tags seen before `t` in the window, from this pid (whatever its profile
   * now: an exec may have moved it), then from this profile. The same answer is the same object. */
  priorAttacks(pid: string | undefined, profile: string, t: number): PriorAttacks | undefined {
    if (this.byProfile.size === 0) return undefined;
    if (pid) {
      const n = this.byPid.recent(pidKey(pid), t, PID_WINDOW_MS, this.scratch);
      if (n > 0) return this.prior('pid', n);
    }
    const n = this.byProfile.recent(profile, t, PROFILE_WINDOW_MS, this.scratch);
    return n > 0 ? this.prior('profile', n) : undefined;
  }

  noteAttack(pid: string | undefined, profile: string, tag: string, t: number): void {
    const id = tagId(tag);
    if (pid) this.byPid.add(pidKey(pid), id, t);
    this.byProfile.add(profile, id, t);
  }

  /** The shared answer for `scope` and the first `n` tags in the scratch row. */
  private prior(scope: 'pid' | 'profile', n: number): PriorAttacks {
    const tags = this.scratch;
    let h = scope === 'pid' ? 1 : 2;
    for (let i = 0; i < n; i++) h = (Math.imul(h, 0x01000193) ^ (tags[i] + 1)) | 0;
    let list = this.priors.get(h);
    if (list !== undefined) {
      for (const k of list) if (k.p.scope === scope && sameIds(k.ids, tags, n)) return k.p;
    } else {
      if (this.priors.size >= MAX_KEYS) this.priors.clear();
      this.priors.set(h, (list = []));
    }
    const ids = Array.from(tags.subarray(0, n));
    const p: PriorAttacks = { scope, tags: ids.map((i) => TAG_NAMES[i]), id: ++this.priorCount };
    list.push({ p, ids });
    return p;
  }
  private priorCount = 0;
}

interface KnownPrior {
  p: PriorAttacks;
  ids: number[];
}

function sameIds(a: number[], b: Uint8Array, n: number): boolean {
  if (a.length !== n) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * One integer for a record's sequence context: the prior attacks' answer, the recent load (profile
 * and operation, not its age: that is a placeholder) and whether the access repeats. 0 is no
 * context at all, 1 only the repeat. Answers and loads are counted from 1; past 2^26 of either
 * the integer would no longer be one per context, and the answer is -1: decide without sharing.
 */
export function sequenceSignature(prior: PriorAttacks | undefined, load: RecentLoad | undefined, repeated: boolean): number {
  if (prior === undefined && load === undefined) return repeated ? 1 : 0;
  const p = prior?.id ?? 0;
  const l = load?.id ?? 0;
  if (p >= 2 ** 26 || l >= 2 ** 26) return -1;
  return (p * 2 ** 26 + l) * 2 + (repeated ? 1 : 0) + 2;
}
