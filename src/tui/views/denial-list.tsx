/**
 * The denial list: one row per (profile, operation, target, mask), verdict as glyph + word,
 * count, pids, last and first seen as relative times. Renders only the rows that fit.
 */
import React from 'react';
import type { DenialGroup } from '../denial-store.js';
import { cell, mcell, rcell, relTime, VERDICT_LABEL } from '../format.js';
import type { Theme } from '../theme.js';
import { safeMiddle } from '../../model/safe-text.js';
import { Lines, seg, titleLine, type Line } from './lines.js';
import { isGroupKey } from '../collapse.js';

export interface DenialListProps {
  /** The rows to draw (already windowed to `height - 1`). */
  rows: DenialGroup[];
  /** Index into `rows` of the selected row, -1 for none. */
  selected: number;
  /** Total rows in the list (for the "no denials" line). */
  total: number;
  now: number;
  width: number;
  height: number;
  theme: Theme;
  emptyText: string;
  /** Shown under the empty text: each source in full (why nothing may be arriving). */
  emptyDetail?: string[];
  /** "12-28 of 214" (and an arrow when more is below), right of the column titles. */
  range?: string;
  /** Keys of the groups marked (m) for one apply: `*` in the first column. */
  marked?: readonly string[];
  /** More than one host in view: a HOST column. */
  hosts?: boolean;
}

interface Columns {
  verdict: number;
  count: number;
  last: number;
  first: number;
  host: number;
  profile: number;
  op: number;
  target: number;
  mask: number;
  pids: number;
}

/** Column widths for a terminal width: the target gets what is left; pids and first seen only when wide. */
export function denialColumns(width: number, hosts = false): Columns {
  const c: Columns = {
    verdict: 10,
    count: 6,
    last: 9,
    first: width >= 100 ? 9 : 0,
    host: hosts ? (width >= 120 ? 16 : 11) : 0,
    profile: width >= 120 ? 26 : 17,
    op: 10,
    target: 0,
    mask: 8,
    pids: width >= 120 ? 16 : width >= 100 ? 10 : 0,
  };
  const fixed = 1 + c.verdict + c.count + c.last + c.first + c.host + c.profile + c.op + c.mask + c.pids;
  c.target = Math.max(8, width - fixed - 1);
  return c;
}

/** The group's host, and how many others it was seen on. */
function hostCell(i: DenialGroup): string {
  const h = i.hosts ?? [];
  return h.length ? `${h[0]}${h.length > 1 ? ` +${h.length - 1}` : ''}` : '-';
}

/** The group's pids; `from ...` when they are the other process's (the signal's sender, the tracer: DenialGroup.pidIsPeer). */
function pidText(i: DenialGroup): string {
  return (i.pidIsPeer ? 'from ' : '') + i.pids.join(',') + (i.pidsMore ? `+${i.pidsMore}${i.pidsMoreAtLeast ? '+' : ''}` : '');
}

/** DENIED is the usual case; an access that was ALLOWED (complain mode) or KILLED says so first. */
export function effectPrefix(i: DenialGroup): string {
  // every record a program's log line, none the kernel's (the detail says which program)
  const unproven = i.byProgram !== undefined && i.byProgram >= i.count ? 'UNPROVEN ' : '';
  return (
    unproven +
    i.kinds
      .filter((k) => k !== 'DENIED')
      .map((k) => `${k} `)
      .join('')
  );
}

/** Where a collapsed row's pattern first says what varies (`*`, `@{pid}`, `[0-9]*`). */
const WILDCARD = /\*|@\{|\[0-9\]/;

/**
 * The target in `max` characters, cut in the middle like any path; a collapsed row (`[12] pattern`)
 * keeps its count and the segment that holds the pattern's first wildcard, since that is what the
 * row is about.
 */
function targetText(i: DenialGroup, max: number): string {
  const plain = safeMiddle(i.target, max);
  if (!isGroupKey(i.key) || plain.length === i.target.length) return plain;
  const m = /^(\[\d+\] )(.*)$/s.exec(i.target);
  const w = m ? m[2].search(WILDCARD) : -1;
  if (!m || w < 0 || WILDCARD.test(plain.slice(m[1].length))) return plain;
  const from = m[2].lastIndexOf('/', w);
  const tail = from > 0 ? m[2].slice(from) : m[2];
  const room = max - m[1].length - 1;
  if (room < 8) return plain;
  // still too long: the end goes, the wildcard stays
  const shown = safeMiddle(tail, tail.length);
  return `${m[1]}…${shown.length <= room ? shown : `${shown.slice(0, room - 1)}…`}`;
}

export function denialRowText(i: DenialGroup, c: Columns, now: number): string {
  return [
    cell(VERDICT_LABEL[i.verdict], c.verdict - 1) + ' ',
    rcell(String(i.count), c.count - 1) + ' ',
    // every cell one column short of its width: a full cell never runs into the next
    cell(relTime(i.lastSeen, now), c.last - 1) + ' ',
    c.first ? cell(relTime(i.firstSeen, now), c.first - 1) + ' ' : '',
    c.host ? mcell(hostCell(i), c.host - 1) + ' ' : '',
    mcell(i.profile, c.profile - 1) + ' ',
    cell(i.operation, c.op - 1) + ' ',
    cell(effectPrefix(i) + targetText(i, c.target - 1 - effectPrefix(i).length), c.target - 1) + ' ',
    cell(i.mask, c.mask - 1) + ' ',
    c.pids ? cell(pidText(i), c.pids) : '',
  ].join('');
}

export function denialListLines(p: DenialListProps): Line[] {
  const c = denialColumns(p.width, p.hosts);
  const t = p.theme;
  const head = [
    ' ',
    cell('VERDICT', c.verdict),
    rcell('COUNT', c.count - 1),
    ' ',
    cell('LAST', c.last),
    c.first ? cell('FIRST', c.first) : '',
    c.host ? cell('HOST', c.host) : '',
    cell('PROFILE', c.profile),
    cell('OPERATION', c.op),
    cell('TARGET', c.target),
    cell('MASK', c.mask),
    c.pids ? cell('PIDS', c.pids) : '',
  ].join('');
  // right of the titles when there is room, else in the TARGET title (the widest column)
  const lines: Line[] = [
    titleLine(head, p.range, p.width, { bold: true, dim: t.dim }, (r) => (r.length + 8 <= c.target ? head.replace(cell('TARGET', c.target), cell(`TARGET ${r}`, c.target)) : undefined)),
  ];
  if (p.total === 0) {
    lines.push([seg(` ${p.emptyText}`)]);
    for (const l of p.emptyDetail ?? []) lines.push([seg(`   ${l}`)]);
  }
  p.rows.forEach((g, idx) => {
    const sel = idx === p.selected;
    const text = denialRowText(g, c, p.now);
    const vw = c.verdict;
    const attack = g.verdict === 'likely-attack';
    lines.push([
      seg(p.marked?.includes(g.key) ? '*' : sel ? '>' : ' ', { inverse: sel, bold: sel }),
      seg(text.slice(0, vw), { color: t.verdict[g.verdict], bold: attack || sel, inverse: sel }),
      seg(text.slice(vw), { inverse: sel, bold: sel }),
    ]);
  });
  return lines.slice(0, Math.max(0, p.height));
}

export function DenialList(p: DenialListProps): React.JSX.Element {
  return <Lines lines={denialListLines(p)} width={p.width} />;
}
