/** The help overlay, generated from the keymap table that handles the keys. */
import React from 'react';
import { helpRows, type KeyBinding } from '../keymap.js';
import type { Theme } from '../theme.js';
import { Lines, seg, type Line } from './lines.js';
import { wrapRows } from '../format.js';
import { scrolledLines } from './denial-detail.js';
import { sourceLines } from './header.js';
import type { SourceHealth } from '../../sources/types.js';
import type { ShownSearch } from '../view-search.js';

/** The help as lines no wider than `width` (80 columns at least fit everything): long texts wrap under themselves. */
export function helpLines(keymap: readonly KeyBinding[], theme: Theme, readOnlyNote?: string, sources: SourceHealth[] = [], width = 80): Line[] {
  const keyW = 19;
  const textW = Math.max(20, width - keyW - 1);
  const noteW = Math.max(20, width - 2);
  const lines: Line[] = [[seg(' Keys', { bold: true, color: theme.accent }), seg('  (Esc or ? closes this help)', { dim: theme.dim })]];
  let group = '';
  for (const row of helpRows(keymap)) {
    if (row.group !== group) {
      group = row.group;
      lines.push([seg(` ${group}`, { bold: true })]);
    }
    wrapRows(row.help, textW, 20).forEach((text, i) => lines.push([seg(i === 0 ? `   ${row.keys.padEnd(keyW - 3)}` : ' '.repeat(keyW), { bold: true }), seg(text)]));
  }
  if (readOnlyNote) {
    lines.push([]);
    for (const l of wrapRows(readOnlyNote, noteW, 20)) lines.push([seg(` ${l}`, { dim: theme.dim })]);
  }
  if (sources.length) {
    lines.push([], [seg(' Sources', { bold: true, color: theme.accent })]);
    for (const h of sources) for (const l of sourceLines(h)) wrapRows(l, noteW - 4, 20).forEach((r, i) => lines.push([seg(`${i ? '     ' : '   '}${r}`)]));
  }
  return lines;
}

export function HelpOverlay(p: {
  keymap: readonly KeyBinding[];
  theme: Theme;
  width: number;
  height: number;
  scroll: number;
  note?: string;
  sources: SourceHealth[];
  search?: ShownSearch;
  lines?: Line[];
}): React.JSX.Element {
  return <Lines lines={scrolledLines(p.lines ?? helpLines(p.keymap, p.theme, p.note, p.sources, p.width), p.height, p.scroll, p.theme, p.search)} width={p.width} />;
}
