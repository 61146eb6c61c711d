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
import { gatherFacts } from './facts.js';
import { ResultCache } from './result-cache.js';
import { SequenceMemory } from './sequence.js';
import { collectSignals } from './signals.js';
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
  noteTags: string[];
  /** The profile's parent, for a load of the parent that covers its children. */
  parent?: string;
}

/** A denial as examined once: the verdict rule's case, plus what the sequence memory needs. */
interface Examined extends DenialCase {
  brief: Brief;
}

/** What a denial says by itself, with `pidText` where its texts name the pid (undefined: its own). */
function examine(r: AppArmorRecord, index: ProfileIndex | undefined, setting: Setting, pidText: string | undefined): Examined {
  const facts = gatherFacts(r, index, pidText);
  const find = collectSignals(facts, index);
  const ownAttack = attackWeight(find.signals);
  return {
    facts,
    find,
    context: contextReasons(facts, setting),
    suggest: suggestionsFor(facts, find, index),
    ownAttack,
    brief: {
      profile: facts.profile,
      ownAttack,
      noteTags: find.signals.filter((x) => x.side === 'attack' && x.weight >= 2).map((x) => x.tag),
      parent: facts.info?.parent ?? (facts.profile.includes('//') ? facts.profile.split('//')[0] : undefined),
    },
  };
}

/**
 * One brief object for all the denials with the same brief (most of a profile's denials raise no
 * attack signal): the cache keeps a brief per record it holds, and a shared one costs nothing to keep.
 */
class Briefs {
  private byProfile = new Map<string, Brief[]>();
  shared(b: Brief): Brief {
    let list = this.byProfile.get(b.profile);
    if (list === undefined) {
      // profile names are the log's text: forgotten whole past a size
      if (this.byProfile.size >= 4096) this.byProfile.clear();
      this.byProfile.set(b.profile, (list = []));
    }
    for (const k of list) if (k.parent === b.parent && k.ownAttack === b.ownAttack && sameTags(k.noteTags, b.noteTags)) return k;
    if (list.length < 16) list.push(b);
    return b;
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
  if (r.kind !== 'STATUS') return;
  const op = r.fields.operation ?? '';
  if ((op === 'profile_load' || op === 'profile_replace') && !isSkippedLoad(r)) seq.noteLoad(r.fields.name ?? r.fields.profile ?? '?', op, t);
}

export function createClassifier(index: ProfileIndex | undefined, opts: ClassifierOptions = {}): Classifier {
  const seq = new SequenceMemory();
  const setting = settingFor(index, opts.profileProblems);
  const briefs = new Briefs();
  const cache = new ResultCache<Examined, Brief>(
    {
      examine: (r, pidText) => examine(r, index, setting, pidText),
      brief: (c) => briefs.shared(c.brief),
      decide: (c, seen, pidText, ageText) => decideVerdict(c, sequenceSignals(c, seen, pidText, ageText)),
    },
    opts.uncached,
  );

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
    if (ownAttack >= 2) for (const tag of noteTags) seq.noteAttack(hasPid ? pid : undefined, profile, tag, t);
    const seen: SequenceFindings = { prior, load, repeated: seq.noteRepeat(e.key1, e.repeatKey, t) };
    const age = load ? String(Math.round(load.ageMs / 1000)) : '';
    return cache.result(e, r, seen, pid, age);
  };

  return { classify };
}
