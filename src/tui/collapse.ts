/**
 * Floods collapse into patterns. Pure. Incidents of one profile, operation, mask and verdict whose
 * targets differ only in pids, numbers, UUIDs, hex ids, session or scope names or /dev/pts/N become
 * one row whose target is the pattern (written like aa-logprof's globs: `/proc/@{pid}/status`) with
 * the summed count; Enter on it lists the members under it. A pattern seen once stays its incident.
 */
import type { DenialGroup } from './denial-store.js';
import { VERDICT_RANK } from '../model/verdict.js';

/** Keys of collapsed rows start with this (no incident key does: they are built from log fields without it). */
export const GROUP_PREFIX = '\u0000group\u0000';

// wildcards are written as private-use characters while the rules run, so a later rule (digits)
// cannot rewrite what an earlier one produced
const NUM = '\ue000';
const ANY = '\ue001';
const RULES: [RegExp, string][] = [
  [/^\/proc\/\d+\/task\/\d+\//, '/proc/@{pid}/task/@{tid}/'],
  [/^\/proc\/\d+(?=\/|$)/, '/proc/@{pid}'],
  [/\/dev\/pts\/\d+$/, `/dev/pts/${NUM}`],
  [/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, ANY],
  [/\bsession-[^/]+\.scope\b/g, `session-${ANY}.scope`],
  [/\b(run-|user@)[^/]+\.(service|scope)\b/g, `$1${ANY}.$2`],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, ANY],
  [/\d+/g, NUM],
];

/** The target as a glob pattern: what tells flood members apart replaced by a wildcard. */
export function targetPattern(target: string): string {
  let t = target;
  for (const [re, to] of RULES) t = t.replace(re, to);
  // consecutive wildcards say nothing more than one
  t = t.replace(new RegExp(`${NUM}{2,}`, 'g'), NUM).replace(new RegExp(`[${NUM}${ANY}]*${ANY}[${NUM}${ANY}]*`, 'g'), ANY);
  return t.replaceAll(NUM, '[0-9]*').replaceAll(ANY, '*');
}

export interface Collapsed {
  rows: DenialGroup[];
  /** Members of each collapsed row, by its key. */
  members: Map<string, DenialGroup[]>;
}

/**
 * The list with flood members folded into one row per pattern, at the place of the group's first
 * member in `list` (which is already sorted). Groups in `expanded` keep the row and list their
 * members right under it.
 */
export function collapseIncidents(list: DenialGroup[], expanded: readonly string[] = []): Collapsed {
  const groups = new Map<string, DenialGroup[]>();
  const keyOf = new Map<DenialGroup, string>();
  for (const i of list) {
    const pattern = targetPattern(i.target);
    if (pattern === i.target) continue;
    const k = `${GROUP_PREFIX}${i.profile}\u0000${i.operation}\u0000${i.mask}\u0000${i.verdict}\u0000${pattern}`;
    keyOf.set(i, k);
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  }
  const members = new Map<string, DenialGroup[]>();
  const rows: DenialGroup[] = [];
  const placed = new Set<string>();
  for (const i of list) {
    const k = keyOf.get(i);
    const g = k ? groups.get(k) : undefined;
    if (!k || !g || g.length < 2) {
      rows.push(i);
      continue;
    }
    if (placed.has(k)) continue;
    placed.add(k);
    members.set(k, g);
    rows.push(groupRow(k, g));
    if (expanded.includes(k)) rows.push(...g);
  }
  return { rows, members };
}

function groupRow(key: string, g: DenialGroup[]): DenialGroup {
  const worst = g.reduce((a, b) => (VERDICT_RANK[b.verdict] > VERDICT_RANK[a.verdict] ? b : a));
  const latest = g.reduce((a, b) => ((b.lastSeen ?? 0) > (a.lastSeen ?? 0) ? b : a));
  const pids = [...new Set(g.flatMap((i) => i.pids))];
  const first = g.map((i) => i.firstSeen).filter((t): t is number => t !== undefined);
  return {
    ...latest,
    key,
    target: `[${g.length}] ${key.slice(key.lastIndexOf('\u0000') + 1)}`,
    verdict: worst.verdict,
    classification: worst.classification,
    count: g.reduce((n, i) => n + i.count, 0),
    pids: pids.slice(0, 8),
    pidsMore: Math.max(0, pids.length - 8) + g.reduce((n, i) => n + i.pidsMore, 0),
    comms: [...new Set(g.flatMap((i) => i.comms))],
    firstSeen: first.length ? Math.min(...first) : undefined,
    firstSeq: Math.min(...g.map((i) => i.firstSeq)),
    samples: latest.samples,
  };
}

export const isGroupKey = (key: string | undefined): boolean => !!key?.startsWith(GROUP_PREFIX);
