/** The one-line bars: the new-attack banner and the footer (key hints or the filter prompt). */
import React from 'react';
import type { Theme } from '../theme.js';
import { safeCell, safeTail } from '../../model/safe-text.js';
import { Lines, seg, type Line } from './lines.js';

export function bannerLine(text: string, theme: Theme): Line {
  return [seg(` !! NEW LIKELY ATTACK: ${safeCell(text, 400)}  (press 1 to see the denials) `, { inverse: true, bold: true, color: theme.verdict['likely-attack'] })];
}

export function Banner({ text, theme, width }: { text: string; theme: Theme; width: number }): React.JSX.Element {
  return <Lines lines={[bannerLine(text, theme)]} width={width} />;
}

/** A prompt being typed into: the filter or a search (`/`), the time to jump to (`t `). */
export interface Prompt {
  mark: string;
  text: string;
  help: string;
}

export function footerLine(p: { prompt?: Prompt; hints: string; demo: boolean; theme: Theme; notice?: string }): Line {
  if (p.prompt) {
    return [seg(` ${p.prompt.mark}`, { bold: true }), seg(safeTail(p.prompt.text, 400)), seg('_', { inverse: true }), seg(`   ${safeCell(p.prompt.help, 400)}`, { dim: p.theme.dim })];
  }
  const demo = seg(p.demo ? ' DEMO data ' : '', { inverse: true, color: p.theme.mode.demo });
  if (p.notice) return [demo, seg(` ${p.notice}`, { bold: true })];
  return [demo, seg(` ${safeCell(p.hints, 400)}`, { dim: p.theme.dim })];
}

export function Footer(p: { prompt?: Prompt; hints: string; demo: boolean; theme: Theme; width: number; notice?: string }): React.JSX.Element {
  return <Lines lines={[footerLine(p)]} width={p.width} />;
}
