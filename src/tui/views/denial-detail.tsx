/**
 * A denial group's detail: verdict and why, the suggestion, the profile's facts (mode, file, network
 * rules, who manages it), the decoded fields of the latest record, the event's context, and the raw
 * evidence lines with their source and line number. Scrolls; draws only what fits.
 */
import React from 'react';
import type { DenialGroup } from '../denial-store.js';
import type { ProfileFact } from '../profile-facts.js';
import { dateTime, relTime, VERDICT_LABEL, wrapRows } from '../format.js';
import type { Theme } from '../theme.js';
import { safeCell } from '../../model/safe-text.js';
import { BUS_NAME_ONLY_TEXT } from '../../model/record.js';
import { Lines, seg, type Line } from './lines.js';
import { markMatches, type ShownSearch } from '../view-search.js';

export interface DenialDetailProps {
  group: DenialGroup;
  fact?: ProfileFact;
  now: number;
  utc: boolean;
  /** --tz: an IANA zone for wall-clock times. */
  tz?: string;
  width: number;
  height: number;
  scroll: number;
  theme: Theme;
  /** Its records over time (rate-strip.tsx's groupShape), under the first/last line. */
  shape?: string;
  /** `/` in the detail: its matches are marked. */
  search?: ShownSearch;
  /** The lines when already built (the screen model has them): not laid out twice. */
  lines?: Line[];
}

const FIELD_ORDER = [
  'apparmor',
  'operation',
  'class',
  'info',
  'error',
  'profile',
  'label',
  'name',
  'name2',
  'target',
  'requested_mask',
  'denied_mask',
  'requested',
  'denied',
  'mask',
  'pid',
  'comm',
  'fsuid',
  'ouid',
  'FSUID',
  'OUID',
];

function fieldOrder(keys: string[]): string[] {
  const known = FIELD_ORDER.filter((k) => keys.includes(k));
  return [...known, ...keys.filter((k) => !FIELD_ORDER.includes(k)).sort()];
}

/**
 * The profile's mode and where it was read: the kernel's loaded list is the truth; without that
 * list (a log read on another host, no access to securityfs) only the file's flags are known, and
 * they say what the next load does, not what denied these records.
 */
export function modeText(fact: ProfileFact): string {
  if (fact.mode === undefined) return 'unknown';
  const mode = safeCell(fact.mode, 40);
  if (fact.loaded === true) return mode;
  if (fact.loaded === false) return `${mode} in its file (not loaded)`;
  return `${mode} in its file (the kernel's list of loaded profiles was not read)`;
}

