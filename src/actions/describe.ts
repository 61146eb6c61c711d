/**
 * The plan as lines of text for the CLI (the dialogs lay out the same facts). Pure. Profile names
 * and paths can come from logs and profile files: everything passes through safeText.
 */
import { safeText } from '../model/safe-text.js';
import { stepLine, type ActionPlan } from './plan.js';

export function planLines(plan: ActionPlan): string[] {
  const t = plan.target;
  const lines = [`${plan.action}: ${safeText(plan.summary)}`, `  profile:  ${safeText(t.profile)}`];
  if (t.viaParent) lines.push(`  asked for: ${safeText(t.requested)} (declared inside ${safeText(t.profile)}: the action applies to the parent's file)`);
  lines.push(`  file:     ${safeText(t.file)}`);
  if (plan.alsoAffected.length) lines.push(`  also affects (same file): ${plan.alsoAffected.map(safeText).join(', ')}`);
  if (t.siblings.length) lines.push(`  alone:    the file also declares ${t.siblings.map(safeText).join(', ')}; ${t.siblings.length > 1 ? 'they are' : 'it is'} not touched`);
  if (plan.diff?.length) lines.push('  will write:', ...plan.diff.map((l) => `    ${safeText(l)}`));
  for (const argv of plan.steps) lines.push(`  will run: ${safeText(stepLine(plan, argv))}`);
  lines.push(`  persists: ${plan.persists ? 'yes (survives reload and reboot)' : 'no (until the profile is next loaded)'}`);
  lines.push(`  consequence: ${safeText(plan.consequence)}`);
  if (plan.warning) lines.push(`  warning: ${safeText(plan.warning)}`);
  return lines;
}
