/**
 * The classifier: for each AppArmor record, likely-attack / missing-rule / unclear / info, with
 * confidence, the reasons (one sentence per signal that fired) and a suggestion.
 *
 * Pure (records and a profile index in, verdicts out) and cheap per record: the per-record work
 * that does not depend on history is cached by the record's identifying fields, so a flood of the
 * same denial costs one lookup each. The only state is SequenceMemory (bounded).
 *
 * Safety asymmetry: a wrong "missing rule" on a real attack invites the engineer to loosen the
 * profile while an attacker is inside. So any attack signal of its own keeps a record away from
 * missing-rule: strong ones make it likely-attack, weak ones make it unclear, and the reasons say why.
 */
import type { AppArmorRecord, Classification, Suggestion } from '../model/record.js';
import { AGE_MARK, FILLED_FROM, fillMarks, isDenial, PID_MARK } from '../model/record.js';
import type { ProfileIndex } from '../profiles/types.js';
import { gatherFacts, type DenialFacts } from './facts.js';
import { REPEAT_COUNT, REPEAT_SPAN_MS, sequenceSignature, SequenceMemory } from './sequence.js';
import { digestOf } from '../model/digest.js';
import { collectSignals, type Findings, type Signal } from './signals.js';
import { explicitDenySuggestion, missingRuleSuggestion, respondSuggestion } from './suggest.js';

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

const CACHE_MAX = 4096;

interface Static {
  /** The cache key's first half (the map's key), for the repeat count. */
  key1: number;
  /** The rest of the cache key (the map is keyed by the first half): checked on every hit. */
  key2: number;
  keyFlags: number;
  facts: DenialFacts;
  find: Findings;
  context: string[];
  suggestions: Partial<Record<'rule' | 'respond' | 'deny', Suggestion>>;
  ownAttack: number;
  /** Attack tags worth remembering for the sequence (weight 2 or more). */
  noteTags: string[];
  /** The profile's parent, for a load of the parent that covers its children. */
  parent?: string;
  /** A field value holds a placeholder character itself (a crafted name): such a record is decided
   * with its pid written in and its result is not shared, so its text is never filled wrongly. */
  literal: boolean;
  /** Results by sequence context (a flood alternates between a few), with the pid and the load's
   * age still placeholders. */
  memos?: Map<number, Filled>;
  /** The result with no sequence context at all, the usual case, without a map lookup. */
  plain?: Filled;
  /** The result when the only context is that the access repeats. */
  repeated?: Filled;
}

/** Distinct sequence contexts remembered per cached record before they are forgotten together. */
const MEMOS_MAX = 8;
const REPEATED = 1;

interface Filled {
  result: Classification;
  /** Each reason split at the placeholders (text, mark, text, ...), when any holds one. */
  parts?: string[][];
  suggestionParts?: string[];
  /** Which placeholders the texts hold: a value that is in no text does not make a new result. */
  usesPid?: boolean;
  usesAge?: boolean;
  /** The last results filled in, newest first: a flood repeats the denials of a service's few
   * processes, so the same few values come back in turn. */
  recent?: Classification[];
}

/** Filled-in results remembered per shared one. */
const RECENT_FILLED = 4;

const MARKS = /([\u0001\u0002])/;

/** A text split at the placeholders, with each placeholder kept between its neighbours. */
const splitAtMarks = (text: string): string[] => text.split(MARKS);

/** Whether any field but the pid holds a placeholder character (only a crafted or corrupt line does). */
function holdsMarks(f: Record<string, string>): boolean {
  for (const k in f) if (k !== 'pid' && MARKS.test(f[k])) return true;
  return false;
}

const round = (x: number) => Math.round(x * 100) / 100;
const LOOK_FIRST: Suggestion = { kind: 'none', text: 'look at what else this process did before changing the profile; if it is the service doing its job, add the rule by hand' };
const CHECK_FIRST: Suggestion = { kind: 'none', text: 'check whether the service needs this before adding a rule' };

