/**
 * The allow dialog as lines. Pure. Rules, paths and diffs come from logs and profile files: all
 * pass through safeText. The diff's sign is a character, never only a colour.
 */
import { stepLine } from '../../actions/plan.js';
import { safeText } from '../../model/safe-text.js';
import type { Theme } from '../theme.js';
import { seg, type Line } from '../views/lines.js';
import { CANCEL_SLOT, CHECK_SLOT, REASON_SLOT, type AllowEditState, type AllowReviewState } from './allow-dialog.js';

function title(text: string, width: number, t: Theme): Line {
  const head = ` ${text} `;
  return [seg(`─${head}${'─'.repeat(Math.max(0, width - head.length - 2))}`, { bold: true, color: t.accent })];
}

function cut(s: string, width: number): string {
  return s.length > width ? `${s.slice(0, Math.max(0, width - 1))}…` : s;
}

function button(label: string, focused: boolean): string {
  return focused ? `[> ${label} <]` : `[  ${label}  ]`;
}

export function allowEditLines(s: AllowEditState, width: number, t: Theme): Line[] {
  const lines: Line[] = [title(`Allow: add ${s.items.length === 1 ? 'the suggested rule' : `${s.items.length} suggested rules`} to ${safeText(s.profile)}`, width, t)];
  if (s.note) lines.push([seg(cut(` ${safeText(s.note)}`, width))]);
  s.items.forEach((it, i) => {
    const f = s.focus === i;
    lines.push([seg(cut(` denied: ${safeText(it.label)}`, width), { dim: t.dim })]);
    lines.push([seg(`${f ? '>' : ' '} rule `, { bold: f }), seg(`[${cut(safeText(it.rule), width - 10)}${f ? '_' : ''}]`, { inverse: f })]);
  });
  const rf = s.focus === REASON_SLOT(s);
  lines.push([seg(`${rf ? '>' : ' '} Reason (journaled): `, { bold: rf }), seg(`[${safeText(s.reason)}${rf ? '_' : ''}]`, { inverse: rf })]);
  if (s.problem) lines.push([seg(cut(` ! ${safeText(s.problem)}`, width), { bold: true, color: t.bad })]);
  const c = s.focus === CANCEL_SLOT(s);
  const k = s.focus === CHECK_SLOT(s);
  lines.push([seg('   '), seg(button('Cancel', c), { inverse: c, bold: c }), seg('   '), seg(button('Check', k), { inverse: k, bold: k })]);
  lines.push([seg(' Edit to narrow (a glob, owner); never wider than the denial · Tab: next · Enter: Check · Esc', { dim: t.dim })]);
  return lines;
}

export function allowReviewLines(s: AllowReviewState, width: number, t: Theme): Line[] {
  const p = s.prep;
  const lines: Line[] = [title(`Allow: review for ${safeText(p.plan.target.requested)}`, width, t)];
  lines.push([seg(' Where: ', { bold: true }), seg(cut(safeText(p.placement.where), width - 8))]);
  lines.push([seg(' Checked: ', { bold: true }), seg('apparmor_parser compiles the profile with the rule (not loaded)')]);
  for (const d of p.diff) lines.push([seg(cut(`   ${safeText(d)}`, width), { bold: d.startsWith('+') && !d.startsWith('+++') })]);
  lines.push([seg(' Will run: ', { bold: true }), seg(cut(`$ ${safeText(stepLine(p.plan, p.plan.steps[0]))}`, width - 11), { color: t.accent })]);
  lines.push([seg(' Undo: z removes exactly these lines while the files stay as left', { dim: t.dim })]);
  const c = s.focus === 'cancel';
  lines.push([seg('   '), seg(button('Cancel', c), { inverse: c, bold: c }), seg('   '), seg(button('Apply and reload', !c), { inverse: !c, bold: !c, color: t.bad })]);
  lines.push([seg(' Left/Right: Cancel/Apply · Enter: choose · e: edit the rule again · Esc: cancel', { dim: t.dim })]);
  return lines;
}
