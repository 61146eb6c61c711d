/** The one-line bars: the new-attack banner and the footer (key hints or the filter prompt). */
import React from 'react';
import type { Theme } from '../theme.js';
import { safeCell, safeTail } from '../../model/safe-text.js';
import { Lines, seg, type Line } from './lines.js';

export function bannerLine(text: string, theme: Theme): Line {
  return [seg(` !! NEW LIKELY ATTACK: ${safeCell(text, 400)}  (press 1 to see the incidents) `, { inverse: true, bold: true, color: theme.verdict['likely-attack'] })];
}

export function Banner({ text, theme, width }: { text: string; theme: Theme; width: number }): React.JSX.Element {
  return <Lines lines={[bannerLine(text, theme)]} width={width} />;
}

export function footerLine(p: { editing: boolean; filter: string; hints: string; demo: boolean; theme: Theme; notice?: string }): Line {
  if (p.editing) {
    return [seg(' /', { bold: true }), seg(safeTail(p.filter, 400)), seg('_', { inverse: true }), seg('   Enter keep · Esc clear · start with ! to invert', { dim: p.theme.dim })];
  }
  const demo = seg(p.demo ? ' DEMO data ' : '', { inverse: true, color: p.theme.mode.demo });
  if (p.notice) return [demo, seg(` ${p.notice}`, { bold: true })];
  return [demo, seg(` ${p.hints}`, { dim: p.theme.dim })];
}

export function Footer(p: { editing: boolean; filter: string; hints: string; demo: boolean; theme: Theme; width: number; notice?: string }): React.JSX.Element {
  return <Lines lines={[footerLine(p)]} width={p.width} />;
}
