/**
 * How much confirmation an action needs, and whether actions are possible at all. Pure.
 *
 * Tiers: a runtime-only complain is one dialog showing the exact command (Cancel focused); a change
 * that persists (aa-complain, disable) adds its consequence; an unload (processes run unconfined)
 * needs the profile name typed. Against a likely attack no loosening action is one key: the dialog
 * says why, and going ahead needs the profile name and a reason, journaled as an override.
 */
import type { Verdict } from '../model/record.js';
import type { ActionPlan } from './plan.js';

export type ConfirmTier = 'command' | 'consequence' | 'type-name';

export interface ConfirmRequirement {
  tier: ConfirmTier;
  /** The profile name must be typed to proceed. */
  typeName: boolean;
  /** A reason must be given (recorded in the journal). */
  reasonRequired: boolean;
  /** The reason is an override of a likely-attack verdict. */
  override: boolean;
  /** Why this action is held back, shown above the command (likely attack). */
  warning?: string;
}

export const ATTACK_WARNING =
  'This denial group looks like an attack. Complain mode, unloading or disabling would let the denied actions succeed, and complain mode gives no protection in a hostile environment. Respond to the intrusion first (isolate, investigate); loosen only if you are sure.';

/** When every record of the denial group came from a program's log line (AppArmorRecord.writer). */
export const UNPROVEN_WARNING =
  "Every record of this denial group came from a program's log line, not from the kernel: any program can write such text (logger, syslog()), so it proves no denial, and loosening the profile on its word is what a confined program that wrote it would want. Check the kernel's own log (journalctl -k, dmesg, audit.log) first.";

/**
 * How a plan is confirmed: by its consequence, by the profile's name typed for an unload, and with
 * the name and a reason for a loosening against a likely attack or on evidence only a program
 * wrote (`unproven`).
 */
export function confirmationFor(plan: ActionPlan, verdict?: Verdict, unproven = false): ConfirmRequirement {
  const tier: ConfirmTier = plan.action === 'unload' ? 'type-name' : plan.persists && plan.loosening ? 'consequence' : 'command';
  if (plan.loosening && verdict === 'likely-attack') {
    return { tier: 'type-name', typeName: true, reasonRequired: true, override: true, warning: ATTACK_WARNING };
  }
  if (plan.loosening && unproven) return { tier: 'type-name', typeName: true, reasonRequired: true, override: false, warning: UNPROVEN_WARNING };
  return { tier, typeName: tier === 'type-name', reasonRequired: false, override: false };
}

export interface ConfirmInput {
  typedName?: string;
  reason?: string;
}

/** undefined when the input satisfies the requirement; else what is missing, as a sentence. */
export function confirmationProblem(req: ConfirmRequirement, plan: ActionPlan, input: ConfirmInput): string | undefined {
  if (req.typeName && (input.typedName ?? '').trim() !== plan.target.profile) return `type the profile name (${plan.target.profile}) to confirm`;
  if (req.reasonRequired && !(input.reason ?? '').trim()) return req.override ? 'give a reason for overriding the likely-attack verdict' : 'give a reason';
  return undefined;
}

export type Availability = { enabled: true } | { enabled: false; reason: string };

/** Actions need root and no --read-only; otherwise they are shown disabled with this reason and nothing is tried. */
export function actionsAvailability(p: { isRoot: boolean; readOnly: boolean }): Availability {
  if (p.readOnly) return { enabled: false, reason: 'read-only mode (--read-only): actions are disabled' };
  if (!p.isRoot) return { enabled: false, reason: 'not root: changing AppArmor needs root (run aa-triage with sudo)' };
  return { enabled: true };
}
