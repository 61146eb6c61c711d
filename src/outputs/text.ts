/**
 * The plain view: one readable line per record, for a terminal without the interactive view
 * (`--plain`) and for the demo before the TUI. Every log string goes through safeText.
 */
import type { AppArmorRecord } from '../model/record.js';
import { BUS_NAME_ONLY_TEXT, busNameOnly, pidIsPeer, recordMask, recordProfile, recordTarget } from '../model/record.js';
import { DOCUMENT_TEXT_MAX, safeBounded } from '../model/safe-text.js';

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function formatTime(t: number | undefined, utc: boolean): string {
  if (t === undefined) return '????-??-?? ??:??:??';
  const d = new Date(t);
  if (utc) return d.toISOString().replace('T', ' ').slice(0, 19);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function recordLine(r: AppArmorRecord, opts: { utc?: boolean } = {}): string {
  const f = r.fields;
  const verdict = r.classification ? `${pad(r.classification.verdict, 13)} ` : '';
  const mask = recordMask(r) ?? '';
  const what = r.kind === 'STATUS' ? `${f.operation ?? ''} ${f.name ?? ''}` : `${f.operation ?? ''} ${recordTarget(r) ?? ''}${mask ? ` (${mask})` : ''}`;
  // a signal's receipt or a trace's target names the other process (pidIsPeer)
  const from = pidIsPeer(r) && (f.comm || f.pid) ? ' from' : '';
  const who = `${recordProfile(r) ?? '?'}${from}${f.comm ? ` comm=${f.comm}` : ''}${f.pid ? ` pid=${f.pid}` : ''}`;
  // a program's log line is text about a denial (AppArmorRecord.writer)
  const writer = r.writer !== undefined ? `  (written by ${r.writer}, not the kernel)` : busNameOnly(r) ? `  (from ${BUS_NAME_ONLY_TEXT})` : '';
  // each log value bounded on its own, so the line's own words and its evidence stay whole
  const b = (s: string) => (s.length > DOCUMENT_TEXT_MAX ? safeBounded(s) : s);
  return safeBounded(
    `${formatTime(r.time, !!opts.utc)}${r.timeApprox ? '~' : ' '} ${pad(r.kind, 7)} ${verdict}${pad(b(who), 40)} ${b(what)}${b(writer)}  [${b(r.source.name)}:${r.source.line}]`,
    8 * DOCUMENT_TEXT_MAX,
  );
}