export function detailLines(p: Omit<DenialDetailProps, 'height' | 'scroll'>): Line[] {
  const { group: g, fact, theme: t, width, now, utc, tz } = p;
  const w = Math.max(10, width - 4);
  // a value is shown on at most 6 rows: no more of it is escaped or laid out
  const safe = (s: string) => safeCell(s, 6 * w);
  const out: Line[] = [];
  const head = (s: string) => out.push([seg(s, { bold: true, color: t.accent })]);
  const text = (s: string, style: Parameters<typeof seg>[1] = {}) => {
    for (const row of wrapRows(s, w, 6)) out.push([seg(`  ${row}`, style)]);
  };
  const cls = g.classification;
  out.push([
    seg(` ${VERDICT_LABEL[g.verdict]} `, { color: t.verdict[g.verdict], bold: true, inverse: g.verdict === 'likely-attack' }),
    seg(` ${safeCell(g.profile, width)}  ${safeCell(g.operation, width)}  ${safeCell(g.target, width)}${g.mask ? `  (${safeCell(g.mask, width)})` : ''}`, { bold: true }),
  ]);
  text(
    `${g.count} record${g.count === 1 ? '' : 's'} (${g.kinds.join(', ')}) · ${g.pidIsPeer ? 'from ' : ''}pids ${g.pids.map(safe).join(', ') || '-'}${g.pidsMore ? ` +${g.pidsMoreAtLeast ? 'at least ' : ''}${g.pidsMore} more` : ''} · comm ${g.comms.map(safe).join(', ') || '-'}${g.pidIsPeer ? ` (the ${g.operation === 'signal' ? 'sender' : g.mask === 'readby' ? 'reader' : 'tracer'}'s, not ${safe(g.profile)}'s)` : ''}`,
  );
  text(`first ${dateTime(g.firstSeen, utc, tz)} (${relTime(g.firstSeen, now)}) · last ${dateTime(g.lastSeen, utc, tz)} (${relTime(g.lastSeen, now)})`);
  if (g.byProgram) {
    // a program's log line is text about a denial: anyone can write one (logger)
    const all = g.byProgram >= g.count;
    text(
      `${all ? 'Every record' : `${g.byProgram} of ${g.count} records`} came from a program's log line (${(g.writers ?? []).map(safe).join(', ')}), not from the kernel: any program can write such text, so ${all ? 'nothing here proves a denial' : 'only the others prove one'}`,
      { bold: true, color: t.bad },
    );
  }
  if (g.byBusName) {
    // a bus daemon's own line is taken as its record, on the name a text log gives it
    const all = g.byBusName >= g.count;
    text(`${all ? 'Every record' : `${g.byBusName} of ${g.count} records`} came from ${BUS_NAME_ONLY_TEXT}`, { color: t.verdict.unclear });
  }
  if (p.shape) out.push([seg(`  ${p.shape}`, { color: t.verdict[g.verdict] })]);
  out.push([]);
  if (cls) {
    head(`Why: ${cls.verdict} (confidence ${cls.confidence.toFixed(2)})`);
    for (const r of cls.reasons) text(`• ${safe(r)}`);
    if (cls.suggestion) {
      head(cls.suggestion.kind === 'respond' ? 'Suggestion: respond, do not loosen the profile' : 'Suggestion');
      text(safe(cls.suggestion.text));
      for (const rule of cls.suggestion.rules ?? []) text(`    ${safe(rule)}`, { bold: true });
      if (cls.suggestion.file) text(`in ${safe(cls.suggestion.file)}`);
    }
  } else {
    head('Why: ? (not classified)');
    text('No classification for these records: judge from the fields and evidence below.');
  }
  out.push([]);
  head(`Profile ${safe(g.profile)}`);
  if (fact) {
    text(`mode ${modeText(fact)} · file ${fact.file ? safe(fact.file) : 'not found in the profile directories'}`);
    text(
      `network rules: ${fact.hasNetworkRules === undefined ? 'unknown' : fact.hasNetworkRules ? 'yes' : 'none (it cannot use the network)'} · managed by: ${fact.managedBy ? `${safe(fact.managedBy)} (it rewrites this profile: hand edits do not last)` : 'nobody (hand-maintained)'}`,
    );
  } else {
    text('no facts: not in the loaded list nor in the profile directories read');
  }
  const latest = g.samples[g.samples.length - 1];
  if (latest) {
    out.push([]);
    head('Decoded fields (latest record)');
    const keys = fieldOrder(Object.keys(latest.fields));
    const kw = Math.min(16, Math.max(...keys.map((k) => k.length)) + 1);
    for (const k of keys) text(`${safe(k).padEnd(kw)} ${safe(latest.fields[k])}`);
    // bytes that were not UTF-8 read as \xNN, as a real name could: the hex as logged tells them apart
    for (const [k, hex] of Object.entries(latest.undecoded ?? {})) text(`${safe(k).padEnd(kw)} not UTF-8; as logged: ${safe(hex)}`);
    const ctx = latest.context;
    if (ctx && (ctx.syscall || ctx.exe || ctx.proctitle)) {
      out.push([]);
      head('Event context (same audit id)');
      if (ctx.syscall) text(`syscall ${safe(ctx.syscall)}${ctx.success ? ` success=${safe(ctx.success)}` : ''}${ctx.exit ? ` exit=${safe(ctx.exit)}` : ''}`);
      if (ctx.exe) text(`exe ${safe(ctx.exe)}`);
      if (ctx.proctitle) text(`proctitle ${safe(ctx.proctitle)}`);
    }
  }
  out.push([]);
  head(g.samples.length < g.count ? `Evidence (${g.samples.length} of ${g.count} records kept: the first and the latest)` : `Evidence (${g.count} record${g.count === 1 ? '' : 's'})`);
  for (const r of g.samples) {
    out.push([seg(`  ${safe(r.source.name)}:${r.source.line}`, { bold: true }), seg(`  ${r.auditId ? `audit(${safe(r.auditId)})` : ''} ${r.kind}`, { dim: t.dim })]);
    text(`${safe(r.raw)}${r.rawTruncated ? ' [line shortened]' : ''}`, { dim: t.dim });
  }
  return out;
}

/** The visible part of a scrolled list of lines, with a position line when it does not all fit. */
export function scrolledLines(lines: Line[], height: number, scroll: number, theme: Theme, search?: ShownSearch): Line[] {
  if (lines.length <= height) return markMatches(lines, 0, search);
  const page = Math.max(1, height - 1);
  const start = Math.max(0, Math.min(scroll, lines.length - page));
  const shown = markMatches(lines.slice(start, start + page), start, search);
  const end = start + shown.length;
  shown.push([seg(` -- ${end < lines.length ? 'more below' : 'end'} (${start + 1}-${end} of ${lines.length}; j/k, PgUp/PgDn, g/G) --`, { dim: theme.dim, bold: !theme.dim })]);
  return shown;
}

export function DenialDetail(p: DenialDetailProps): React.JSX.Element {
  return <Lines lines={scrolledLines(p.lines ?? detailLines(p), p.height, p.scroll, p.theme, p.search)} width={p.width} />;
}
