/**
 * The action dialogs as lines (drawn by views/lines.tsx). Pure. Every name, path and output line
 * passes through safeCell, cut to what a dialog shows: profile names come from logs, outputs from
 * tools that echo paths.
 * Meaning never depends on colour: the focus is a `>` marker and inverse video, outcomes carry a word.
 */
import { commandLine, stepLine, type ActionPlan } from '../../actions/plan.js';
import { safeCell, safeTail } from '../../model/safe-text.js';

/** A value as a dialog shows it: escaped, and never more than a few rows of it. */
const safe = (s: string) => safeCell(s, 1000);
import type { Theme } from '../theme.js';
import { seg, type Line } from '../views/lines.js';
import { allowEditLines, allowReviewLines } from './allow-dialog-lines.js';
import type { ConfirmState, DialogState } from './dialog-state.js';

const TITLE: Record<string, string> = {
  complain: 'Complain mode (persistent)',
  'complain-runtime': 'Complain mode (until the next reload)',
  unload: 'Unload',
  disable: 'Disable',
  enforce: 'Undo: enforce',
  reload: 'Undo: load again',
  enable: 'Undo: re-enable',
  allow: 'Allow: add a rule',
  'remove-rule': 'Undo: remove the added rule',
};

/** Words wrapped to `width` columns, each line prefixed by `indent`. */
export function wrap(text: string, width: number, indent = ' '): string[] {
  const room = Math.max(10, width - indent.length - 1);
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (cur && cur.length + 1 + word.length > room) {
      out.push(indent + cur);
      cur = '';
    }
    cur = cur ? `${cur} ${word}` : word;
    while (cur.length > room) {
      out.push(indent + cur.slice(0, room));
      cur = cur.slice(room);
    }
  }
  if (cur) out.push(indent + cur);
  return out;
}

function title(text: string, width: number, t: Theme): Line {
  const head = ` ${text} `;
  return [seg(`─${head}${'─'.repeat(Math.max(0, width - head.length - 2))}`, { bold: true, color: t.accent })];
}

function planFacts(plan: ActionPlan, width: number, t: Theme): Line[] {
  const tg = plan.target;
  const lines: Line[] = [
    [seg(' Profile: ', { bold: true }), seg(safe(tg.profile))],
    [seg(' File:    ', { bold: true }), seg(safe(tg.file))],
  ];
  if (tg.viaParent) for (const l of wrap(`${safe(tg.requested)} is declared inside ${safe(tg.profile)}: the action applies to its parent's file.`, width)) lines.push([seg(l)]);
  if (plan.alsoAffected.length) for (const l of wrap(`Also in this file (changed too): ${plan.alsoAffected.map(safe).join(', ')}`, width)) lines.push([seg(l)]);
  if (tg.siblings.length)
    for (const l of wrap(
      `The file also declares ${tg.siblings.map(safe).join(', ')}: only ${safe(tg.profile)} is loaded or removed, ${tg.siblings.length > 1 ? 'they are' : 'it is'} not touched.`,
      width,
    ))
      lines.push([seg(l)]);
  if (plan.diff?.length) {
    lines.push([seg(' Will write:', { bold: true })]);
    for (const d of plan.diff) lines.push([seg(`   ${safe(d)}`, d.startsWith('+') && !d.startsWith('+++') ? { color: t.accent } : {})]);
  }
  lines.push([seg(' Will run:', { bold: true })]);
  for (const argv of plan.steps) lines.push([seg(`   $ ${safe(stepLine(plan, argv))}`, { color: t.accent })]);
  lines.push([seg(' Persists: ', { bold: true }), seg(plan.persists ? 'yes: survives a reload and a reboot' : 'no: only until the profile is next loaded')]);
  return lines;
}

function field(label: string, value: string, focused: boolean): Line {
  return [seg(`${focused ? '>' : ' '} ${label} `, { bold: focused }), seg(`[${safeTail(value, 200)}${focused ? '_' : ''}]`, { inverse: focused })];
}

function button(label: string, focused: boolean): string {
  return focused ? `[> ${label} <]` : `[  ${label}  ]`;
}

