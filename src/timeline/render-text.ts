/**
 * The timeline for the terminal: the header summary, then the story in time order with each
 * incident told as an indented block at the moment it began. Every log string passes through
 * safeText. Meaning never depends on colour (there is none): verdicts are words, attack rows `!`.
 */
import { safeBounded } from '../model/safe-text.js';
import { chronologyRows, incidentRows, rowNote, type Row } from './chronology.js';
import { countsText, evidence, lostPhrases, otherAccessesText, pidsText, recordsText, recoveredPhrases, verdictLabel, changeText } from './describe.js';
import { histogramLines } from './histogram.js';
import type { Incident, Timeline } from './model.js';
import { formatAfter, formatClock, formatDate, formatPointClock, formatPointStamp, formatSpan, type TimeStyle } from './time-format.js';

export interface RenderOptions {
  style: TimeStyle;
  /** Label the output as the bundled demo, not this host's data. */
  demo?: boolean;
}

/** Every log string: made safe, and bounded (model/safe-text.ts DOCUMENT_TEXT_MAX). */
const esc = (s: string): string => safeBounded(s);
const INDENT = '           ';

function summaryLines(t: Timeline, o: RenderOptions): string[] {
  const s = t.summary;
  const out: string[] = ['AppArmor forensic timeline', '=========================='];
  if (o.demo) out.push('DEMO: the bundled demo incident, not data from this host');
  const line = (k: string, v: string) => out.push(`${`${k}:`.padEnd(12)}${v}`);
  line('Hosts', s.hosts.length ? s.hosts.map(esc).join(', ') : 'not named in the logs');
  if (s.first?.time !== undefined && s.last?.time !== undefined) {
    line('Window', `${formatPointStamp(s.first, o.style)} → ${formatPointStamp(s.last, o.style)} (${formatSpan(s.durationMs ?? 0)})`);
  } else line('Window', 'no dated evidence');
  if (s.requested)
    line(
      'Cut to',
      `${s.requested.since !== undefined ? formatPointStamp({ time: s.requested.since, approx: false, basis: 'record' }, o.style) : 'the start'} → ${s.requested.until !== undefined ? formatPointStamp({ time: s.requested.until, approx: false, basis: 'record' }, o.style) : 'the end'}`,
    );
  line('Times in', o.style.label);
  const status = s.byKind.STATUS ?? 0;
  const verdicts = countsText(s.byVerdict, verdictLabel);
  line('Records', `${s.records} AppArmor record${s.records === 1 ? '' : 's'}${verdicts ? `: ${verdicts}` : ''}${status ? `${verdicts ? ', ' : ': '}${status} profile status` : ''}`);
  const incVerdicts: Record<string, number> = {};
  for (const i of t.incidents) incVerdicts[i.verdict] = (incVerdicts[i.verdict] ?? 0) + 1;
  line('Incidents', `${s.incidents}${s.incidents ? ` (${countsText(incVerdicts, verdictLabel)})` : ''}, by profile and process, split after ${formatSpan(s.gapSeconds * 1000)} of quiet`);
  if (s.profiles.length) {
    const shown = s.profiles
      .slice(0, 12)
      .map((p) => `${esc(p.profile)} (${p.records} record${p.records === 1 ? '' : 's'}, ${verdictLabel(p.verdict)}${p.incidents > 1 ? `, ${p.incidents} incidents` : ''})`);
    const more = s.profiles.length - shown.length + s.moreProfiles;
    line('Profiles', shown.join(', ') + (more > 0 ? ` and ${more} more` : ''));
  }
  line('Actions', s.actionJournal !== undefined ? `${s.actions} operator action${s.actions === 1 ? '' : 's'} in ${esc(s.actionJournal)}` : 'no action journal found (--actions FILE names one)');
  if (s.boots) line('Boots', String(s.boots));
  const lost = lostPhrases(s, esc);
  if (lost.length) {
    line('Lost', lost[0]);
    for (const l of lost.slice(1)) out.push(`${' '.repeat(12)}${l}`);
  } else line('Lost', 'nothing the logs reported (explicit deny rules are silent unless audited)');
  const recovered = recoveredPhrases(s, esc);
  if (recovered.length) {
    line('Recovered', recovered[0]);
    for (const l of recovered.slice(1)) out.push(`${' '.repeat(12)}${l}`);
  }
  if (s.duplicates) line('Merged', `${s.duplicates} duplicate record${s.duplicates === 1 ? '' : 's'} (the same record in two logs)`);
  if (s.approxTimes || s.undated) line('Estimated', `${s.approxTimes} record time${s.approxTimes === 1 ? '' : 's'} estimated (~), ${s.undated} undated (?)`);
  if (s.unclassified && s.records > status) line('Note', 'no classifier ran: verdicts read "unclassified"');
  return out;
}

