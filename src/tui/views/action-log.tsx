/**
 * The action log pane: every command aa-triage ran on this host (from the action journal), with
 * its exit status and whether the change was verified.
 */
import React from 'react';
import { cell, clockTime, wrapRows } from '../format.js';
import type { Theme } from '../theme.js';
import type { CommandRow } from '../view-model.js';
import { safeCell } from '../../model/safe-text.js';
import { replacedText } from '../../model/action.js';
import { Lines, seg, titleLine, type Line } from './lines.js';

export interface ActionLogProps {
  rows: CommandRow[];
  /** The loosening actions not undone, newest first: said above the table, whatever the filter. */
  notUndone?: { action: string; profile: string; time: string }[];
  /** z undoes here (live on this host); elsewhere the journal is only shown. */
  canUndo?: boolean;
  start: number;
  selected: number;
  /** Rows of the table; the lines below it show the selected command in full. */
  page: number;
  utc: boolean;
  tz?: string;
  /** Where the journal is read from, for the empty state. */
  journal?: string;
  /** Journal lines that held no readable entry. */
  unreadable?: number[];
  width: number;
  height: number;
  theme: Theme;
  /** "12-28 of 214 ↓" on the title line. */
  range?: string;
}

export function exitText(r: CommandRow): string {
  if (r.dryRun) return 'dry run';
  if (!r.done) return 'no result';
  if (r.exit === null) return 'signal';
  return `exit ${r.exit}`;
}

/** A cell of `w` columns whose last column is always blank, so a full value never runs into the next column. */
function col(s: string | undefined, w: number): string {
  return w > 0 ? `${cell(s, w - 1)} ` : '';
}

export function actionLogLines(p: ActionLogProps): Line[] {
  const t = p.theme;
  const opW = p.width >= 100 ? 10 : 0;
  const safe = (s: string) => safeCell(s, p.width);
  const head = ` ${col('TIME', 9)}${col('EXIT', 10)}${col('ACTION', 11)}${col('PROFILE', 17)}${col('OUTCOME', 11)}${col('OPERATOR', opW)}COMMAND`;
  const lines: Line[] = [titleLine(head, p.range, p.width, { bold: true, dim: t.dim })];
  if (p.unreadable?.length) {
    const n = p.unreadable.length;
    const which = p.unreadable.slice(0, 5).join(', ') + (n > 5 ? ', ...' : '');
    lines.push([seg(` ! ${n} unreadable journal line${n === 1 ? '' : 's'} skipped (line ${which}): torn by a failed write or not an entry`, { bold: true, color: t.bad })]);
  }
  if (p.notUndone?.length) {
    const shown = p.notUndone.map((a) => `${a.action} ${a.profile} (${clockTime(Date.parse(a.time), p.utc, p.tz)})`).join(', ');
    const text = ` Not undone: ${shown}${p.canUndo ? `; z undoes ${p.notUndone.length > 1 ? 'them, newest first' : 'it'}` : ''}`;
    lines.push([seg(safeCell(text, p.width), { bold: true, color: t.accent })]);
  }
  if (p.rows.length === 0) lines.push([seg(` no commands run${p.journal ? ` (journal: ${safe(p.journal)})` : ''}`)]);
  // The selected command in full under the table: the columns cut long paths.
  const chosen = p.rows[p.selected];
  const full: Line[] = [];
  if (chosen) {
    full.push(
      [seg(' ')],
      [seg(` ${chosen.id} ${chosen.action} ${safe(chosen.profile)} by ${safe(chosen.operator)}: ${exitText(chosen)}${chosen.outcome ? `, ${chosen.outcome}` : ''}`, { bold: true })],
    );
    for (const row of wrapRows(safeCell(`$ ${chosen.argv.join(' ')}`, 3 * p.width), Math.max(10, p.width - 3), 3)) full.push([seg(`   ${row}`)]);
    if (chosen.replaced)
      for (const row of wrapRows(
        replacedText(chosen.replaced, (x) => safeCell(x, p.width)),
        Math.max(10, p.width - 3),
        3,
      ))
        full.push([seg(`   ${row}`)]);
    if (chosen.input) for (const row of wrapRows(safeCell(`read on standard input: ${chosen.input}`, 3 * p.width), Math.max(10, p.width - 3), 2)) full.push([seg(`   ${row}`)]);
    if (chosen.reason) full.push([seg(`   reason: ${safeCell(chosen.reason, Math.max(10, p.width - 12))}`)]);
    if (chosen.notUndone) full.push([seg(`   not undone${p.canUndo ? ': z undoes it' : ''}`)]);
    if (chosen.error) full.push([seg(`   error: ${safe(chosen.error)}`, { color: t.bad })]);
  }
  const room = Math.max(0, Math.min(p.page, p.height - lines.length));
  p.rows.slice(p.start, p.start + room).forEach((r, i) => {
    const sel = p.start + i === p.selected;
    const failed = r.done && r.exit !== 0;
    const time = r.time ? clockTime(Date.parse(r.time), p.utc, p.tz) : '--:--:--';
    lines.push([
      seg(sel ? '>' : ' ', { inverse: sel }),
      seg(col(time, 9), { inverse: sel }),
      seg(col(exitText(r), 10), { inverse: sel, color: failed || !r.done ? t.bad : t.good, bold: failed }),
      seg(`${col(r.action, 11)}${col(r.profile, 17)}${col(r.outcome ?? (r.error ? 'error' : '-'), 11)}${col(r.operator, opW)}`, { inverse: sel }),
      seg(safe(r.argv.join(' ')), { inverse: sel }),
    ]);
  });
  if (p.height - lines.length >= full.length) {
    while (lines.length < p.height - full.length) lines.push([]);
    lines.push(...full);
  }
  return lines;
}

export function ActionLog(p: ActionLogProps): React.JSX.Element {
  return <Lines lines={actionLogLines(p)} width={p.width} />;
}
