/**
 * The sentences every timeline renderer shares. Each function takes `esc`, the renderer's way of
 * making a log string safe for its medium (terminal text, markdown), and applies it to every
 * string that came from a log or the action journal: the fixed words are ours, the rest is
 * attacker-controlled and never reaches the output unescaped.
 */
import { replacedText } from '../model/action.js';
import type { SourceRef } from '../model/record.js';
import type { Incident, KeyRecord, ProfileChange, TimelineAction, TimelineSummary, TimelineVerdict } from './model.js';

import { VERDICT_WORD } from '../model/verdict.js';

export type Esc = (s: string) => string;

export const VERDICT_LABEL: Readonly<Record<string, string>> = VERDICT_WORD;

export function verdictLabel(v: TimelineVerdict | string): string {
  return VERDICT_LABEL[v] ?? v;
}

export function evidence(src: SourceRef, esc: Esc): string {
  return `${esc(src.name)}:${src.line}`;
}

/** `DENIED exec /usr/bin/dash (x) signal=hup, info "no new privs"`: what the process tried. */
export function accessText(k: KeyRecord, esc: Esc, incidentProfile?: string): string {
  let s = `${esc(k.kind)} ${esc(k.operation ?? '?')}`;
  if (k.target !== undefined) s += ` ${esc(k.target)}`;
  if (k.mask !== undefined && k.mask !== '') s += ` (${esc(k.mask)})`;
  if (k.detail) s += ` ${esc(k.detail)}`;
  if (k.info !== undefined) s += `, info "${esc(k.info)}"`;
  return s + (k.profile !== undefined && k.profile !== incidentProfile ? ` in ${esc(k.profile)}` : '');
}

/** `nginx pid 2211`; `from systemd pid 1` when they are the other process's (the signal's sender, the tracer). */
export function processText(k: { comm?: string; pid?: string; pidIsPeer?: boolean }, esc: Esc): string {
  const parts: string[] = [];
  if (k.comm !== undefined) parts.push(esc(k.comm));
  if (k.pid !== undefined) parts.push(`pid ${esc(k.pid)}`);
  return parts.length && k.pidIsPeer ? `from ${parts.join(' ')}` : parts.join(' ');
}

const CHANGE_VERB: Record<ProfileChange['op'], string> = { load: 'loaded', replace: 'replaced', remove: 'removed', other: 'status' };

export function changeText(c: ProfileChange, esc: Esc): string {
  const what = c.op === 'other' ? `profile ${esc(c.operation)}: ${esc(c.profile)}` : `profile ${CHANGE_VERB[c.op]}: ${esc(c.profile)}`;
  const by = c.comm !== undefined ? ` by ${processText(c, esc)}` : '';
  const writer = c.writer !== undefined ? `, written by ${esc(c.writer)} (a program's log line, not the kernel's)` : '';
  return `${what}${by}${c.info !== undefined ? ` (${esc(c.info)})` : ''}${writer}`;
}

/** Several loads/replaces at once (a boot, a package upgrade): `6 profiles loaded: a, b, c`. */
export function changesText(op: ProfileChange['op'], names: string[], esc: Esc, max = 8): string {
  const shown = names.slice(0, max).map(esc).join(', ');
  const more = names.length > max ? ` and ${names.length - max} more` : '';
  return `${names.length} profiles ${CHANGE_VERB[op]}: ${shown}${more}`;
}

function commandText(argv: string[][], esc: Esc): string {
  return argv.map((a) => a.map(esc).join(' ')).join('; ');
}

export function actionIntentText(a: TimelineAction, esc: Esc): string {
  let s = `operator ${esc(a.operator ?? '?')}: ${esc(a.action)} ${esc(a.profile)}`;
  if (a.dryRun) s += ' (dry run: nothing changed)';
  if (a.undoOf !== undefined) s += `, undoing action ${esc(a.undoOf)}`;
  if (a.replaced?.length) s += ` — ${replacedText(a.replaced, esc)}`;
  if (a.argv.length) s += ` — ran ${commandText(a.argv, esc)}`;
  if (a.input !== undefined) s += ` (reading ${esc(a.input)} on its standard input)`;
  if (a.reason !== undefined) s += ` — reason: ${esc(a.reason)}`;
  if (a.overrideReason !== undefined) s += ` — overrode a likely-attack verdict: ${esc(a.overrideReason)}`;
  return s;
}

export function actionResultText(a: TimelineAction, esc: Esc): string {
  let s = `result of ${esc(a.action)} ${esc(a.profile)}: ${esc(a.outcome ?? 'no outcome recorded')}`;
  if (a.modeBefore !== undefined || a.modeAfter !== undefined) s += `, mode ${esc(a.modeBefore ?? '?')} → ${esc(a.modeAfter ?? '?')}`;
  if (a.error !== undefined) s += ` — error: ${esc(a.error)}`;
  return s;
}