function rowLine(r: Row): string {
  const note = rowNote(r);
  const parts = [r.text];
  if (r.detail) parts.push(r.detail);
  if (note) parts.push(note);
  return `${parts.join(' · ')}${r.evidence ? `  [${r.evidence}]` : ''}`;
}

function incidentBlock(t: Timeline, inc: Incident, o: RenderOptions): string[] {
  const out: string[] = [];
  const span =
    inc.first.time !== undefined && inc.last.time !== undefined ? `${formatPointClock(inc.first, o.style)} → ${formatPointClock(inc.last, o.style)} (${formatSpan(inc.durationMs ?? 0)})` : 'undated';
  out.push(`┌ Incident ${inc.id} · ${esc(inc.profile)} · ${verdictLabel(inc.verdict)} · ${span}`);
  const facts = [recordsText(inc), pidsText(inc, esc), inc.comms.map(esc).join(', ')].filter(Boolean);
  out.push(`│ ${facts.join(' · ')}`);
  if (inc.labels.length > 1 || (inc.labels.length === 1 && inc.labels[0] !== inc.profile)) out.push(`│ profiles: ${inc.labels.map(esc).join(', ')}`);
  if (inc.hosts.length > 1) out.push(`│ hosts: ${inc.hosts.map(esc).join(', ')}`);
  if (inc.precededBy && inc.precededBy.at.time !== undefined && inc.first.time !== undefined) {
    out.push(`│ began ${formatAfter(inc.first.time, inc.precededBy.at.time)} after ${changeText(inc.precededBy.change, esc)} [${evidence(inc.precededBy.change.source, esc)}]`);
  }
  for (const r of incidentRows(t, inc, esc, (ms) => formatClock(ms, o.style))) {
    const mark = r.verdict === 'likely-attack' || (r.kind === 'loss' && !r.recovered) ? '!' : r.kind === 'action' ? '>' : r.kind === 'profile' ? '*' : ' ';
    out.push(`│ ${mark} ${formatPointClock(r.at, o.style, true).padEnd(13)} ${rowLine(r)}`);
  }
  if (inc.otherAccesses) out.push(`│   and ${otherAccessesText(inc)}`);
  if (inc.reasons.length) out.push(`│ why ${verdictLabel(inc.verdict)}: ${inc.reasons.map(esc).join('; ')}`);
  out.push('└');
  return out;
}

/** The text, a line at a time (with its newline): a timeline of thousands of incidents is written as it is made. */
export function* textLines(t: Timeline, o: RenderOptions): Generator<string> {
  for (const l of summaryLines(t, o)) yield `${l}\n`;
  yield '\n';
  const histogram = histogramLines(t, o.style, esc);
  if (histogram.length) yield `${histogram.join('\n')}\n\n`;
  const incidents = new Map(t.incidents.map((i) => [i.id, i]));
  let day: string | undefined;
  const rows = chronologyRows(t, esc, (ms) => formatClock(ms, o.style));
  if (rows.length === 0) yield 'Nothing happened in the evidence read: no AppArmor records, boots or actions.\n';
  for (const r of rows) {
    if (r.at.time !== undefined) {
      const d = formatDate(r.at.time, o.style);
      if (d !== day) {
        yield `── ${d} ──\n`;
        day = d;
      }
    }
    const clock = formatPointClock(r.at, o.style).padEnd(10);
    if (r.kind === 'incident') {
      const inc = incidents.get(r.incidentId!);
      if (!inc) continue;
      const block = incidentBlock(t, inc, o);
      yield `${clock} ${block[0]}\n`;
      for (const b of block.slice(1)) yield `${INDENT}${b}\n`;
      continue;
    }
    yield `${clock} ${rowLine(r)}\n`;
  }
}

export function renderText(t: Timeline, o: RenderOptions): string {
  return [...textLines(t, o)].join('');
}
