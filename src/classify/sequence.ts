/**
 * The classifier's only state: what happened recently, in bounded memory.
 * - attack signals per pid (and per profile), so several from one process in a short window
 *   reinforce each other;
 * - the last profile_load / profile_replace per profile, so a burst of denials right after it reads
 *   as a tightened profile starting up.
 * Time is the record's own clock; records without one use the latest time seen.
 */

export const PID_WINDOW_MS = 120_000;
export const PROFILE_WINDOW_MS = 30_000;
export const LOAD_WINDOW_MS = 120_000;
const MAX_KEYS = 4096;
const MAX_EVENTS_PER_KEY = 16;

interface Mark {
  t: number;
  tag: string;
}

/** Insertion-ordered map that forgets its oldest keys past a size. */
class BoundedMap<V> extends Map<string, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(k: string, v: V): this {
    if (super.has(k)) super.delete(k);
    super.set(k, v);
    while (this.size > this.max) super.delete(this.keys().next().value as string);
    return this;
  }
}

export class SequenceMemory {
  private now = 0;
  private readonly byPid = new BoundedMap<Mark[]>(MAX_KEYS);
  private readonly byProfile = new BoundedMap<Mark[]>(MAX_KEYS);
  private readonly loads = new BoundedMap<{ t: number; op: string }>(MAX_KEYS);

  /** The time to reason with for a record. */
  clock(t: number | undefined): number {
    if (t !== undefined && t > this.now) this.now = t;
    return t ?? this.now;
  }

  noteLoad(profile: string, op: string, t: number): void {
    this.loads.set(profile, { t, op });
  }

  /** The load/replace of this profile (or its parent) that happened within the window before `t`. */
  recentLoad(profiles: string[], t: number): { profile: string; op: string; ageMs: number } | undefined {
    for (const p of profiles) {
      const l = this.loads.get(p);
      if (l && t >= l.t && t - l.t <= LOAD_WINDOW_MS) return { profile: p, op: l.op, ageMs: t - l.t };
    }
    return undefined;
  }

  /** Distinct attack signal tags seen before `t` in the window, from this pid, then from this profile. */
  priorAttacks(pidKey: string | undefined, profile: string, t: number): { scope: 'pid' | 'profile'; tags: string[] } | undefined {
    const recent = (marks: Mark[] | undefined, win: number) => [...new Set((marks ?? []).filter((m) => t >= m.t && t - m.t <= win).map((m) => m.tag))];
    if (pidKey) {
      const tags = recent(this.byPid.get(pidKey), PID_WINDOW_MS);
      if (tags.length) return { scope: 'pid', tags };
    }
    const tags = recent(this.byProfile.get(profile), PROFILE_WINDOW_MS);
    return tags.length ? { scope: 'profile', tags } : undefined;
  }

  noteAttack(pidKey: string | undefined, profile: string, tag: string, t: number): void {
    const add = (m: BoundedMap<Mark[]>, k: string) => {
      const list = (m.get(k) ?? []).filter((x) => t - x.t <= PID_WINDOW_MS);
      list.push({ t, tag });
      m.set(k, list.slice(-MAX_EVENTS_PER_KEY));
    };
    if (pidKey) add(this.byPid, pidKey);
    add(this.byProfile, profile);
  }
}