function infoClassification(r: AppArmorRecord, seq: SequenceMemory): Classification {
  const f = r.fields;
  const op = f.operation ?? '';
  const name = f.name ?? f.profile ?? '?';
  const t = seq.clock(r.time);
  if (r.kind === 'STATUS') {
    const skipped = /same as current profile/.test(f.info ?? '');
    if ((op === 'profile_load' || op === 'profile_replace') && !skipped) seq.noteLoad(name, op, t);
    const by = f.comm ? ` by ${f.comm}${f.pid ? ` (pid ${f.pid})` : ''}` : '';
    return { verdict: 'info', confidence: 1, reasons: [`${op || 'status'} of ${name}${by}${skipped ? ': unchanged, skipped' : ''}`] };
  }
  if (r.kind === 'AUDIT') return { verdict: 'info', confidence: 1, reasons: [`audited access allowed by an audit rule: ${op} ${f.name ?? ''}`.trim()] };
  return { verdict: 'info', confidence: 1, reasons: [`${r.kind} record, not a denial${op ? ` (${op})` : ''}${f.info ? `: ${f.info}` : ''}`] };
}

/** What contextReasons needs of the index and the load problems: the same for every record. */
interface Setting {
  problems: string[];
  dirProblems: string[];
  profileCount: number;
}

function contextReasons(facts: DenialFacts, setting: Setting): string[] {
  const out: string[] = [];
  const { problems, dirProblems } = setting;
  if (facts.missingInfo === 'no-index') {
    out.push(`the profile directories were not read${problems.length ? ` (${problems.slice(0, 2).join('; ')})` : ''}: reasoning from the log line alone`);
  } else if (facts.missingInfo === 'not-declared') {
    if (facts.managedBy) out.push(`${facts.profile} is generated by ${facts.managedBy}, not declared in a file here: reasoning from the log line alone`);
    else out.push(`no profile file here declares ${facts.profile} (${setting.profileCount} profiles indexed${dirProblems.length ? `; ${dirProblems.join('; ')}` : ''}): reasoning from the log line alone`);
  } else if (facts.info && facts.managedBy) {
    out.push(`${facts.profile} is generated by ${facts.managedBy}: a hand edit does not last`);
  }
  return out;
}

