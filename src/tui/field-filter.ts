/**
 * The denial list's filter with fields and regular expressions. Pure. Terms combine with AND:
 * `profile:nginx op:exec pid:2211 host:web-01 verdict:attack since:-10m /re.ex/ word`, each
 * negated by a leading `!` (a lone leading `!` with no field term inverts a plain filter, as
 * before). Words without a field match the profile, operation, target, mask, verdict, comms, pids
 * and host. A filter without any field or regex term is one plain substring (spaces included).
 */
import { maskOf, type DenialGroup } from './denial-store.js';
import type { ActionJournalEntry } from '../model/action.js';
import { recordProfile, recordTarget, type AppArmorRecord } from '../model/record.js';
import { NO_VERDICT } from '../model/verdict.js';

export type GroupPredicate = (i: DenialGroup, now: number) => boolean;

const VERDICT_WORDS: Record<string, string> = { attack: 'likely-attack', 'likely-attack': 'likely-attack', rule: 'missing-rule', 'missing-rule': 'missing-rule', unclear: 'unclear', info: 'info' };
const FIELD_RE = /^(!?)(profile|op|operation|pid|host|verdict|since|target|comm):(.*)$/i;

/** `-10m`, `10m`, `2h`, `30s`, `1d`: milliseconds before now. */
export function parseSince(v: string): number | undefined {
  const m = /^-?(\d+)\s*([smhd])$/i.exec(v.trim());
  if (!m) return undefined;
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2].toLowerCase() as 's' | 'm' | 'h' | 'd'];
}

function hostsOf(i: DenialGroup): string[] {
  return i.hosts ?? [...new Set(i.samples.map((r) => r.host).filter((h): h is string => !!h))];
}

function words(i: DenialGroup): string[] {
  return [i.profile, i.operation, i.target, i.mask, i.verdict, ...i.comms, ...i.pids, ...hostsOf(i)].map((w) => w.toLowerCase());
}

/** Splits on spaces outside /regex/. */
function terms(typed: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inRe = false;
  for (let k = 0; k < typed.length; k++) {
    const c = typed[k];
    if (c === '/' && (cur === '' || cur === '!' || inRe) && typed[k - 1] !== '\\') inRe = !inRe;
    if (c === ' ' && !inRe) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) out.push(cur);
  return out;
}

export type FieldFilter = { ok: true; test: GroupPredicate } | { ok: false; error: string };

/** undefined when the typed text has no field or regex term (the plain filter applies). */
export function parseFieldFilter(typed: string): FieldFilter | undefined {
  const ts = terms(typed.trim());
  const structured = ts.some((t) => FIELD_RE.test(t) || /^!?\/.+\/$/.test(t));
  if (!structured) return undefined;
  const tests: GroupPredicate[] = [];
  for (const t of ts) {
    const f = FIELD_RE.exec(t);
    const neg = (p: GroupPredicate, n: boolean): GroupPredicate => (n ? (i, now) => !p(i, now) : p);
    if (f) {
      const [, bang, name, raw] = f;
      const v = raw.toLowerCase();
      let p: GroupPredicate;
      switch (name.toLowerCase()) {
        case 'profile':
          p = (i) => i.profile.toLowerCase().includes(v);
          break;
        case 'op':
        case 'operation':
          p = (i) => i.operation.toLowerCase().includes(v);
          break;
        case 'target':
          p = (i) => i.target.toLowerCase().includes(v);
          break;
        case 'comm':
          p = (i) => i.comms.some((c) => c.toLowerCase().includes(v));
          break;
        case 'pid':
          p = (i) => i.pids.includes(raw) || i.samples.some((r) => r.fields.pid === raw);
          break;
        case 'host':
          p = (i) => hostsOf(i).some((h) => h.toLowerCase().includes(v));
          break;
        case 'verdict': {
          const want = VERDICT_WORDS[v];
          if (!want) return { ok: false, error: `verdict: one of attack, rule, unclear, info (not ${raw})` };
          p = (i) => i.verdict === want;
          break;
        }
        default: {
          const ms = parseSince(raw);
          if (ms === undefined) return { ok: false, error: `since: a duration like -10m, -2h, -30s (not ${raw})` };
          p = (i, now) => (i.lastSeen ?? -Infinity) >= now - ms;
        }
      }
      tests.push(neg(p, bang === '!'));
      continue;
    }
    const re = /^(!?)\/(.+)\/$/.exec(t);
    if (re) {
      let rx: RegExp;
      try {
        rx = new RegExp(re[2], 'i');
      } catch (err) {
        return { ok: false, error: `bad regular expression: ${(err as Error).message}` };
      }
      tests.push(neg((i) => words(i).some((w) => rx.test(w)), re[1] === '!'));
      continue;
    }
    const bang = t.startsWith('!');
    const w = (bang ? t.slice(1) : t).toLowerCase();
    if (w) tests.push(neg((i) => words(i).some((x) => x.includes(w)), bang));
  }
  return { ok: true, test: (i, now) => tests.every((p) => p(i, now)) };
}

/** A timeline row test from a field filter: each record, and each journal entry, read as a one-record denial group. */
export interface RowTest {
  record(r: AppArmorRecord): boolean;
  action(e: ActionJournalEntry): boolean;
}

export function rowTest(test: GroupPredicate, now: number): RowTest {
  const one = (o: Partial<DenialGroup>): DenialGroup => ({
    key: '',
    profile: '',
    operation: '',
    target: '',
    mask: '',
    kinds: [],
    verdict: NO_VERDICT,
    worstKind: '',
    count: 1,
    pids: [],
    pidsMore: 0,
    comms: [],
    hosts: [],
    firstSeq: 0,
    lastSeq: 0,
    samples: [],
    ...o,
  });
  return {
    record: (r) =>
      test(
        one({
          profile: recordProfile(r) ?? '',
          operation: r.fields.operation ?? '',
          target: recordTarget(r) ?? '',
          mask: maskOf(r),
          verdict: r.classification?.verdict ?? NO_VERDICT,
          pids: r.fields.pid !== undefined ? [r.fields.pid] : [],
          comms: r.fields.comm !== undefined ? [r.fields.comm] : [],
          hosts: r.host !== undefined ? [r.host] : [],
          firstSeen: r.time,
          lastSeen: r.time,
          samples: [r],
        }),
        now,
      ),
    action: (e) => {
      const t = Date.parse(e.time);
      return test(one({ profile: e.profile, operation: e.action, lastSeen: Number.isNaN(t) ? undefined : t }), now);
    },
  };
}
