/**
 * The timeline as Markdown for an incident ticket: a summary table, the chronology as a table, and
 * a section per incident with its key records. Log strings are attacker-controlled: each passes
 * through safeText (no control characters, one line) and then has every character that Markdown
 * or a table would read as syntax escaped, so a hostile path cannot break the ticket's layout,
 * start a heading or a quote, open a code span, inject a link or HTML.
 */
import { safeBounded, safeText } from '../model/safe-text.js';
import { chronologyRows, incidentRows, rowNote, type Row } from './chronology.js';
import { changeText, countsText, evidence, lostPhrases, otherAccessesText, pidsText, recordsText, recoveredPhrases, verdictLabel } from './describe.js';
import { histogramLines } from './histogram.js';
import type { Incident, Timeline } from './model.js';
import type { RenderOptions } from './render-text.js';
import { formatAfter, formatClock, formatPointClock, formatPointStamp, formatSpan } from './time-format.js';

/** Markdown-inert text: safe for a terminal, then every syntax character escaped with a backslash. */
export function mdText(s: string): string {
  // and what a renderer would turn into a link by itself (a bare URL, www., an address): its `:`,
  // `.` or `@` escaped
  return safeBounded(s)
    .replace(/[\\`*_[\]<>#|~&$]/g, (c) => `\\${c}`)
    .replace(/:\/\//g, '\\://')
    .replace(/\b(www)\./gi, '$1\\.')
    .replace(/@/g, '\\@');
}

const esc = mdText;

/** A table cell is never empty (some renderers drop the row). */
function cell(s: string): string {
  return s === '' ? ' ' : s;
}

function rowText(r: Row, bold = false): string {
  const note = rowNote(r);
  const parts = [bold ? `**${r.text}**` : r.text];
  if (r.detail) parts.push(r.detail);
  if (note) parts.push(`_${mdText(note)}_`);
  return parts.join(' · ');
}

function summary(t: Timeline, o: RenderOptions): string[] {
  const s = t.summary;
  const out: string[] = [];
  out.push(`# AppArmor forensic timeline${s.hosts.length ? `: ${s.hosts.map(esc).join(', ')}` : ''}`, '');
  if (o.demo) out.push('**DEMO**: the bundled demo incident, not data from a real host.', '');
  out.push('| | |', '|---|---|');
  const line = (k: string, v: string) => out.push(`| **${k}** | ${cell(v)} |`);
  line('Hosts', s.hosts.length ? s.hosts.map(esc).join(', ') : 'not named in the logs');
  line(
    'Window',
    s.first?.time !== undefined && s.last?.time !== undefined
      ? `${mdText(formatPointStamp(s.first, o.style))} → ${mdText(formatPointStamp(s.last, o.style))} (${formatSpan(s.durationMs ?? 0)})`
      : 'no dated evidence',
  );
  line('Times in', mdText(o.style.label));
  const status = s.byKind.STATUS ?? 0;
  const verdicts = countsText(s.byVerdict, verdictLabel);
  line('Records', `${s.records}${verdicts ? `: ${verdicts}` : ''}${status ? `${verdicts ? ', ' : ': '}${status} profile status` : ''}`);
  const incVerdicts: Record<string, number> = {};
  for (const i of t.incidents) incVerdicts[i.verdict] = (incVerdicts[i.verdict] ?? 0) + 1;
  line('Incidents', `${s.incidents}${s.incidents ? ` (${countsText(incVerdicts, verdictLabel)})` : ''}, by profile and process, split after ${formatSpan(s.gapSeconds * 1000)} of quiet`);
  if (s.profiles.length) {
    const shown = s.profiles.slice(0, 20).map((p) => `${esc(p.profile)} (${p.records}, ${verdictLabel(p.verdict)})`);
    const more = s.profiles.length - shown.length + s.moreProfiles;
    line('Profiles', shown.join(', ') + (more > 0 ? ` and ${more} more` : ''));
  }
  line('Operator actions', s.actionJournal !== undefined ? `${s.actions} (journal: ${esc(s.actionJournal)})` : 'no action journal found (--actions FILE names one)');
  if (s.boots) line('Boots', String(s.boots));
  const lost = lostPhrases(s, esc);
  line('Lost', lost.length ? lost.join('; ') : 'nothing the logs reported (explicit deny rules are silent unless audited)');
  const recovered = recoveredPhrases(s, esc);
  if (recovered.length) line('Recovered', recovered.join('; '));
  if (s.duplicates) line('Merged', `${s.duplicates} duplicate records (the same record in two logs)`);
  if (s.approxTimes || s.undated) line('Estimated', `${s.approxTimes} record times estimated (~), ${s.undated} undated (?)`);
  if (s.unclassified && s.records > status) line('Note', 'no classifier ran: verdicts read “unclassified”');
  out.push('');
  return out;
}

function incidentTitle(inc: Incident): string {
  return `Incident ${inc.id}: ${esc(inc.profile)}, ${verdictLabel(inc.verdict)}`;
}

function incidentSection(t: Timeline, inc: Incident, o: RenderOptions): string[] {
  const out: string[] = [`### ${incidentTitle(inc)}`, ''];
  const when =
    inc.first.time !== undefined && inc.last.time !== undefined
      ? `${mdText(formatPointStamp(inc.first, o.style))} → ${mdText(formatPointClock(inc.last, o.style))} (${formatSpan(inc.durationMs ?? 0)})`
      : 'undated';
  out.push(`- **When:** ${when}`);
  out.push(`- **Records:** ${[recordsText(inc), pidsText(inc, esc), inc.comms.map(esc).join(', ')].filter(Boolean).join(' · ')}`);
  if (inc.labels.length > 1 || (inc.labels.length === 1 && inc.labels[0] !== inc.profile)) out.push(`- **Profiles:** ${inc.labels.map(esc).join(', ')}`);
  if (inc.hosts.length) out.push(`- **Host${inc.hosts.length > 1 ? 's' : ''}:** ${inc.hosts.map(esc).join(', ')}`);
  if (inc.precededBy && inc.precededBy.at.time !== undefined && inc.first.time !== undefined) {
    out.push(`- **Began** ${formatAfter(inc.first.time, inc.precededBy.at.time)} after ${changeText(inc.precededBy.change, esc)} (${evidence(inc.precededBy.change.source, esc)})`);
  }
  if (inc.reasons.length) out.push(`- **Why ${verdictLabel(inc.verdict)}:** ${inc.reasons.map(esc).join('; ')}`);
  out.push('', '| Time | What | Details | Evidence |', '|---|---|---|---|');
  for (const r of incidentRows(t, inc, esc, (ms) => formatClock(ms, o.style))) {
    const what = r.kind === 'loss' ? (r.recovered ? `Recovered: ${r.text}` : `**Loss:** ${r.text}`) : r.kind === 'action' || r.verdict === 'likely-attack' ? `**${r.text}**` : r.text;
    const details = [r.detail, rowNote(r)].filter((x): x is string => !!x).join(' · ');
    out.push(`| ${mdText(formatPointClock(r.at, o.style, true))} | ${cell(what)} | ${cell(details)} | ${cell(r.evidence ?? '')} |`);
  }
  if (inc.otherAccesses) out.push('', `And ${otherAccessesText(inc)}.`);
  out.push('');
  return out;
}

/** Lines as a code block whose fence is longer than any run of backticks inside (a journal string cannot close it). */
function fenced(lines: string[]): string[] {
  const longest = Math.max(0, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((r) => r.length))));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}text`, ...lines, fence];
}

/** The Markdown, a line at a time (with its newline). */
export function* markdownLines(t: Timeline, o: RenderOptions): Generator<string> {
  const out: string[] = summary(t, o);
  const incidents = new Map(t.incidents.map((i) => [i.id, i]));
  const histogram = histogramLines(t, o.style, safeText);
  if (histogram.length) out.push('## Over time', '', ...fenced(histogram), '');
  out.push('## Chronology', '');
  const rows = chronologyRows(t, esc, (ms) => formatClock(ms, o.style), { attachedActions: true });
  if (rows.length === 0) out.push('Nothing happened in the evidence read: no AppArmor records, boots or actions.');
  else {
    out.push(`| Time, ${mdText(o.style.label)} | Event | Evidence |`, '|---|---|---|');
    for (const r of rows) {
      const time = r.at.time !== undefined ? mdText(`${r.at.approx ? '~' : ''}${formatPointStamp({ ...r.at, approx: false }, o.style)}`) : mdText(formatPointClock(r.at, o.style));
      if (r.kind === 'incident') {
        const inc = incidents.get(r.incidentId!);
        if (!inc) continue;
        const span = inc.durationMs !== undefined ? `, ${formatSpan(inc.durationMs)}` : '';
        out.push(`| ${time} | **${incidentTitle(inc)}** begins: ${recordsText(inc)}${span} | ${cell(r.evidence ?? '')} |`);
        continue;
      }
      const within = r.kind === 'action' && r.incidentId !== undefined ? ` (incident ${r.incidentId})` : '';
      const text = r.kind === 'loss' ? (r.recovered ? `Recovered: ${rowText(r)}` : `**Loss:** ${rowText(r)}`) : rowText(r, r.kind === 'action' || r.kind === 'boot') + within;
      out.push(`| ${time} | ${text} | ${cell(r.evidence ?? '')} |`);
      if (out.length >= 256) yield `${out.splice(0).join('\n')}\n`;
    }
  }
  if (out.length) yield `${out.splice(0).join('\n')}\n`;
  if (t.incidents.length) {
    yield '\n## Incidents\n';
    for (const inc of t.incidents) yield `\n${incidentSection(t, inc, o).join('\n').replace(/\n+$/, '')}\n`;
  }
}

export function renderMarkdown(t: Timeline, o: RenderOptions): string {
  return [...markdownLines(t, o)].join('');
}
