/**
 * The sequence memory as it was written first, with Maps and arrays of marks: the reference
 * test/classify/sequence.test.ts holds the typed-array one in src/classify/sequence.ts to. Tests
 * only.
 *
 * The classifier's only state: what happened recently, in bounded memory.
 * - attack signals per pid (and per profile), so several from one process in a short window
 *   reinforce each other;
 * - the last profile_load / profile_replace per profile, so a burst of denials right after it reads
 *   as a tightened profile starting up;
 * - how often the same access was denied, so one a running service keeps retrying leans towards a
 *   missing rule (a weight, never enough to outvote an attack signal).
 * Time is the record's own clock; records without one use the latest time seen.
 */

import { LOAD_WINDOW_MS, PID_WINDOW_MS, PROFILE_WINDOW_MS, REPEAT_COUNT, REPEAT_SPAN_MS } from '../../src/classify/sequence.js';

const MAX_KEYS = 4096;
const MAX_EVENTS_PER_KEY = 16;

interface Mark {
  t: number;
  tag: string;
}

/**
 * A map that forgets its oldest keys past a size, in O(1): two generations; when the young one is
 * full it becomes the old one and the previous old one is dropped. (Evicting the first key of one
 * Map on every insert walks V8's deleted-entry tombstones each time and turns quadratic.)
 */
class BoundedMap<V, K = string> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  constructor(private readonly max: number) {}
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
      this.old = this.young;
      this.young = new Map();
    }
  }
  get size(): number {
    return this.young.size + this.old.size;
  }
}

function addMark(m: BoundedMap<Mark[]>, k: string, tag: string, t: number): void {
  const list = m.get(k);
  if (!list) {
    m.set(k, [{ t, tag }]);
    return;
  }
  // a flood repeats the same signal: refresh its time instead of adding a mark per record
  const same = list.find((x) => x.tag === tag);
  if (same) same.t = Math.max(same.t, t);
  else {
    list.push({ t, tag });
    if (list.length > MAX_EVENTS_PER_KEY) list.shift();
  }
}

function recentTags(marks: Mark[] | undefined, t: number, win: number): string[] | undefined {
  if (!marks) return undefined;
  let out: string[] | undefined;
  for (const m of marks) if (t >= m.t && t - m.t <= win && !out?.includes(m.tag)) (out ??= []).push(m.tag);
  return out;
}

export class ReferenceSequenceMemory {
  private now = 0;
  private readonly byPid = new BoundedMap<Mark[]>(MAX_KEYS);
  private readonly byProfile = new BoundedMap<Mark[]>(MAX_KEYS);
  private readonly loads = new BoundedMap<{ t: number; op: string }>(MAX_KEYS);
  private readonly repeats = new BoundedMap<{ key2: number; n: number; first: number }, number>(MAX_KEYS);

  /**
   * Counts one more sighting of the same access (by its key, whatever the pid) and says whether it
   * now repeats: seen REPEAT_COUNT times or more over at least REPEAT_SPAN_MS.
   */
  noteRepeat(key1: number, key2: number, t: number): boolean {
    let r = this.repeats.get(key1);
    if (!r || r.key2 !== key2) this.repeats.set(key1, (r = { key2, n: 0, first: t }));
    else if (r.n >= REPEAT_COUNT && t - r.first >= REPEAT_SPAN_MS) return true;
    r.n++;
    if (t < r.first) r.first = t;
    return r.n >= REPEAT_COUNT && t - r.first >= REPEAT_SPAN_MS;
  }

  /** The time to reason with for a record. */
  clock(t: number | undefined): number {
    if (t !== undefined && t > this.now) this.now = t;
    return t ?? this.now;
  }

  noteLoad(profile: string, op: string, t: number): void {
    this.loads.set(profile, { t, op });
  }

  /** The load/replace of this profile (or its parent) that happened within the window before `t`. */
  recentLoad(profile: string, parent: string | undefined, t: number): { profile: string; op: string; ageMs: number } | undefined {
    if (this.loads.size === 0) return undefined;
    let p = profile;
    let l = this.loads.get(p);
    if (!l && parent) l = this.loads.get((p = parent));
    if (l && t >= l.t && t - l.t <= LOAD_WINDOW_MS) return { profile: p, op: l.op, ageMs: t - l.t };
    return undefined;
  }

  /** Distinct attack signal tags seen before `t` in the window, from this pid (whatever its profile
   * now: an exec may have moved it), then from this profile. */
  priorAttacks(pid: string | undefined, profile: string, t: number): { scope: 'pid' | 'profile'; tags: string[] } | undefined {
    if (this.byProfile.size === 0) return undefined;
    if (pid) {
      const tags = recentTags(this.byPid.get(pid), t, PID_WINDOW_MS);
      if (tags) return { scope: 'pid', tags };
    }
    const tags = recentTags(this.byProfile.get(profile), t, PROFILE_WINDOW_MS);
    return tags ? { scope: 'profile', tags } : undefined;
  }

  noteAttack(pid: string | undefined, profile: string, tag: string, t: number): void {
    if (pid) addMark(this.byPid, pid, tag, t);
    addMark(this.byProfile, profile, tag, t);
  }
}