/** Whether the journal shows the action finished, and whether the kernel confirmed it. */
export function actionStatusText(a: TimelineAction, esc: Esc): string | undefined {
  if (a.intentTime !== undefined && a.resultTime === undefined && !a.dryRun) return 'no result in the journal: the action may have been interrupted';
  if (a.confirmedBy) return `kernel confirmed: ${esc(a.confirmedBy.operation)} at ${evidence(a.confirmedBy.source, esc)}`;
  return undefined;
}

const LOSS_TEXT: Record<string, (n: number) => string> = {
  'printk-suppressed': (n) => `the kernel suppressed ${n} messages (kauditd_printk_skb): AppArmor records are missing here`,
  'audit-lost': (n) => `the audit subsystem reports ${n} records lost (audit_lost)`,
  'audit-backlog': () => 'the audit backlog limit was exceeded: records were dropped',
  'journal-suppressed': (n) => `journald suppressed ${n} messages (rate limit)`,
  'journal-missed': (n) => `journald missed ${n} kernel messages`,
};

/** `recoveredFrom`: the audit-channel input that holds what the kernel log lost (the loss is not one). */
export function lossText(kind: string, count: number, esc: Esc, recoveredFrom?: string): string {
  if (recoveredFrom !== undefined) return `${count} suppressed in the kernel log (kauditd_printk_skb), recovered from the audit channel (${esc(recoveredFrom)})`;
  const f = LOSS_TEXT[kind];
  return f ? f(count) : `${esc(kind)}: ${count} lost`;
}

/** What the kernel log lost but the audit channel read here holds, one phrase per kind. */
export function recoveredPhrases(s: TimelineSummary, esc: Esc): string[] {
  return s.lost
    .filter((l) => l.recovered)
    .map((l) => `${lossText(l.kind, l.recovered!, esc, l.recoveredFrom)} [${evidence(l.firstSource, esc)}${l.notices > 1 ? ` and ${l.notices - 1} more notices` : ''}]`);
}

export function bootText(kernel: string | undefined, detectedBy: string, esc: Esc): string {
  if (detectedBy === 'uptime-reset') return 'boot (the kernel uptime started over)';
  return `boot${kernel !== undefined ? `: Linux ${esc(kernel)}` : ''}`;
}

export function countsText(counts: Record<string, number>, label: (k: string) => string = (k) => k): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${n} ${label(k)}`)
    .join(', ');
}

export function pidsText(inc: Incident, esc: Esc): string {
  if (inc.pids.length === 0) return '';
  return `pid${inc.pids.length + inc.morePids > 1 ? 's' : ''} ${inc.pids.map(esc).join(', ')}${inc.morePids ? ` and ${inc.morePidsEstimated ? about(inc.morePids) : inc.morePids} more` : ''}`;
}

/** `3 other distinct accesses (40 records) not listed`, or '' when every access is listed. */
export function otherAccessesText(inc: Incident): string {
  const n = inc.otherAccesses;
  if (!n) return '';
  return `${inc.otherAccessesEstimated ? about(n) : n} other distinct access${n === 1 ? '' : 'es'} (${inc.otherRecords} record${inc.otherRecords === 1 ? '' : 's'}) not listed`;
}

/** An estimate as a reader takes it: `about 41,000` (two significant digits, as close as it is). */
function about(n: number): string {
  const step = 10 ** Math.max(0, Math.floor(Math.log10(n)) - 1);
  return `about ${(Math.round(n / step) * step).toLocaleString('en-US')}`;
}

/** `4 records (DENIED 4)`. */
export function recordsText(inc: Incident): string {
  return `${inc.records} record${inc.records === 1 ? '' : 's'} (${countsText(inc.byKind)})`;
}

/** What the evidence says was lost or could not be read, one phrase each; empty when nothing was. */
export function lostPhrases(s: TimelineSummary, esc: Esc): string[] {
  const out = s.lost
    .filter((l) => l.count > (l.recovered ?? 0))
    .map((l) => `${lossText(l.kind, l.count - (l.recovered ?? 0), esc)} [${evidence(l.firstSource, esc)}${l.notices > 1 ? ` and ${l.notices - 1} more notices` : ''}]`);
  if (s.unparsable) out.push(`${s.unparsable} unparsable line${s.unparsable === 1 ? '' : 's'}${s.firstUnparsable ? ` (first: ${evidence(s.firstUnparsable, esc)})` : ''}`);
  if (s.cutLines) out.push(`${s.cutLines} over-long lines cut`);
  if (s.nullMessages) out.push(`${s.nullMessages} journal messages too large to read (null)`);
  if (s.badJournalLines) out.push(`${s.badJournalLines} unreadable action-journal line${s.badJournalLines === 1 ? '' : 's'}`);
  if (s.omittedEvents) out.push(`${s.omittedEvents} profile status events not listed (event cap)`);
  return out;
}
