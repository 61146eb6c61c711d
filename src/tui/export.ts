/**
 * What `y` copies and `w` writes. Pure: a denial group (or a list of them) in, text out. Everything
 * from a log passes through safeText, so a copied path cannot carry a terminal escape to the
 * clipboard or to the terminal that pastes it.
 */
import { commandLine } from '../actions/plan.js';
import type { DenialGroup } from './denial-store.js';
import { recordToJson } from '../outputs/json.js';
import { safeText } from '../model/safe-text.js';

export type CopyWhat = 'rule' | 'evidence' | 'markdown' | 'command';

export const COPY_MENU = 'copy: r rule · e evidence · m denial group as markdown · c act command · Esc';
export const WRITE_MENU = 'write: m markdown · j NDJSON · Esc';

/** The text for `y` + a letter, or why there is none. */
export function copyText(g: DenialGroup | undefined, what: CopyWhat): { ok: true; text: string; label: string } | { ok: false; reason: string } {
  if (!g) return { ok: false, reason: 'nothing selected to copy' };
  const s = g.classification?.suggestion;
  switch (what) {
    case 'rule':
      if (s?.kind !== 'rule' || !s.rules?.length) return { ok: false, reason: 'this denial group has no suggested rule' };
      return { ok: true, text: s.rules.map(safeText).join('\n'), label: 'the suggested rule' };
    case 'evidence':
      if (!g.samples.length) return { ok: false, reason: 'no evidence lines kept' };
      return { ok: true, text: g.samples.map((r) => safeText(r.raw)).join('\n'), label: `${g.samples.length} evidence line${g.samples.length > 1 ? 's' : ''}` };
    case 'markdown':
      return { ok: true, text: groupMarkdown(g).join('\n'), label: 'the denial group as markdown' };
    case 'command': {
      const rule = s?.kind === 'rule' ? s.rules?.[0] : undefined;
      const argv = rule && g.verdict === 'missing-rule' ? ['aa-triage', 'act', 'allow', g.profile, '--rule', rule] : ['aa-triage', 'act', 'complain', g.profile, '--runtime', '--dry-run'];
      return { ok: true, text: safeText(commandLine(argv)), label: 'the act command line' };
    }
  }
}

const iso = (t?: number) => (t === undefined ? '?' : new Date(t).toISOString());

/** One denial group as markdown: what, verdict and why, suggestion, evidence. */
export function groupMarkdown(g: DenialGroup): string[] {
  const c = g.classification;
  const out = [
    `### ${safeText(g.profile)}: ${safeText(g.operation)} ${safeText(g.target)}`,
    '',
    `- verdict: **${g.verdict}**${c ? ` (confidence ${c.confidence})` : ''}`,
    `- count: ${g.count}, first ${iso(g.firstSeen)}, last ${iso(g.lastSeen)}`,
    `- mask: ${safeText(g.mask)}; pids: ${g.pids.map(safeText).join(', ')}${g.pidsMore ? ` (+${g.pidsMoreAtLeast ? 'at least ' : ''}${g.pidsMore})` : ''}; comm: ${g.comms.map(safeText).join(', ')}`,
  ];
  for (const r of c?.reasons ?? []) out.push(`- why: ${safeText(r)}`);
  if (c?.suggestion) {
    out.push('', `Suggestion: ${safeText(c.suggestion.text)}`);
    if (c.suggestion.rules?.length) out.push('', '```', ...c.suggestion.rules.map(safeText), '```');
  }
  if (g.samples.length) out.push('', 'Evidence:', '', '```', ...g.samples.map((r) => safeText(r.raw)), '```');
  return out;
}

export function groupsMarkdown(list: DenialGroup[], title: string): string[] {
  return [`# ${safeText(title)}`, '', `${list.length} denial group${list.length === 1 ? '' : 's'}`, '', ...list.flatMap((i) => [...groupMarkdown(i), ''])];
}

/** One JSON object per denial group, its evidence records in the NDJSON record form. */
export function groupsNdjson(list: DenialGroup[]): string[] {
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
