/**
 * From the selected (and marked) denial groups to the rules the allow dialog offers, or why none can
 * be applied. Pure. Missing-rule and unclear groups with a suggested rule qualify (an unclear one's
 * suggestion says what to look at first; the dialog names it): a likely attack is refused with why
 * (loosening the profile would let exactly that through), and rules for one profile only go into
 * one dialog (one file, one reload).
 */
import { isProfileFlag, ruleShapeProblem, type DeniedAccess } from '../../actions/rule-scope.js';
import { ATTACK_WARNING } from '../../actions/confirm.js';
import { minimalPerms, rulePath } from '../../classify/suggest.js';
import type { AppArmorRecord, Classification } from '../../model/record.js';
import type { AllowItem } from './allow-dialog.js';

export interface AllowGroup {
  key?: string;
  profile: string;
  verdict?: string;
  operation?: string;
  target?: string;
  mask?: string;
  classification?: Classification;
  samples?: AppArmorRecord[];
  /** Its records, and those whose line a program wrote (AppArmorRecord.writer), with those programs. */
  count?: number;
  byProgram?: number;
  writers?: string[];
}

/** Every record of the group came from a program's log line: text about a denial, not the kernel's record of one. */
export function writtenByProgramsOnly(g: AllowGroup | undefined): boolean {
  return g?.byProgram !== undefined && g.byProgram >= (g.count ?? 1);
}

/** `caution`: some groups are classified unclear (the dialog says so above the rules). */
export type AllowChoice = { ok: true; profile: string; items: AllowItem[]; caution?: string } | { ok: false; title: string; lines: string[] };

const FILE_OPS = /^(?:open|exec|file_\w+|mknod|link|rename_\w+|unlink|rmdir|mkdir|truncate|chmod|chown|getattr|setattr|file_mmap|mmap|create|remove)$/;

function deniedOf(i: AllowGroup): DeniedAccess {
  const r = i.samples?.[i.samples.length - 1];
  const path = r?.fields.name;
  return FILE_OPS.test(i.operation ?? '') && path?.startsWith('/') ? { path } : {};
}

export function allowChoice(selected: AllowGroup | undefined, marked: AllowGroup[] = []): AllowChoice {
  const list = marked.length ? marked : selected ? [selected] : [];
  if (!list.length) return { ok: false, title: 'Allow', lines: ['Select a missing-rule denial group first: a applies its suggested rule.'] };
  const profiles = [...new Set(list.map((i) => i.profile))];
  if (profiles.length > 1)
    return {
      ok: false,
      title: 'Allow: one profile at a time',
      lines: [`The marked denial groups are for ${profiles.length} profiles (${profiles.join(', ')}): one dialog adds rules to one profile file with one reload. Unmark the others (m).`],
    };
  const attack = list.find((i) => i.verdict === 'likely-attack');
  if (attack) {
    return {
      ok: false,
      title: 'Allow: refused (likely attack)',
      lines: [
        `${attack.profile} ${attack.operation ?? ''} ${attack.target ?? ''} looks like an attack. ${ATTACK_WARNING}`,
        attack.classification?.suggestion?.text ?? '',
        'No rule is applied for a likely attack. Nothing was tried.',
      ].filter(Boolean),
    };
  }
  const forged = list.find(writtenByProgramsOnly);
  if (forged) {
    return {
      ok: false,
      title: "Allow: refused (not the kernel's record)",
      lines: [
        `${forged.profile} ${forged.operation ?? ''} ${forged.target ?? ''}: every record of it came from a program's log line (${(forged.writers ?? []).join(', ') || 'a program'}), not from the kernel or the audit subsystem. Any program can write such text, so it proves no denial, and a rule added on its word widens the profile for whoever wrote it.`,
        'No rule is applied. Nothing was tried.',
      ],
    };
  }
  const items: AllowItem[] = [];
  for (const i of list) {
    const s = i.classification?.suggestion;
    const label = [i.operation, i.target, i.mask].filter(Boolean).join(' ');
    // an unclear group has its rule too (the engineer looks first; the dialog asks why, journaled)
    if ((i.verdict !== 'missing-rule' && i.verdict !== 'unclear') || s?.kind !== 'rule' || !s.rules?.length) {
      const why = i.verdict !== 'missing-rule' && i.verdict !== 'unclear' ? `it is classified ${i.verdict ?? 'unclassified'}, not missing-rule: look first` : (s?.text ?? 'no rule was suggested');
      return { ok: false, title: 'Allow: no rule to apply', lines: [`${label}: ${why}.`, 'Nothing was tried.'] };
    }
    // a name lookup the kernel could not finish is fixed by a flag on the profile's line, which no rule can add
    const flag = s.rules.find(isProfileFlag);
    if (flag) return { ok: false, title: 'Allow: a profile flag, not a rule', lines: [`${label}: ${ruleShapeProblem(flag)}.`, 'Nothing was tried.'] };
    const denied = deniedOf(i);
    for (const suggested of s.rules) {
      // an abstraction allows far more than this denial: offer the rule for the denied path itself
      const exact = /^include\b/.test(suggested) && denied.path ? rulePath(denied.path) : undefined;
      const perms = minimalPerms(i.mask ?? '');
      const rule = exact && perms ? `${exact} ${perms},` : suggested;
      items.push({ suggested: rule, rule, denied, label, groupKey: i.key, target: i.target, operation: i.operation });
    }
  }
  const unclear = list.filter((i) => i.verdict === 'unclear').length;
  if (!unclear) return { ok: true, profile: profiles[0], items };
  const which = list.length === 1 ? 'this denial is' : `${unclear} of these denials ${unclear === 1 ? 'is' : 'are'}`;
  return { ok: true, profile: profiles[0], items, caution: `${which} classified unclear: add the rule only once you have checked the service needs it` };
}
