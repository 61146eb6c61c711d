/** The help overlay, generated from the keymap table that handles the keys. */
import React from 'react';
import { helpRows, type KeyBinding } from '../keymap.js';
import type { Theme } from '../theme.js';
import { Lines, seg, type Line } from './lines.js';
import { scrolledLines } from './incident-detail.js';
import { sourceLines } from './header.js';
import type { SourceHealth } from '../../store/incident-store.js';

export function helpLines(keymap: readonly KeyBinding[], theme: Theme, readOnlyNote?: string, sources: SourceHealth[] = []): Line[] {
  const lines: Line[] = [[seg(' Keys', { bold: true, color: theme.accent }), seg('  (Esc or ? closes this help)', { dim: theme.dim })]];
  let group = '';
  for (const row of helpRows(keymap)) {
    if (row.group !== group) {
      group = row.group;
      lines.push([seg(` ${group}`, { bold: true })]);
    }
    lines.push([seg(`   ${row.keys.padEnd(16)}`, { bold: true }), seg(row.help)]);
  }
  if (readOnlyNote) lines.push([], [seg(` ${readOnlyNote}`, { dim: theme.dim })]);
  if (sources.length) {
    lines.push([], [seg(' Sources', { bold: true, color: theme.accent })]);
    for (const h of sources) for (const l of sourceLines(h)) lines.push([seg(`   ${l}`)]);
  }
  return lines;
}

export function HelpOverlay(p: { keymap: readonly KeyBinding[]; theme: Theme; width: number; height: number; scroll: number; note?: string; sources: SourceHealth[] }): React.JSX.Element {
  return <Lines lines={scrolledLines(helpLines(p.keymap, p.theme, p.note, p.sources), p.height, p.scroll, p.theme)} width={p.width} />;
}
