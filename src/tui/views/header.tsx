/**
 * The header: what is being looked at (LIVE / PAUSED (N new) / DEMO / REPLAY), host, counts by
 * verdict, the loss the kernel reported, source health, and the screen tabs.
 */
import React from 'react';
import type { LossCounts, VerdictCounts } from '../denial-store.js';
import type { SourceHealth } from '../../sources/types.js';
import { SCREENS, SCREEN_TITLE, type Screen } from '../keymap.js';
import type { Theme } from '../theme.js';
import { VERDICT_LABEL } from '../format.js';
import { NO_VERDICT } from '../../model/verdict.js';
import { safeCell } from '../../model/safe-text.js';
import { percentRead } from '../../model/percent-read.js';
import { Lines, seg, type Line } from './lines.js';

export type RunMode = 'live' | 'demo' | 'replay';

export interface HeaderProps {
  mode: RunMode;
  paused: boolean;
  newSincePause: number;
  host?: string;
  /** Every host the records came from: more than one replaces the single host. */
  hosts?: string[];
  records: number;
  verdicts: VerdictCounts;
  loss: LossCounts;
  health: SourceHealth[];
  /** How relative times are measured ("now = last record 03:11:48"). */
  clockNote?: string;
  screen: Screen;
  sortTitle: string;
  filter: string;
  width: number;
  theme: Theme;
}

const HEALTH_GLYPH: Record<string, string> = { live: '●', backfill: '…', starting: '…', waiting: '…', reading: '…', done: '✓', ended: '✓', restarting: '↻', unavailable: '✗', failed: '✗' };

export function modeBadge(mode: RunMode, paused: boolean, newSincePause: number): string {
  const base = mode === 'live' ? 'LIVE' : mode === 'demo' ? 'DEMO' : 'REPLAY';
  if (!paused) return base;
  return mode === 'live' ? `PAUSED (${newSincePause} new)` : `${base} · PAUSED (${newSincePause} new)`;
}

/** "host web-01", or "2 hosts: web-01, db-01" when the records come from more than one. */
export function hostText(host: string | undefined, hosts: string[] | undefined, width: number): string {
  if (!hosts || hosts.length < 2) return `host ${safeCell(host ?? hosts?.[0] ?? '?', width)}`;
  const names = hosts
    .slice(0, 3)
    .map((h) => safeCell(h, 40))
    .join(', ');
  return `${hosts.length} hosts: ${names}${hosts.length > 3 ? ', ...' : ''}`;
}

