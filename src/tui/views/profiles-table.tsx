/**
 * Loaded and known profiles with their mode and how many denials and likely attacks each had,
 * drawn with @alcalzone/ink-table (the ESM port of ink-table that loads under Ink 6). The table
 * takes one line per row plus a separator line, so it is windowed to what fits.
 */
import React from 'react';
import { Box, Text } from 'ink';
import { Table } from '@alcalzone/ink-table';
import { safeCell, safeMiddle, safeTail } from '../../model/safe-text.js';
import type { ProfileRow } from '../view-model.js';

export interface ProfilesTableProps {
  rows: ProfileRow[];
  /** Index of the first row drawn and of the selected row, in `rows`. */
  start: number;
  selected: number;
  width: number;
  height: number;
  /** Each profile's denials over time (rate-strip.tsx), by profile name: a `shape` column. */
  shapes?: Map<string, string>;
  /** "12-28 of 214 ↓", right-aligned above the table. */
  range?: string;
}

/** Rows the table can show in `height` lines: the position line, 3 lines of frame, 2 per row. */
export function profileTableCapacity(height: number): number {
  return Math.max(1, Math.floor((height - 4) / 2));
}

type TableRow = Record<string, string | number>;

/** Keeps the end of a path (the file name matters most): `…/usr.sbin.nginx`. */
export function tailCell(s: string, w: number): string {
  return safeTail(s, w);
}

/** Cells of the per-profile strip: a few at 80 columns, more when wide. */
export function profileShapeWidth(width: number): number {
  return width >= 140 ? 24 : width >= 110 ? 16 : 8;
}

/** The table's rows, cut so the whole table fits `width` (wide terminals get more columns). */
export function profileTableData(rows: ProfileRow[], selected: number, width: number, shapes?: Map<string, string>): TableRow[] {
  // Narrow terminals keep the name, mode and attacks (and the denials when they fit), without the
  // strip; each column costs its cell plus a space each side and a rule.
  if (width < 72) {
    const withDenied = width >= 56;
    const nameW = Math.max(6, width - (withDenied ? 40 : 29));
    return rows.map((r, i) => {
      const row: TableRow = { ' ': i === selected ? '>' : ' ', profile: safeMiddle(r.name, nameW), mode: safeCell(r.fact?.mode ?? '?', 8), attacks: r.attacks };
      if (withDenied) row.denied = r.denials;
      return row;
    });
  }
  const wide = width >= 110;
  // Frame, marker, mode and the count columns take this much; the name and the file share the rest.
  // Narrow, `allowed` takes the place of `managed`: what happened matters more during an incident.
  const shapeW = shapes ? profileShapeWidth(width) : 0;
  const fixed = (wide ? 71 : 52) + (shapes ? shapeW + 3 : 0);
  const rest = Math.max(16, width - fixed - 1);
  const nameW = Math.max(10, Math.ceil(rest * 0.55));
  const fileW = Math.max(4, rest - nameW);
  return rows.map((r, i) => {
    const row: TableRow = {
      ' ': i === selected ? '>' : ' ',
      profile: safeMiddle(r.name, nameW),
      mode: safeCell(r.fact?.mode ?? '?', 10),
      denied: r.denials,
      // likely attacks are counted among the denied and the allowed records, so both stand beside them
      allowed: r.allowed,
      attacks: r.attacks,
    };
    if (shapes) row.shape = shapes.get(r.name) ?? ' '.repeat(shapeW);
    if (wide) {
      row.loads = r.statusEvents;
      row.managed = safeCell(r.fact?.managedBy ?? '-', 7);
    }
    row.file = tailCell(r.fact?.file ?? '-', fileW);
    return row;
  });
}

/**
 * Said above the table when a mode shown comes from a profile's file: without the kernel's list of
 * loaded profiles the file's flags say what the next load does, not what is enforced now.
 */
export const FILE_MODES_NOTE = "mode: the files' flags (the kernel's list was not read)";

/** The line above the table: the note on the left when it applies and fits, the range on the right. */
export function profileTableTop(rows: readonly ProfileRow[], width: number, range = ''): string {
  const fromFiles = rows.some((r) => r.fact?.mode !== undefined && r.fact.loaded === undefined);
  const room = Math.max(0, width - 1);
  if (!fromFiles || FILE_MODES_NOTE.length + range.length + 2 > room) return range.padStart(room);
  return `${FILE_MODES_NOTE}${range.padStart(room - FILE_MODES_NOTE.length)}`;
}

export function ProfilesTable(p: ProfilesTableProps): React.JSX.Element {
  const cap = profileTableCapacity(p.height);
  const slice = p.rows.slice(p.start, p.start + cap);
  if (p.rows.length === 0) return <Text> no profiles known: none loaded or readable, and none seen in the records</Text>;
  return (
    <Box flexDirection="column" width={p.width} height={p.height} overflow="hidden">
      <Text>{profileTableTop(p.rows, p.width, p.range)}</Text>
      <Table data={profileTableData(slice, p.selected - p.start, p.width, p.shapes)} />
    </Box>
  );
}
