/** Lines through one LineParser: its records, unparsable lines, loss notices and counters. */
import { LineParser } from '../../src/parse/line-parser.js';
import type { AppArmorRecord, LossNotice, Unparsable } from '../../src/model/record.js';
import type { ClockContext } from '../../src/parse/prefix.js';

export function parseLines(lines: string[], clock: ClockContext = {}) {
  const records: AppArmorRecord[] = [];
  const unparsable: Unparsable[] = [];
  const loss: LossNotice[] = [];
  const p = new LineParser('t.log', { record: (r) => records.push(r), unparsable: (u) => unparsable.push(u), loss: (n) => loss.push(n) }, clock);
  for (const l of lines) p.push(l);
  p.end();
  return { records, unparsable, loss, stats: p.stats };
}
