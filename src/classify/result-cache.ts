/**
 * The classifier's result cache: what a denial decides by itself is kept by the record's deciding
 * fields (every field but the pid), and its verdicts are shared between records, with the pid and
 * the seconds since a profile load as placeholders filled in per record. A flood of the same denial
 * costs one lookup each; a record seen once is kept only for a few more first sightings (on trial),
 * and its texts are written only if read.
 *
 * Pure and bounded. Only the classifier (index.ts) uses it; the placeholders never leave classify/:
 * an output that renders many records asks sharedClassification for the shared result and fills
 * its rendering in with cutRendering and fill. Nothing here decides a verdict (verdict-rule.ts), and
 * deciding every record from scratch (`uncached`) gives the same results
 * (test/classify/equivalence.test.ts).
 */
import type { AppArmorRecord, Classification, Suggestion, Verdict } from '../model/record.js';
import { digestOf } from '../model/digest.js';
import type { SequenceFindings } from './verdict-rule.js';
import { sequenceSignature } from './sequence.js';
import { dropWhenIdle, type IdleCache } from '../model/idle-caches.js';

/** Stands for the pid in shared results. */
const PID_MARK = '\u0001';
/** Stands for the seconds since the profile's last load in shared results. */
const AGE_MARK = '\u0002';

/** A text rendered from a shared result, cut where the per-record values go (see cutRendering). */
export type CutRendering = readonly string[];

/** What an output needs to render a shared result once and fill in each record's values. */
export interface SharedClassification {
  /** The result with placeholders, one object for every record filled from it (a key for an
   * output's own cache of its rendering). */
  readonly template: Classification;
  /** This record's rendering: the cut rendering of the template with this record's values written
   * in, each as `write` writes text. */
  fill(cut: CutRendering, write: (value: string) => string): string;
}

/**
 * One record's result filled in from a shared one: the verdict and confidence are the shared
 * result's, the reasons and the suggestion are filled in with this record's values when first read
 * (most records of a long log are never shown, and the NDJSON writer fills its rendering of the
 * template instead). Read-only like every result. Its texts are accessors: an output copies them by
 * name (`c.reasons`), never by spreading the object; JSON.stringify gets them through toJSON.
 */
class Personal implements Classification, SharedClassification {
  readonly verdict: Verdict;
  readonly confidence: number;
  readonly #template: Classification;
  /** Only the values the texts hold ('' for the others): a result is shared by records that
   * differ in the others. */
  readonly #pid: string;
  readonly #age: string;
  #reasons: string[] | undefined;
  #suggestion: Suggestion | undefined;
  #suggestionFilled = false;

