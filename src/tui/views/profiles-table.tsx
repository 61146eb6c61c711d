/**
 * Loaded and known profiles with their mode and how many denials and likely attacks each had,
 * drawn with @alcalzone/ink-table (the ESM port of ink-table that loads under Ink 6). The table
 * takes one line per row plus a separator line, so it is windowed to what fits.
 */
import React from 'react';
import { Box, Text } from 'ink';
import { Table } from '@alcalzone/ink-table';
import { safeCell } from '../../views/safe-text.js';
import type { ProfileRow } from '../view-model.js';

export interface ProfilesTableProps {
  rows: ProfileRow[];
  /** Index of the first row drawn and of the selected row, in `rows`. */
  start: number;
  selected: number;
  width: number;
  height: number;
}

/** Rows the table can show in `height` lines: 3 lines of frame, 2 per row. */
export function profileTableCapacity(height: number): number {
  return Math.max(1, Math.floor((height - 3) / 2));
}

type TableRow = { ' ': string; profile: string; mode: string; denied: number; attacks: number; allowed: number; status: number; managed: string; file: string };

export function profileTableData(rows: ProfileRow[], selected: number, width: number): TableRow[] {
  // Fixed columns and frame take about 64 columns; the name and the file share the rest.
  const rest = Math.max(16, width - 66);
  const nameW = Math.max(12, Math.ceil(rest * 0.5));
  const fileW = Math.max(4, rest - nameW);
  return rows.map((r, i) => ({
    ' ': i === selected ? '>' : ' ',
    profile: safeCell(r.name, nameW),
    mode: safeCell(r.fact?.mode ?? '?', 10),
    denied: r.denials,
    attacks: r.attacks,
    allowed: r.allowed,
    status: r.statusEvents,
    managed: safeCell(r.fact?.managedBy ?? '-', 8),
    file: safeCell(r.fact?.file ?? '-', fileW),
  }));
}

export function ProfilesTable(p: ProfilesTableProps): React.JSX.Element {
  const cap = profileTableCapacity(p.height);
  const slice = p.rows.slice(p.start, p.start + cap);
  if (p.rows.length === 0) return <Text> no profiles known: none loaded or readable, and none seen in the records</Text>;
  return (
    <Box flexDirection="column" width={p.width} height={p.height} overflow="hidden">
      <Table data={profileTableData(slice, p.selected - p.start, p.width)} />
    </Box>
  );
}
