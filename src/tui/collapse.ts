/**
 * Floods collapse into patterns. Pure. Denial groups of one profile, operation, mask and verdict whose
 * targets differ only in pids, numbers, UUIDs, hex ids, session or scope names or /dev/pts/N become
 * one row whose target is the pattern (written like aa-logprof's globs: `/proc/@{pid}/status`) with
 * the summed count; Enter on it lists the members under it. A pattern seen once stays its own row.
 */
import type { DenialGroup } from './denial-store.js';
import { VERDICT_RANK } from '../model/verdict.js';
import { own } from '../model/own-copy.js';

/** Keys of collapsed rows start with this (no denial group's key does: they are built from log fields without it). */
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
  let p = patterns.get(target);
  if (p === undefined) {
    p = patternOf(target);
    if (patterns.size >= PATTERNS_KEPT) patterns.clear();
    // kept as copies: a group's target is cut from its record's line, which it would keep alive
    // here long after the store let the group go
    const key = own(target);
    p = p === target ? key : own(p);
    patterns.set(key, p);
  }
  return p;
}

/** Patterns of the targets met lately: the list is collapsed anew a few times a second while a flood
 * runs. More than the store's groups (5,000), so a collapse finds every group's pattern: 20,000 were
 * 1.4 MB of a session's heap after a flood of one-off records. */
const patterns = new Map<string, string>();
const PATTERNS_KEPT = 8192;

function patternOf(target: string): string {
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
export function collapseGroups(list: DenialGroup[], expanded: readonly string[] = []): Collapsed {
  return collapseWith(list, expanded, collapseKey, groupRow);
}

/**
 * A collapser that remembers between calls (one per mounted view): the store hands out the same
 * object for a group that did not change, so each group's collapse key is worked out once, and a
 * collapsed row is made again only when one of its members changed. It returns what
 * collapseGroups returns (test/tui/collapse.test.tsx holds them equal).
 */
export function collapser(): (list: DenialGroup[], expanded?: readonly string[]) => Collapsed {
  // by store copy: a group the store let go takes its key with it
  const keys = new WeakMap<DenialGroup, string | null>();
  let rowsBefore = new Map<string, { g: DenialGroup[]; row: DenialGroup }>();
  return (list, expanded = []) => {
    const rowsNow = new Map<string, { g: DenialGroup[]; row: DenialGroup }>();
    const out = collapseWith(
      list,
      expanded,
      (i) => {
        let k = keys.get(i);
        if (k === undefined) {
          k = collapseKey(i) ?? null;
          keys.set(i, k);
        }
        return k ?? undefined;
      },
      (key, g) => {
        const before = rowsBefore.get(key);
        const row = before && sameMembers(before.g, g) ? before.row : groupRow(key, g);
        rowsNow.set(key, { g, row });
        return row;
      },
    );
    // only the rows of this list are kept: memory follows the list, not every list ever shown
    rowsBefore = rowsNow;
    return out;
  };
}

function sameMembers(a: DenialGroup[], b: DenialGroup[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The collapsed row a group would join, or undefined when its target has nothing to fold. */
function collapseKey(i: DenialGroup): string | undefined {
  const pattern = targetPattern(i.target);
  if (pattern === i.target) return undefined;
  return `${GROUP_PREFIX}${i.profile}\u0000${i.operation}\u0000${i.mask}\u0000${i.verdict}\u0000${pattern}`;
}

function collapseWith(list: DenialGroup[], expanded: readonly string[], keyFor: (i: DenialGroup) => string | undefined, rowFor: (key: string, g: DenialGroup[]) => DenialGroup): Collapsed {
  const groups = new Map<string, DenialGroup[]>();
  const keyOf = new Map<DenialGroup, string>();
  for (const i of list) {
    const k = keyFor(i);
    if (k === undefined) continue;
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
    rows.push(rowFor(k, g));
    if (expanded.includes(k)) rows.push(...g);
  }
  return { rows, members };
}

function groupRow(key: string, g: DenialGroup[]): DenialGroup {
  let worst = g[0];
  let latest = g[0];
  let count = 0;
  /** The most pids one member is known to have, and whether any left some out. */
  let memberPids = 0;
  let leftOut = false;
  let firstSeen: number | undefined;
  let firstSeq = Infinity;
  const pids = new Set<string>();
  const comms = new Set<string>();
  for (const i of g) {
    if (VERDICT_RANK[i.verdict] > VERDICT_RANK[worst.verdict]) worst = i;
    if ((i.lastSeen ?? 0) > (latest.lastSeen ?? 0)) latest = i;
    count += i.count;
    memberPids = Math.max(memberPids, i.pids.length + i.pidsMore);
    if (i.pidsMore) leftOut = true;
    if (i.firstSeen !== undefined && (firstSeen === undefined || i.firstSeen < firstSeen)) firstSeen = i.firstSeen;
    if (i.firstSeq < firstSeq) firstSeq = i.firstSeq;
    for (const p of i.pids) pids.add(p);
    for (const c of i.comms) comms.add(c);
  }
  const allPids = [...pids];
  // the pids members left out may be the same pids, or others' listed ones: without them the count
  // is exact; with them, what is certain is the larger of the listed ones and any one member's
  const shown = Math.min(allPids.length, 8);
  const known = Math.max(allPids.length, memberPids);
  return {
    ...latest,
    key,
    target: `[${g.length}] ${key.slice(key.lastIndexOf('\u0000') + 1)}`,
    verdict: worst.verdict,
    classification: worst.classification,
    count,
    pids: allPids.slice(0, 8),
    pidsMore: known - shown,
    pidsMoreAtLeast: leftOut,
    comms: [...comms],
    firstSeen,
    firstSeq,
    samples: latest.samples,
  };
}

export const isGroupKey = (key: string | undefined): boolean => !!key?.startsWith(GROUP_PREFIX);