function confirmLines(s: ConfirmState, width: number, t: Theme): Line[] {
  const lines: Line[] = [title(`${TITLE[s.plan.action] ?? s.plan.action}: ${safe(s.plan.target.profile)}`, width, t)];
  if (s.req.warning) {
    for (const l of wrap(`WARNING${s.req.override ? ' (likely attack)' : ''}: ${s.req.warning}`, width)) lines.push([seg(l, { bold: true, color: t.bad })]);
  }
  if (s.plan.warning) for (const l of wrap(`WARNING: ${safe(s.plan.warning)}`, width)) lines.push([seg(l, { bold: true, color: t.bad })]);
  lines.push(...planFacts(s.plan, width, t));
  if (s.alternative)
    lines.push([
      seg(` r: ${s.alternative.persists ? 'make it persistent instead (aa-complain edits the file)' : 'only until the next reload instead (apparmor_parser -r -C, the file is not edited)'}`, {
        dim: t.dim,
      }),
    ]);
  if (s.note) for (const l of wrap(safe(s.note), width)) lines.push([seg(l, { bold: true })]);
  if (s.req.tier !== 'command' || s.plan.action === 'unload') {
    lines.push([seg(' Consequence:', { bold: true })]);
    for (const l of wrap(s.plan.consequence, width, '   ')) lines.push([seg(l)]);
  }
  if (s.req.typeName) lines.push(field(`Type the profile name (${safe(s.plan.target.profile)}) to confirm:`, s.typed, s.focus === 'name'));
  if (s.req.reasonRequired) lines.push(field(s.req.override ? 'Reason for overriding the verdict (journaled):' : 'Reason (journaled):', s.reason, s.focus === 'reason'));
  if (s.problem) lines.push([seg(` ! ${s.problem}`, { bold: true, color: t.bad })]);
  lines.push([
    seg('   '),
    seg(button('Cancel', s.focus === 'cancel'), { inverse: s.focus === 'cancel', bold: s.focus === 'cancel' }),
    seg('   '),
    seg(button(s.req.override ? 'Override and proceed' : 'Proceed', s.focus === 'proceed'), { inverse: s.focus === 'proceed', bold: s.focus === 'proceed', color: t.bad }),
  ]);
  lines.push([seg(' Tab/Up/Down: next field · Left/Right: Cancel/Proceed · Enter: choose · Esc: cancel', { dim: t.dim })]);
  return lines;
}

export function dialogLines(s: DialogState, width: number, theme: Theme): Line[] {
  const t = theme;
  switch (s.kind) {
    case 'closed':
      return [];
    case 'message':
      return [title(s.title, width, t), ...s.lines.flatMap((l) => wrap(safe(l), width).map((w) => [seg(w)])), [seg(s.busy ? ' Esc: close' : ' Enter/Esc: close', { dim: t.dim })]];
    case 'choose-undo': {
      const lines: Line[] = [title('Undo an action (newest first)', width, t)];
      s.candidates.forEach((c, i) => {
        const sel = i === s.index;
        const e = c.entry;
        lines.push([
          seg(
            `${sel ? '>' : ' '} ${e.time.slice(11, 19)}  ${e.action} ${safe(e.profile)}  ->  ${c.undo}  (${safe(e.operator)}, ${c.interrupted ? 'interrupted: no result journaled, the kernel shows it took effect' : (e.outcome ?? 'no result')})`,
            { inverse: sel },
          ),
        ]);
      });
      lines.push([seg(' j/k: choose · Enter: review the undo · Esc: close', { dim: t.dim })]);
      return lines;
    }
    case 'confirm':
      return confirmLines(s, width, t);
    case 'allow-edit':
      return allowEditLines(s, width, t);
    case 'allow-review':
      return allowReviewLines(s, width, t);
    case 'running':
      return [
        title(`${TITLE[s.plan.action] ?? s.plan.action}: ${safe(s.plan.target.profile)}`, width, t),
        ...s.plan.steps.map((a) => [seg(`   $ ${safe(stepLine(s.plan, a))}`)]),
        [seg(' running ... (the kernel state is checked afterwards)')],
      ];
    case 'result': {
      const j = s.judgement;
      const mark = j.outcome === 'verified' ? 'OK' : j.outcome === 'failed' ? 'FAILED' : '??';
      const lines: Line[] = [title(`${TITLE[s.plan.action] ?? s.plan.action}: ${safe(s.plan.target.profile)}`, width, t)];
      for (const n of s.notes ?? []) lines.push([seg(` ${safe(n)}`.slice(0, width))]);
      for (const l of wrap(`${mark} ${safe(j.message)}`, width)) lines.push([seg(l, { bold: true, color: j.outcome === 'verified' ? t.good : t.bad })]);
      lines.push([seg(' Ran:', { bold: true })]);
      for (const r of s.steps) {
        const exit = r.timedOut ? 'timed out' : r.exitCode === null ? 'no exit status' : `exit ${r.exitCode}`;
        lines.push([seg(`   $ ${safe(commandLine(r.argv))}  (${exit})`)]);
        for (const out of `${r.stdout}\n${r.stderr}\n${r.startError ?? ''}`
          .split('\n')
          .filter((x) => x.trim())
          .slice(0, 4))
          lines.push([seg(`     ${safe(out)}`, { dim: t.dim })]);
      }
      lines.push([seg(' Kernel STATUS record: ', { bold: true }), seg(s.status ? `${safe(s.status)} seen` : 'not seen in the stream (yet)')]);
      if (s.repeat)
        lines.push([seg(' Same denial since the reload: ', { bold: true }), seg(safe(s.repeat), { bold: s.repeat.startsWith('still'), color: s.repeat.startsWith('still') ? t.bad : t.good })]);
      lines.push([seg(` Journaled in ${safe(s.journal)} (id ${s.id}).${s.plan.loosening ? ' Undo: z' : ''}`)]);
      lines.push([seg(' Enter/Esc: close', { dim: t.dim })]);
      return lines;
    }
  }
}