export function createClassifier(index: ProfileIndex | undefined, opts: ClassifierOptions = {}): Classifier {
  const seq = new SequenceMemory();
  const problems = opts.profileProblems ?? [];
  const setting: Setting = {
    problems,
    dirProblems: problems.filter((p) => /: (?:not found|permission denied|not a directory)$/.test(p)).slice(0, 2),
    profileCount: index?.profiles().length ?? 0,
  };

  // the record's deciding fields -> what they decide, in two generations: when the young one is
  // full it becomes the old one and the previous old one is dropped whole (O(1), no per-entry
  // eviction); a hit in the old generation moves to the young one, so what a flood repeats stays
  // while a stream of one-off records (unique paths, pids) passes through
  let young = new Map<number, Static>();
  let old = new Map<number, Static>();
  const remember = (key: number, s: Static) => {
    young.set(key, s);
    if (young.size >= CACHE_MAX / 2) {
      old = young;
      young = new Map();
    }
  };
  const staticPart = (r: AppArmorRecord): Static => {
    const f = r.fields;
    // the key: every field but the pid (model/digest.ts digestOf), which decides only whether a
    // /proc/<pid> path is the process's own and whether a signal comes from pid 1 (systemd);
    // elsewhere the pid is a placeholder filled in per record
    const name = f.name ?? '';
    const ownProc = f.pid !== undefined && name.startsWith('/proc/') && name.startsWith(`/proc/${f.pid}/`);
    // and whether there is one at all: a record without one names its process without `(pid ...)`
    const keyFlags = (ownProc ? 1 : 0) | (f.pid === '1' ? 2 : 0) | (f.pid === undefined ? 4 : 0);
    const d = digestOf(r);
    const key = d.cls1;
    if (!opts.uncached) {
      const hit = young.get(key);
      if (hit && hit.key2 === d.cls2 && hit.keyFlags === keyFlags) return hit;
      const was = hit ? undefined : old.get(key);
      if (was && was.key2 === d.cls2 && was.keyFlags === keyFlags) {
        remember(key, was);
        return was;
      }
    }
    const s = buildStatic(r, key, d.cls2, keyFlags, holdsMarks(f));
    remember(key, s);
    return s;
  };
  /** What a record decides by itself; the pid a placeholder unless the record is literal. */
  const buildStatic = (r: AppArmorRecord, key1: number, key2: number, keyFlags: number, literal: boolean): Static => {
    const facts = gatherFacts(r, index, literal ? undefined : PID_MARK);
    const find = collectSignals(facts, index);
    const attack = find.signals.filter((x) => x.side === 'attack');
    return {
      key1,
      key2,
      keyFlags,
      facts,
      find,
      context: contextReasons(facts, setting),
      suggestions: {},
      ownAttack: attack.reduce((n, x) => n + x.weight, 0),
      noteTags: attack.filter((x) => x.weight >= 2).map((x) => x.tag),
      parent: facts.info?.parent ?? (facts.profile.includes('//') ? facts.profile.split('//')[0] : undefined),
      literal,
    };
  };

  /** The verdict from the record's own signals plus any sequence signals. */
  const decide = (st: Static, extra: Signal[]): Classification => {
    const { facts, find } = st;
    const signals = extra.length ? [...find.signals, ...extra] : find.signals;
    let A = 0;
    let B = 0;
    for (const x of signals) {
      if (x.side === 'attack') A += x.weight;
      else B += x.weight;
    }
    const attackReasons = signals.filter((x) => x.side === 'attack').sort((a, b) => b.weight - a.weight).map((x) => x.reason);
    const benignReasons = signals.filter((x) => x.side === 'benign').map((x) => x.reason);
    const nameOnly = facts.info === undefined;

    if (A >= 2 && st.ownAttack >= 1) {
      const reasons = [...attackReasons];
      if (facts.happened) reasons.unshift(`ALLOWED: ${facts.profile} is in complain mode, so this access succeeded`);
      if (benignReasons.length) reasons.push(`weighed against: ${benignReasons.join('; ')}`);
      reasons.push(...st.context);
      st.suggestions.respond ??= respondSuggestion(facts);
      return { verdict: 'likely-attack', confidence: round(Math.min(0.98, 0.5 + 0.08 * A - (B > 0 ? 0.05 : 0)) * (nameOnly ? 0.95 : 1)), reasons, suggestion: st.suggestions.respond };
    }
    if (find.explicitDeny) {
      st.suggestions.deny ??= explicitDenySuggestion(facts, find);
      return { verdict: 'unclear', confidence: 0.6, reasons: [...attackReasons, ...benignReasons, ...st.context], suggestion: st.suggestions.deny };
    }
    if (A >= 1) {
      const reasons = [...attackReasons, ...benignReasons];
      reasons.push(B > 0 ? 'attack and missing-rule signals conflict: not called a missing rule while an attack signal stands' : 'one weak attack signal: not enough to call it an attack, too much to call it a missing rule');
      reasons.push(...st.context);
      return { verdict: 'unclear', confidence: 0.5, reasons, suggestion: LOOK_FIRST };
    }
    if (B >= 2) {
      st.suggestions.rule ??= missingRuleSuggestion(facts, find, index);
      return { verdict: 'missing-rule', confidence: round(Math.min(0.92, 0.45 + 0.1 * B) * (nameOnly ? 0.9 : 1)), reasons: [...benignReasons, ...st.context], suggestion: st.suggestions.rule };
    }
    const what = [facts.op, facts.path ?? facts.r.fields.capname ?? facts.r.fields.family].filter(Boolean).join(' ');
    return {
      verdict: 'unclear',
      confidence: 0.3,
      reasons: [...benignReasons, `no strong signal either way for ${facts.subject}: ${what || 'this access'}`, ...st.context],
      suggestion: CHECK_FIRST,
    };
  };

  /** Fills the placeholders in (the texts are split at them once per cached result). */
  // Results are shared between records, so they are read-only (nothing downstream changes a
  // classification): a result without placeholders is one object for every record it fits, and
  // one with them is built once per pid (and load age) in a row.
  const personal = (c: Filled, pid: string, age: string): Classification => {
    if (!c.parts) return c.result;
    const recent = (c.recent ??= []);
    for (let i = 0; i < recent.length; i++) {
      const known = recent[i][FILLED_FROM]!;
      if ((!c.usesPid || known.pid === pid) && (!c.usesAge || known.age === age)) return recent[i];
    }
    const reasons = c.parts.map((p) => (p.length === 1 ? p[0] : fillMarks(p, pid, age)));
    const sg = c.result.suggestion;
    // spelled out (no spread): one of these is made for nearly every record of a flood
    const out: Classification = { verdict: c.result.verdict, confidence: c.result.confidence, reasons };
    const suggestion = c.suggestionParts && sg ? { ...sg, text: fillMarks(c.suggestionParts, pid, age) } : sg;
    if (suggestion) out.suggestion = suggestion;
    // only the values the texts hold: a result is shared by records that differ in the others
    out[FILLED_FROM] = { template: c.result, pid: c.usesPid ? pid : '', age: c.usesAge ? age : '' };
    if (recent.length >= RECENT_FILLED) recent.pop();
    recent.unshift(out);
    return out;
  };
  const prepare = (result: Classification): Filled => {
    const texts = result.suggestion ? [...result.reasons, result.suggestion.text] : result.reasons;
    const usesPid = texts.some((x) => x.includes(PID_MARK));
    const usesAge = texts.some((x) => x.includes(AGE_MARK));
    const sgHas = !!result.suggestion && MARKS.test(result.suggestion.text);
    return {
      result,
      parts: usesPid || usesAge ? result.reasons.map(splitAtMarks) : undefined,
      suggestionParts: sgHas ? splitAtMarks(result.suggestion!.text) : undefined,
      usesPid,
      usesAge,
    };
  };

  /** The signals of what happened before: attack signals of this process or profile, a recent load. */
  const sequenceSignals = (st: Static, prior: ReturnType<SequenceMemory['priorAttacks']>, load: ReturnType<SequenceMemory['recentLoad']>, repeated: boolean, pidText: string, ageText: string): Signal[] => {
    const extra: Signal[] = [];
    if (repeated) {
      extra.push({ side: 'benign', weight: 1, tag: 'repeated', reason: `the same access was denied again and again (${REPEAT_COUNT}+ times over ${REPEAT_SPAN_MS / 1000}+ s): a service that keeps retrying lacks a rule, an intruder moves on` });
    }
    if (prior) {
      const who = prior.scope === 'pid' ? `pid ${pidText} (${st.facts.profile})` : `${st.facts.profile}`;
      const win = prior.scope === 'pid' ? 'the last 2 minutes' : 'the last 30 seconds';
      const n = prior.tags.length;
      if (st.ownAttack > 0) {
        extra.push({ side: 'attack', weight: Math.min(2, n), tag: 'sequence', reason: `${who} already showed ${n} attack signal${n > 1 ? 's' : ''} in ${win} (${prior.tags.join(', ')}): they reinforce each other` });
      } else if (prior.scope === 'pid') {
        extra.push({ side: 'attack', weight: 1, tag: 'sequence', reason: `${who} showed attack signals in ${win} (${prior.tags.join(', ')}): this may be part of the same activity` });
      }
    }
    if (load) {
      extra.push({ side: 'benign', weight: 1, tag: 'after-load', reason: `${ageText} s after ${load.op} of ${load.profile}: a burst right after a (re)load is usually a tightened profile starting up` });
    }
    return extra;
  };

  const classify = (r: AppArmorRecord): Classification => {
    if (!isDenial(r)) return infoClassification(r, seq);
    const st = staticPart(r);
    const { facts } = st;
    const t = seq.clock(r.time);
    const pid = r.fields.pid ?? '?';
    const hasPid = r.fields.pid !== undefined;
    const prior = seq.priorAttacks(hasPid ? pid : undefined, facts.profile, t);
    const load = seq.recentLoad(facts.profile, st.parent, t);
    if (st.ownAttack >= 2) for (const tag of st.noteTags) seq.noteAttack(hasPid ? pid : undefined, facts.profile, tag, t);

    const repeated = seq.noteRepeat(st.key1, st.key2 * 4 + st.keyFlags, t);
    const age = load ? String(Math.round(load.ageMs / 1000)) : '';
    if (st.literal) {
      // the record's own text holds a placeholder character: decided whole, nothing shared
      const own = buildStatic(r, st.key1, st.key2, st.keyFlags, true);
      return decide(own, sequenceSignals(own, prior, load, repeated, pid, age));
    }
    // a flood repeats the same record in the same context: decide once per distinct context (the
    // load's age, which changes every second, is a placeholder like the pid)
    // no context (or only the repeat, the usual case in a flood) has a slot of its own: no key built
    const sig = sequenceSignature(prior, load, repeated);
    let filled = opts.uncached || sig < 0 ? undefined : sig === 0 ? st.plain : sig === REPEATED ? st.repeated : st.memos?.get(sig);
    if (!filled) {
      filled = prepare(decide(st, sequenceSignals(st, prior, load, repeated, PID_MARK, AGE_MARK)));
      if (sig === 0) st.plain = filled;
      else if (sig === REPEATED) st.repeated = filled;
      else if (sig > 0) {
        if (!st.memos || st.memos.size >= MEMOS_MAX) st.memos = new Map();
        st.memos.set(sig, filled);
      }
    }
    return personal(filled, pid, age);
  };

  return { classify };
}
