/**
 * The classifier: for each AppArmor record, likely-attack / missing-rule / unclear / info, with
 * confidence, the reasons (one sentence per signal that fired) and a suggestion.
 *
 * Pure (records and a profile index in, verdicts out). For a denial it gathers the facts
 * (facts.ts), the signals they raise (signals.ts) and what happened before (sequence.ts, the only
 * state, bounded), and the verdict rule (verdict-rule.ts) decides. What a record decides by itself
 * is kept in the result cache (result-cache.ts), so a flood of the same denial costs one lookup each.
 */
import type { AppArmorRecord, Classification } from '../model/record.js';
import { isDenial } from '../model/record.js';
import type { ProfileIndex } from '../profiles/types.js';
import { gatherFacts, type DenialFacts } from './facts.js';
import { ResultCache } from './result-cache.js';
import { SequenceMemory } from './sequence.js';
import { collectSignals, type Signal } from './signals.js';
import {
  attackWeight,
  contextReasons,
  decideVerdict,
  infoVerdict,
  isSkippedLoad,
  sequenceSignals,
  settingFor,
  suggestionsFor,
  type DenialCase,
  type SequenceFindings,
  type Setting,
} from './verdict-rule.js';

export interface ClassifierOptions {
  /** Problems met loading the profile directories (unreadable, missing): said in the reasons. */
  profileProblems?: string[];
  /** Decide every record from scratch, without the per-record caches: the reference the cached
   * path is tested against (slow; not for production use). */
  uncached?: boolean;
}

export interface Classifier {
  classify(r: AppArmorRecord): Classification;
}

export type { Signal } from './signals.js';
// for outputs that render many records: a shared result rendered once, each record's values filled in
export { cutRendering, sharedClassification, type CutRendering, type SharedClassification } from './result-cache.js';

/** What every sighting of a denial needs for the sequence memory (the cache keeps this for as
 * long as it keeps the denial). */
interface Brief {
  profile: string;
  ownAttack: number;
  /** Attack tags worth remembering for the sequence (weight 2 or more). */
  noteTags: readonly string[];
  /** The profile's parent, for a load of the parent that covers its children. */
  parent?: string;
}

/** A denial as examined once: the verdict rule's case, plus what the sequence memory needs. */
interface Examined extends DenialCase {
  brief: Brief;
}

/** What a denial says by itself, with `pidText` where its texts name the pid (undefined: its own). */
function examine(r: AppArmorRecord, index: ProfileIndex | undefined, setting: Setting, pidText: string | undefined, shared: Shared): Examined {
  const facts = gatherFacts(r, index, pidText);
  const find = collectSignals(facts, index);
  const ownAttack = attackWeight(find.signals);
  return {
    facts,
    find,
    context: shared.context(facts, setting),
    suggest: suggestionsFor(facts, find, index),
    ownAttack,
    brief: shared.brief(facts, find.signals, ownAttack),
  };
}

const NO_TAGS: readonly string[] = Object.freeze([]);

/**
 * What many denials have in common, one object each: the brief (most of a profile's denials raise
 * no attack signal, and the cache keeps a brief per record it holds) and the context reasons (the
 * same for every denial of a profile).
 */
class Shared {
  private briefs = new Map<string, Brief[]>();
  private contexts = new Map<string, readonly string[]>();
  /** `fresh`: nothing shared, every answer made anew (the uncached reference). */
  constructor(private readonly fresh = false) {}

  brief(facts: DenialFacts, signals: readonly Signal[], ownAttack: number): Brief {
    const profile = facts.profile;
    const parent = facts.info?.parent ?? (profile.includes('//') ? profile.split('//')[0] : undefined);
    // attack tags worth remembering: weight 2 or more, so none unless the record's own weight is
    const noteTags = ownAttack >= 2 ? signals.filter((x) => x.side === 'attack' && x.weight >= 2).map((x) => x.tag) : NO_TAGS;
    let list = this.briefs.get(profile);
    if (list === undefined) {
      // profile names are the log's text: forgotten whole past a size
      if (this.briefs.size >= 4096) this.briefs.clear();
      this.briefs.set(profile, (list = []));
    }
    if (!this.fresh) for (const k of list) if (k.parent === parent && k.ownAttack === ownAttack && sameTags(k.noteTags, noteTags)) return k;
    const b: Brief = { profile, ownAttack, noteTags, parent };
    if (list.length < 16) list.push(b);
    return b;
  }

  /** The context reasons: they depend on the profile (what the index knows of it) and the setting alone. */
  context(facts: DenialFacts, setting: Setting): readonly string[] {
    if (this.fresh) return contextReasons(facts, setting);
    let c = this.contexts.get(facts.profile);
    if (c === undefined) {
      if (this.contexts.size >= 4096) this.contexts.clear();
      this.contexts.set(facts.profile, (c = contextReasons(facts, setting)));
    }
    return c;
  }
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Remembers a profile load for the denials that follow it (a status record's only effect). */
function noteStatus(r: AppArmorRecord, seq: SequenceMemory): void {
  const t = seq.clock(r.time);
  // a program's log line telling of a load is no load: it would make the denials that follow read as a profile starting up
  if (r.kind !== 'STATUS' || r.writer !== undefined) return;
  const op = r.fields.operation ?? '';
  if ((op === 'profile_load' || op === 'profile_replace') && !isSkippedLoad(r)) seq.noteLoad(r.fields.name ?? r.fields.profile ?? '?', op, t);
}

export function createClassifier(index: ProfileIndex | undefined, opts: ClassifierOptions = {}): Classifier {
  const seq = new SequenceMemory();
  const setting = settingFor(index, opts.profileProblems);
  const shared = new Shared(opts.uncached);
  const cache = new ResultCache<Examined, Brief>(
    {
      examine: (r, pidText) => examine(r, index, setting, pidText, shared),
      brief: (c) => c.brief,
      decide: (c, seen, pidText, ageText) => decideVerdict(c, sequenceSignals(c, seen, pidText, ageText)),
    },
    opts.uncached,
  );

  const seen: SequenceFindings = { prior: undefined, load: undefined, repeated: false };
  const classify = (r: AppArmorRecord): Classification => {
    if (!isDenial(r)) {
      noteStatus(r, seq);
      return infoVerdict(r);
    }
    const e = cache.entry(r);
    const { profile, ownAttack, noteTags, parent } = e.brief;
    const t = seq.clock(r.time);
    const pid = r.fields.pid ?? '?';
    const hasPid = r.fields.pid !== undefined;
    const prior = seq.priorAttacks(hasPid ? pid : undefined, profile, t);
    const load = seq.recentLoad(profile, parent, t);
    // a program's log line tells of a denial; it is no evidence of what a process did, so it leaves
    // no mark on the memory the kernel's records are read against (an attack of that pid, a repeat)
    const evidence = r.writer === undefined;
    if (ownAttack >= 2 && evidence) for (const tag of noteTags) seq.noteAttack(hasPid ? pid : undefined, profile, tag, t);
    // one object for every record: the cache reads it and keeps nothing of it
    seen.prior = prior;
    seen.load = load;
    seen.repeated = evidence ? seq.noteRepeat(e.key1, e.repeatKey, t) : false;
    const age = load ? String(Math.round(load.ageMs / 1000)) : '';
    return cache.result(e, r, seen, pid, age);
  };

  return { classify };
}