  constructor(template: Classification, pid: string, age: string) {
    this.verdict = template.verdict;
    this.confidence = template.confidence;
    this.#template = template;
    this.#pid = pid;
    this.#age = age;
  }
  get template(): Classification {
    return this.#template;
  }
  get reasons(): string[] {
    if (this.#reasons === undefined) {
      const shared = this.#template.reasons;
      const reasons = new Array<string>(shared.length);
      for (let i = 0; i < shared.length; i++) reasons[i] = fillText(shared[i], this.#pid, this.#age);
      this.#reasons = reasons;
    }
    return this.#reasons;
  }
  get suggestion(): Suggestion | undefined {
    if (!this.#suggestionFilled) {
      const sg = this.#template.suggestion;
      if (sg) {
        const text = fillText(sg.text, this.#pid, this.#age);
        this.#suggestion = text === sg.text ? sg : { ...sg, text };
      }
      this.#suggestionFilled = true;
    }
    return this.#suggestion;
  }
  /** Whether this was filled in with these values (those the texts hold). */
  holds(pid: string, age: string): boolean {
    return this.#pid === pid && this.#age === age;
  }
  fill(cut: CutRendering, write: (value: string) => string): string {
    return fillMarks(cut, write(this.#pid), write(this.#age));
  }
  /** The plain result, as a result decided alone is written. */
  toJSON(): Classification {
    const out: Classification = { verdict: this.verdict, confidence: this.confidence, reasons: this.reasons };
    if (this.suggestion) out.suggestion = this.suggestion;
    return out;
  }
}

/** The shared result a classification was filled in from, or undefined when it was decided alone. */
export function sharedClassification(c: Classification): SharedClassification | undefined {
  return c instanceof Personal ? c : undefined;
}

/**
 * A text rendered from a shared result's template, cut where the placeholders are (text, slot,
 * text, ...), for SharedClassification.fill. `written` is how the rendering writes a character (for
 * JSON, JSON.stringify without the quotes: `\u0001`). The rendering escapes with `escape`
 * (backslash), so it is read escape by escape: the same characters spelled out by a text (a path
 * holding a backslash and `u0001`, written `\\u0001`) stay text.
 */
export function cutRendering(text: string, written: (s: string) => string, escape = '\\'): CutRendering {
  const forms = new Map([PID_MARK, AGE_MARK].map((m) => [written(m), m]));
  const out: string[] = [];
  let from = 0;
  for (let i = text.indexOf(escape); i >= 0; i = text.indexOf(escape, i + 2)) {
    let mark: string | undefined;
    let len = 0;
    for (const [form, m] of forms) {
      if (text.startsWith(form, i)) {
        mark = m;
        len = form.length;
        break;
      }
    }
    if (mark === undefined) continue;
    out.push(text.slice(from, i), mark);
    from = i + len;
    i += len - 2;
  }
  out.push(text.slice(from));
  return out;
}

/** A shared text split at its placeholders (text, mark, text, ...) with the values written in. */
function fillMarks(parts: CutRendering, pid: string, age: string): string {
  let s = parts[0];
  for (let i = 1; i < parts.length; i += 2) s += (parts[i] === PID_MARK ? pid : age) + parts[i + 1];
  return s;
}

/** Whether any field but the pid holds a placeholder character (only a crafted or corrupt line does). */
function holdsMarks(f: Record<string, string>): boolean {
  for (const k in f) if (k !== 'pid' && (f[k].includes(PID_MARK) || f[k].includes(AGE_MARK))) return true;
  return false;
}

/** How the classifier examines and decides: the cache calls these on a miss. */
export interface Decider<C, B = C> {
  /** What a record decides by itself, with `pidText` written where its texts name the pid
   * (undefined: the record's own pid). */
  examine(r: AppArmorRecord, pidText: string | undefined): C;
  /** The little of an examined record every sighting needs (kept for as long as the entry is):
   * the examined record itself is kept only once a second sequence context needs it. */
  brief(c: C): B;
  /** The result for an examined record in a sequence context, with these texts for the pid and
   * the seconds since the load. */
  decide(c: C, seen: SequenceFindings, pidText: string, ageText: string): Classification;
}

/** One cached record: what every sighting needs, and its results by sequence context. */
export interface Entry<B> {
  /** The cache key's first half (the map's key); with repeatKey, the record's identity without the
   * pid, for the sequence memory's repeat count. */
  readonly key1: number;
  readonly repeatKey: number;
  readonly brief: B;
}

interface Slot<C, B> extends Entry<B> {
  /** The rest of the cache key (the map is keyed by the first half): checked on every hit. */
  key2: number;
  keyFlags: number;
  /** A field value holds a placeholder character itself (a crafted name): such a record is decided
   * with its pid written in and its result is not shared, so its text is never filled wrongly. */
  literal: boolean;
  /** The examined record: from the miss until its first result is decided, and again (examined
   * from the record in hand, which has the same deciding fields) once a second sequence context
   * needs it. A record seen once keeps only its brief and its result, so the cache holds little
   * per one-off record: what it holds outlives the young generation of the heap. */
  examined?: C;
  /** The result in the first other sequence context met, and that context's integer (0: none yet):
   * most records meet one at most, and a map each would be most of what the cache holds. */
  context?: Filled;
  contextSig: number;
  /** Results by sequence context past the first (a flood alternates between a few), with the pid
   * and the load's age still placeholders. */
  memos?: Map<number, Filled>;
  /** The result with no sequence context at all, the usual case, without a map lookup. */
  plain?: Filled;
  /** The result when the only context is that the access repeats. */
  repeated?: Filled;
  /** Kept by the cache proper (seen twice), not on trial (see ResultCache): its results have
   * their texts written and looked through for placeholders. */
  admitted: boolean;
}

interface Filled {
  result: Classification;
  /** Which placeholders the texts hold: a value that is in no text does not make a new result.
   * Until `known`, both (the texts are not written yet: see settle). */
  usesPid: boolean;
  usesAge: boolean;
  known: boolean;
  /** The last results filled in, newest first: a flood repeats the denials of a service's few
   * processes, so the same few values come back in turn. */
  recent?: Personal[];
  /** Filled in once already: the results filled in are remembered from the second use on (most
   * shared results of a log of one-off records are used once, and what the cache keeps outlives
   * the young generation of the heap). */
  usedOnce: boolean;
  /** Lookups in `recent` since one last found its values there, while it is kept (see personal). */
  recentMisses: number;
}

const CACHE_MAX = 4096;
/** Records on trial: seen once, kept for 8 to 16 first sightings (two generations). Few: a record
 * on trial holds its whole examination (its texts are not written), which should die in the young
 * generation; a record seen again later is examined again from its ghost key. */
const TRIAL_MAX = 16;
/** Keys of first sightings remembered (a power of two; a table of numbers, not objects). */
const GHOST = 16384;
/** Distinct sequence contexts remembered per cached record before they are forgotten together. */
const MEMOS_MAX = 8;
/** Filled-in results remembered per shared one. */
const RECENT_FILLED = 4;
/** Misses in a row after which a filled-in result is remembered only one time in RECENT_SAMPLE
 * (a power of two). */
const RECENT_MISSES = 8;
const RECENT_SAMPLE = 16;
const REPEATED = 1;

/** The slot a sequence context's result has: 0 for none, REPEATED for repeats alone, -1 for a
 * context too rare to share, else the context's integer (sequence.ts). */
function contextKey(seen: SequenceFindings): number {
  return sequenceSignature(seen.prior, seen.load, seen.repeated);
}

/**
 * The cache. A record seen for the first time is decided and put on trial: kept among the last
 * TRIAL_MAX first sightings only, its results with their texts unwritten (the record's result
 * writes them if anyone reads them). Seen again while on trial, it is admitted to the cache
 * proper; seen again after it left the trial, its key is still in a table of numbers (the ghost
 * keys), and it is examined again and admitted. So a log of one-off records leaves nothing behind
 * that outlives the young generation of the heap (what the cache keeps is copied and promoted by
 * every collection it survives), and what repeats is decided at most twice.
 */
export class ResultCache<C, B = C> implements IdleCache {
  // admitted records: the record's deciding fields -> what they decide, in two generations: when
  // the young one is full it becomes the old one and the previous old one is dropped whole (O(1),
  // no per-entry eviction); a hit in the old generation moves to the young one, so what a flood
  // repeats stays while a stream of one-off records (unique paths, pids) passes through
  private young = new Map<number, Slot<C, B>>();
  private old = new Map<number, Slot<C, B>>();
  // records on trial, in two generations the same way
  private trialYoung = new Map<number, Slot<C, B>>();
  private trialOld = new Map<number, Slot<C, B>>();
  // the ghost keys: the whole key of a first sighting, by the low bits of its first half (a
  // newer key takes the place of an older one)
  private readonly ghost1 = new Int32Array(GHOST);
  private readonly ghost2 = new Int32Array(GHOST);
  /** keyFlags + 1 (0: no key there). */
  private readonly ghostF = new Uint8Array(GHOST);

  /** `uncached`: decide every record from scratch, the reference the cache is tested against. */
  constructor(
    private readonly decider: Decider<C, B>,
    private readonly uncached = false,
  ) {
    if (!uncached) dropWhenIdle(this);
  }

  /** Forgets every record decided: the next sighting of each is a first one. */
  drop(): void {
    this.young = new Map();
    this.old = new Map();
    this.trialYoung = new Map();
    this.trialOld = new Map();
    this.ghost1.fill(0);
    this.ghost2.fill(0);
    this.ghostF.fill(0);
  }

  /** The cached record for a denial: found by its deciding fields, or examined now. */
  entry(r: AppArmorRecord): Entry<B> {
    const f = r.fields;
    // the key: every field but the pid (model/digest.ts digestOf), which decides only whether a
    // /proc/<pid> path is the process's own and whether a signal comes from pid 1 (systemd);
    // elsewhere the pid is a placeholder filled in per record
    const name = f.name ?? f.path ?? '';
    // the path the facts read, `/proc/${pid}` whole or a directory: the process's own (built
    // without a string: this runs for every record)
    const end = 6 + (f.pid?.length ?? 0);
    const ownProc = f.pid !== undefined && name.startsWith('/proc/') && name.startsWith(f.pid, 6) && (name.length === end || name.charCodeAt(end) === 47);
    // and whether there is one at all: a record without one names its process without `(pid ...)`
    const keyFlags = (ownProc ? 1 : 0) | (f.pid === '1' ? 2 : 0) | (f.pid === undefined ? 4 : 0);
    const d = digestOf(r);
    const key = d.cls1;
    const key2 = d.cls2;
    // seen before, past its trial: examined again and admitted at once
    let again = false;
    if (!this.uncached) {
      const hit = this.young.get(key);
      if (hit && hit.key2 === key2 && hit.keyFlags === keyFlags) return hit;
      const was = hit ? undefined : this.old.get(key);
      if (was && was.key2 === key2 && was.keyFlags === keyFlags) {
        this.remember(key, was);
        return was;
      }
      const tried = this.trialYoung.get(key) ?? this.trialOld.get(key);
      if (tried && tried.key2 === key2 && tried.keyFlags === keyFlags) {
        this.admit(key, tried);
        return tried;
      }
      const g = key & (GHOST - 1);
      again = this.ghost1[g] === key && this.ghost2[g] === key2 && this.ghostF[g] === keyFlags + 1;
      if (!again) {
        this.ghost1[g] = key;
        this.ghost2[g] = key2;
        this.ghostF[g] = keyFlags + 1;
      }
    }
    const literal = holdsMarks(f);
    const examined = this.decider.examine(r, literal ? undefined : PID_MARK);
    const s: Slot<C, B> = {
      key1: key,
      key2,
      keyFlags,
      repeatKey: key2 * 4 + keyFlags,
      literal,
      brief: this.decider.brief(examined),
      examined: literal ? undefined : examined,
      contextSig: 0,
      admitted: again,
    };
    if (this.uncached) return s;
    if (again) this.remember(key, s);
    else {
      this.trialYoung.set(key, s);
      if (this.trialYoung.size >= TRIAL_MAX / 2) {
        this.trialOld = this.trialYoung;
        this.trialYoung = new Map();
      }
    }
    return s;
  }

  /**
   * The result for record `r` (whose entry is `e`) in this sequence context, with `pid` and `age`
   * the texts of its pid and of the seconds since the load. Decided once per entry and context;
   * filled in per record.
   */
  result(e: Entry<B>, r: AppArmorRecord, seen: SequenceFindings, pid: string, age: string): Classification {
    const s = e as Slot<C, B>;
    if (s.literal) {
      // the record's own text holds a placeholder character: decided whole, nothing shared
      return this.decider.decide(this.decider.examine(r, undefined), seen, pid, age);
    }
    // a flood repeats the same record in the same context: decide once per distinct context (the
    // load's age, which changes every second, is a placeholder like the pid); no context (or only
    // the repeat, the usual case in a flood) has a slot of its own: no key built
    const sig = contextKey(seen);
    let filled = this.uncached || sig < 0 ? undefined : sig === 0 ? s.plain : sig === REPEATED ? s.repeated : sig === s.contextSig ? s.context : s.memos?.get(sig);
    if (!filled) {
      // the first result uses the examination of the miss and lets it go; a second context
      // examines again from this record (same deciding fields, the pid a placeholder) and keeps it
      const first = s.plain === undefined && s.repeated === undefined && s.context === undefined;
      const examined = s.examined ?? this.decider.examine(r, PID_MARK);
      s.examined = first && !this.uncached ? undefined : examined;
      filled = prepare(this.decider.decide(examined, seen, PID_MARK, AGE_MARK), s.admitted);
      if (sig === 0) s.plain = filled;
      else if (sig === REPEATED) s.repeated = filled;
      else if (sig > 0 && s.context === undefined) {
        s.context = filled;
        s.contextSig = sig;
      } else if (sig > 0) {
        if (!s.memos || s.memos.size >= MEMOS_MAX) s.memos = new Map();
        s.memos.set(sig, filled);
      }
    }
    return personal(filled, pid, age);
  }

  private remember(key: number, s: Slot<C, B>): void {
    this.young.set(key, s);
    if (this.young.size >= CACHE_MAX / 2) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  /** A record on trial seen again: kept by the cache proper, its results' texts written now. */
  private admit(key: number, s: Slot<C, B>): void {
    s.admitted = true;
    if (s.plain) settle(s.plain);
    if (s.repeated) settle(s.repeated);
    if (s.context) settle(s.context);
    if (s.memos) for (const m of s.memos.values()) settle(m);
    this.remember(key, s);
  }
}

/** A decided result made ready to share. `now`: its texts are written and looked through for
 * placeholders at once (an admitted record's), else when the record is admitted (settle). */
function prepare(result: Classification, now: boolean): Filled {
  const c: Filled = { result, usesPid: true, usesAge: true, known: false, usedOnce: false, recentMisses: 0 };
  if (now) settle(c);
  return c;
}

/** Which placeholders a result's texts hold, looked for once. (This also writes each text out
 * whole: the cache keeps it, and a text kept as the pieces it was joined from is more objects for
 * the collector to copy.) */
function settle(c: Filled): void {
  if (c.known) return;
  const { reasons, suggestion } = c.result;
  let usesPid = suggestion !== undefined && suggestion.text.includes(PID_MARK);
  let usesAge = suggestion !== undefined && suggestion.text.includes(AGE_MARK);
  for (let i = 0; i < reasons.length && !(usesPid && usesAge); i++) {
    usesPid ||= reasons[i].includes(PID_MARK);
    usesAge ||= reasons[i].includes(AGE_MARK);
  }
  c.usesPid = usesPid;
  c.usesAge = usesAge;
  c.known = true;
  // a result that names neither value is handed out as it is from now on; if it was handed out
  // already, filled in for its first record (personal), it was that record's template, and an
  // output keeps its rendering of a template as one to fill in: the result handed out as it is
  // must then be another object
  if (!usesPid && !usesAge && c.usedOnce) {
    const { verdict, confidence } = c.result;
    const out: Classification = { verdict, confidence, reasons };
    if (suggestion !== undefined) out.suggestion = suggestion;
    c.result = out;
  }
}

/** A shared text with the placeholders replaced by the values (the text itself when it holds none). */
function fillText(text: string, pid: string, age: string): string {
  let p = text.indexOf(PID_MARK);
  let a = text.indexOf(AGE_MARK);
  if (p < 0 && a < 0) return text;
  let out = '';
  let from = 0;
  while (p >= 0 || a >= 0) {
    if (a < 0 || (p >= 0 && p < a)) {
      out += text.slice(from, p) + pid;
      from = p + 1;
      p = text.indexOf(PID_MARK, from);
    } else {
      out += text.slice(from, a) + age;
      from = a + 1;
      a = text.indexOf(AGE_MARK, from);
    }
  }
  return out + text.slice(from);
}

/** This record's result: the shared one itself when its texts name neither value, else one filled
 * in with the values (its texts filled when first read). */
// Results are shared between records, so they are read-only (nothing downstream changes a
// classification): a result without placeholders is one object for every record it fits, and
// one with them is one object per pid (and load age) in a row, from its second use on.
function personal(c: Filled, pid: string, age: string): Classification {
  if (!c.known) {
    // on trial: the texts are not written, so which values they hold is not known yet
    c.usedOnce = true;
    return new Personal(c.result, pid, age);
  }
  if (!c.usesPid && !c.usesAge) return c.result;
  const p = c.usesPid ? pid : '';
  const a = c.usesAge ? age : '';
  if (!c.usedOnce) {
    c.usedOnce = true;
    return new Personal(c.result, p, a);
  }
  const recent = (c.recent ??= []);
  for (let i = 0; i < recent.length; i++) {
    if (recent[i].holds(p, a)) {
      c.recentMisses = 0;
      return recent[i];
    }
  }
  const out = new Personal(c.result, p, a);
  // values that do not come back (a new pid per record): after a run of misses only one result
  // in RECENT_SAMPLE is remembered, so the results stay with their records and die young with them
  if (++c.recentMisses <= RECENT_MISSES || (c.recentMisses & (RECENT_SAMPLE - 1)) === 0) {
    if (recent.length >= RECENT_FILLED) recent.pop();
    recent.unshift(out);
  }
  return out;
}
