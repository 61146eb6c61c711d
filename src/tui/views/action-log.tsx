/**
 * The action log pane: every command aa-triage ran on this host (from the action journal), with
 * its exit status and whether the change was verified.
 */
import React from 'react';
import { cell, clockTime } from '../format.js';
import type { Theme } from '../theme.js';
import type { CommandRow } from '../view-model.js';
import { safeText } from '../../views/safe-text.js';
import { Lines, seg, type Line } from './lines.js';

export interface ActionLogProps {
  rows: CommandRow[];
  start: number;
  selected: number;
  utc: boolean;
  /** Where the journal is read from, for the empty state. */
  journal?: string;
  width: number;
  height: number;
  theme: Theme;
}

export function exitText(r: CommandRow): string {
  if (r.dryRun) return 'dry run';
  if (!r.done) return 'no result';
  if (r.exit === null) return 'signal';
  return `exit ${r.exit}`;
}

export function actionLogLines(p: ActionLogProps): Line[] {
  const t = p.theme;
  const lines: Line[] = [[seg(` ${cell('TIME', 9)}${cell('OPERATOR', 10)}${cell('ACTION', 17)}${cell('PROFILE', 20)}${cell('EXIT', 10)}${cell('OUTCOME', 11)}COMMAND`, { bold: true, dim: t.dim })]];
  if (p.rows.length === 0) lines.push([seg(` no commands run${p.journal ? ` (journal: ${safeText(p.journal)})` : ''}`)]);
  const room = Math.max(0, p.height - lines.length);
  p.rows.slice(p.start, p.start + room).forEach((r, i) => {
    const sel = p.start + i === p.selected;
    const failed = r.done && r.exit !== 0;
    const time = r.time ? clockTime(Date.parse(r.time), p.utc) : '--:--:--';
    lines.push([
      seg(sel ? '>' : ' ', { inverse: sel }),
      seg(`${cell(time, 9)}${cell(r.operator, 10)}${cell(r.action, 17)}${cell(r.profile, 20)}`, { inverse: sel }),
      seg(cell(exitText(r), 10), { inverse: sel, color: failed || !r.done ? t.bad : t.good, bold: failed }),
      seg(cell(r.outcome ?? (r.error ? 'error' : '-'), 11), { inverse: sel }),
      seg(r.argv.map(safeText).join(' ') + (r.error ? `  (${safeText(r.error)})` : ''), { inverse: sel }),
    ]);
  });
  return lines;
}

export function ActionLog(p: ActionLogProps): React.JSX.Element {
  return <Lines lines={actionLogLines(p)} width={p.width} />;
}