export function headerLines(p: HeaderProps): Line[] {
  const t = p.theme;
  const badgeColor = p.paused ? t.mode.paused : t.mode[p.mode];
  const line1: Line = [
    seg(' aa-triage ', { bold: true }),
    seg(` ${modeBadge(p.mode, p.paused, p.newSincePause)} `, { inverse: true, bold: true, color: badgeColor }),
    seg(`  ${hostText(p.host, p.hosts, p.width)}  ·  ${p.records} records`),
    seg(p.clockNote ? `  ·  ${p.clockNote}` : '', { dim: t.dim }),
    // not a loss: the records were counted, only the oldest groups' rows were let go
    seg(p.loss.evicted ? `  ·  ${p.loss.evicted} groups evicted` : '', { dim: t.dim }),
  ];
  const v = p.verdicts;
  const line2: Line = [seg(' ')];
  for (const k of ['likely-attack', 'unclear', 'missing-rule', 'info', NO_VERDICT] as const) {
    // `info` and `?` only when there are some: line 2 must fit 80 columns with the loss counters.
    if ((k === NO_VERDICT || k === 'info') && v[k] === 0) continue;
    const [glyph, word] = VERDICT_LABEL[k].split(' ');
    line2.push(seg(k === NO_VERDICT ? `? ${v[k]} unclassified` : `${glyph} ${v[k]} ${word.toLowerCase()}`, { color: t.verdict[k], bold: k === 'likely-attack' && v[k] > 0 }), seg('  '));
  }
  line2.push(...lossSegments(p.loss, p.width - line2.reduce((n, x) => n + x.text.length, 0), t));
  const line3: Line = [seg(p.health.length === 1 ? ' source: ' : ' sources: ')];
  if (p.health.length === 0) line3.push(seg('none started', { color: t.bad }));
  p.health.forEach((h, i) => {
    // Names and states only, so every source fits at 80 columns; why one is unavailable and the fix
    // are in the help (?) and, while nothing has arrived, in the denial list.
    const bad = h.state === 'unavailable' || h.state === 'failed';
    const counted = h.state === 'live' || h.state === 'done' || h.state === 'ended';
    // a saved input being read: how far it is, once the first megabyte is in
    const reading = h.state === 'reading' && h.lines > 0;
    const detail = counted ? ` ${h.lines ?? 0}` : reading ? ` ${h.fractionRead !== undefined ? `${percentRead(h.fractionRead)}, ` : ''}${h.lines}` : h.state === 'unavailable' ? '' : ` ${h.state}`;
    line3.push(seg(`${i ? '  ' : ''}${HEALTH_GLYPH[h.state] ?? '?'} ${safeCell(h.name, p.width)}${detail}`, { color: bad ? t.bad : undefined, bold: bad }));
  });
  if (p.health.some((h) => h.state === 'unavailable' || h.state === 'failed')) line3.push(seg('  (✗: ? says why)', { dim: t.dim }));
  else if (p.health.length) line3.push(seg(' lines', { dim: t.dim }));
  const line4: Line = [seg(' ')];
  SCREENS.forEach((s, i) => {
    const active = s === p.screen;
    line4.push(seg(active ? `[${i + 1} ${SCREEN_TITLE[s]}]` : ` ${i + 1} ${SCREEN_TITLE[s]} `, { inverse: active, bold: active, color: active ? t.accent : undefined }));
  });
  // The filter before the sort: at 80 columns only one of them may fit, and a hidden filter misleads.
  if (p.filter) line4.push(seg(`  filter: ${safeCell(p.filter, p.width)}`, { bold: true, inverse: true }));
  line4.push(seg(`  sort: ${p.sortTitle}`, { dim: t.dim }));
  return [line1, line2, line3, line4];
}

/**
 * The loss counters. Records the kernel log lost but the audit channel read here holds are not
 * lost: they are named apart, not in the loss colour, in the longest wording that fits.
 */
export function lossSegments(loss: LossCounts, room: number, t: Theme): Line {
  const notRecovered = loss.suppressed - loss.recovered;
  const lossy = notRecovered + loss.lost + loss.dropped > 0;
  const style = { color: lossy ? t.bad : undefined, bold: lossy };
  if (loss.recovered === 0) return [seg(`│ loss: ${loss.suppressed} suppressed, ${loss.lost} lost, ${loss.dropped} dropped`, style)];
  const head = `│ loss: ${notRecovered ? `${notRecovered} suppressed, ` : ''}${loss.lost} lost, ${loss.dropped} dropped`;
  const more = notRecovered ? ' more' : '';
  const forms = [
    ` · ${loss.recovered}${more} suppressed in the kernel log, recovered from the audit channel`,
    ` · ${loss.recovered}${more} suppressed, recovered from the audit channel`,
    ` · ${loss.recovered}${more} suppressed, recovered`,
  ];
  const tail = forms.find((f) => head.length + f.length <= room) ?? forms[forms.length - 1];
  return [seg(head, style), seg(tail, { color: t.good })];
}

export function Header(p: HeaderProps): React.JSX.Element {
  return <Lines lines={headerLines(p)} width={p.width} />;
}

/** One source in full: state, counters, why and the fix, its last stderr lines. */
export function sourceLines(h: SourceHealth): string[] {
  // cut to what a wide terminal shows: the lines are fitted to the real width when drawn
  const safe = (s: string) => safeCell(s, 400);
  const out = [
    `${safe(h.name)}: ${h.state}${h.fractionRead !== undefined ? `, ${percentRead(h.fractionRead)} read` : ''}${h.lines !== undefined ? `, ${h.lines} lines` : ''}${h.records !== undefined ? `, ${h.records} records` : ''}${h.restarts ? `, ${h.restarts} restarts` : ''}${h.dropped ? `, ${h.dropped} lines dropped` : ''}`,
  ];
  if (h.reason) out.push(`  why: ${safe(h.reason)}`);
  if (h.fix) out.push(`  fix: ${safe(h.fix)}`);
  if (h.note) out.push(`  note: ${safe(h.note)}`);
  for (const l of (h.stderrTail ?? []).slice(-3)) out.push(`  stderr: ${safe(l)}`);
  return out;
}
