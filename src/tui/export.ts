/**
 * What `y` copies and `w` writes. Pure: an incident (or a list of them) in, text out. Everything
 * from a log passes through safeText, so a copied path cannot carry a terminal escape to the
 * clipboard or to the terminal that pastes it.
 */
import { commandLine } from '../actions/plan.js';
import type { DenialGroup } from './denial-store.js';
import { recordToJson } from '../outputs/json.js';
import { safeText } from '../model/safe-text.js';

export type CopyWhat = 'rule' | 'evidence' | 'markdown' | 'command';

export const COPY_MENU = 'copy: r rule · e evidence · m incident as markdown · c act command · Esc';
export const WRITE_MENU = 'write: m markdown · j NDJSON · Esc';

/** The text for `y` + a letter, or why there is none. */
export function copyText(inc: DenialGroup | undefined, what: CopyWhat): { ok: true; text: string; label: string } | { ok: false; reason: string } {
  if (!inc) return { ok: false, reason: 'nothing selected to copy' };
  const s = inc.classification?.suggestion;
  switch (what) {
    case 'rule':
      if (s?.kind !== 'rule' || !s.rules?.length) return { ok: false, reason: 'this incident has no suggested rule' };
      return { ok: true, text: s.rules.map(safeText).join('\n'), label: 'the suggested rule' };
    case 'evidence':
      if (!inc.samples.length) return { ok: false, reason: 'no evidence lines kept' };
      return { ok: true, text: inc.samples.map((r) => safeText(r.raw)).join('\n'), label: `${inc.samples.length} evidence line${inc.samples.length > 1 ? 's' : ''}` };
    case 'markdown':
      return { ok: true, text: incidentMarkdown(inc).join('\n'), label: 'the incident as markdown' };
    case 'command': {
      const rule = s?.kind === 'rule' ? s.rules?.[0] : undefined;
      const argv = rule && inc.verdict === 'missing-rule' ? ['aa-triage', 'act', 'allow', inc.profile, '--rule', rule] : ['aa-triage', 'act', 'complain', inc.profile, '--runtime', '--dry-run'];
      return { ok: true, text: safeText(commandLine(argv)), label: 'the act command line' };
    }
  }
}

const iso = (t?: number) => (t === undefined ? '?' : new Date(t).toISOString());

/** One incident as markdown: what, verdict and why, suggestion, evidence. */
export function incidentMarkdown(inc: DenialGroup): string[] {
  const c = inc.classification;
  const out = [
    `### ${safeText(inc.profile)}: ${safeText(inc.operation)} ${safeText(inc.target)}`,
    '',
    `- verdict: **${inc.verdict}**${c ? ` (confidence ${c.confidence})` : ''}`,
    `- count: ${inc.count}, first ${iso(inc.firstSeen)}, last ${iso(inc.lastSeen)}`,
    `- mask: ${safeText(inc.mask)}; pids: ${inc.pids.map(safeText).join(', ')}${inc.pidsMore ? ` (+${inc.pidsMoreAtLeast ? 'at least ' : ''}${inc.pidsMore})` : ''}; comm: ${inc.comms.map(safeText).join(', ')}`,
  ];
  for (const r of c?.reasons ?? []) out.push(`- why: ${safeText(r)}`);
  if (c?.suggestion) {
    out.push('', `Suggestion: ${safeText(c.suggestion.text)}`);
    if (c.suggestion.rules?.length) out.push('', '```', ...c.suggestion.rules.map(safeText), '```');
  }
  if (inc.samples.length) out.push('', 'Evidence:', '', '```', ...inc.samples.map((r) => safeText(r.raw)), '```');
  return out;
}

export function incidentsMarkdown(list: DenialGroup[], title: string): string[] {
  return [`# ${safeText(title)}`, '', `${list.length} incident${list.length === 1 ? '' : 's'}`, '', ...list.flatMap((i) => [...incidentMarkdown(i), ''])];
}

/** One JSON object per incident, its evidence records in the NDJSON record form. */
export function incidentsNdjson(list: DenialGroup[]): string[] {
  return list.map((i) =>
    JSON.stringify({
      profile: i.profile,
      operation: i.operation,
      target: i.target,
      mask: i.mask,
      verdict: i.verdict,
      count: i.count,
      first: i.firstSeen !== undefined ? iso(i.firstSeen) : undefined,
      last: i.lastSeen !== undefined ? iso(i.lastSeen) : undefined,
      pids: i.pids,
      ...(i.classification ? { reasons: i.classification.reasons, suggestion: i.classification.suggestion } : {}),
      records: i.samples.map((r) => recordToJson(r)),
    }),
  );
}

/** OSC 52: the terminal (and tmux with set-clipboard on) puts the text on the clipboard. */
export function osc52(text: string): string {
  return `\u001b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
}

/** Terminals known not to take OSC 52, and payloads too large for most that do. */
export function clipboardUnlikely(text: string, env: NodeJS.ProcessEnv): string | undefined {
  if (env.TERM === 'linux' || env.TERM === 'dumb' || !env.TERM) return `the terminal (TERM=${env.TERM ?? 'unset'}) has no clipboard`;
  if (Buffer.byteLength(text) > 70_000) return 'the text is larger than terminals accept through OSC 52';
  return undefined;
}

/** The letter after `y` or `w`: what to copy or which format to write; undefined for anything else. */
export function menuChoice(menu: 'copy' | 'write', input: string): CopyWhat | 'md' | 'ndjson' | undefined {
  if (menu === 'copy') return ({ r: 'rule', e: 'evidence', m: 'markdown', c: 'command' } as const)[input as 'r' | 'e' | 'm' | 'c'];
  return ({ m: 'md', j: 'ndjson' } as const)[input as 'm' | 'j'];
}

/** The timeline screen's rows for `w`. */
export function timelineExport(
  items: { kind: string; time?: number; record?: import('../model/record.js').AppArmorRecord; entry?: import('../model/action.js').ActionJournalEntry }[],
  ext: 'md' | 'ndjson',
): string[] {
  if (ext === 'ndjson') {
    return items.flatMap((i) => (i.record ? [JSON.stringify(recordToJson(i.record))] : i.entry ? [JSON.stringify({ action: i.entry })] : []));
  }
  const out = ['# aa-triage timeline', ''];
  for (const i of items) {
    if (i.record) {
      const f = i.record.fields;
      out.push(`- ${iso(i.time)} ${i.record.classification?.verdict ?? i.record.kind} ${safeText(f.profile ?? f.label ?? '')} ${safeText(f.operation ?? '')} ${safeText(f.name ?? '')}`);
    } else if (i.entry) out.push(`- ${i.entry.time} **action** ${i.entry.phase} ${i.entry.action} ${safeText(i.entry.profile)}${i.entry.outcome ? ` (${i.entry.outcome})` : ''}`);
  }
  return out;
}
