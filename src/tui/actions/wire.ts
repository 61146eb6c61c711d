/**
 * The action dialogs wired to this host for the interactive view: root or not, the profile index
 * (re-read for every action: aa-complain edits the files), securityfs, the journal. Actions exist
 * only in live mode: the demo's and saved logs' profile names are not this host's to change.
 */
import { hostname } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import { actionsAvailability } from '../../actions/confirm.js';
import { hasCommand } from '../../actions/execute.js';
import { readJournal } from '../../actions/journal.js';
import { operatorName } from '../../actions/perform.js';
import { resolveTarget } from '../../actions/resolve-target.js';
import { loadProfileIndex } from '../../profiles/load.js';
import { ActionController } from './controller.js';

export interface ActionsWiring {
  controller?: ActionController;
  /** Shown under the help: why the action keys are absent, or why they will refuse. */
  helpNote?: string;
}

/** Where and as whom actions run: from the run's settings, decided once by the command. */
export interface ActionSettings {
  isRoot: boolean;
  profileDirs: string[];
  securityfs: string;
  readOnly: boolean;
}

export interface WireOptions {
  settings: ActionSettings;
  mode: 'live' | 'demo' | 'replay';
  journal: string;
  env?: NodeJS.ProcessEnv;
  onJournal?: () => void;
  /** The denial groups on screen, to find a likely attack on the profile acted on. */
  groups?: () => { profile: string; verdict?: string; operation?: string; target?: string }[];
}

/** One line for the first likely-attack denial group on any of `profiles`. */
export function attackAmong(groups: { profile: string; verdict?: string; operation?: string; target?: string }[], profiles: string[]): string | undefined {
  const hit = groups.find((i) => i.verdict === 'likely-attack' && profiles.includes(i.profile));
  return hit ? [hit.profile, hit.operation, hit.target].filter(Boolean).join(' ') : undefined;
}

export function wireActions(p: WireOptions): ActionsWiring {
  if (p.mode !== 'live') {
    return {
      helpNote: `Action keys (c u d a z) change this host's profiles, so they exist only in live mode, not for the ${p.mode === 'demo' ? 'demo' : 'saved logs'}. Use aa-triage act on the host itself.`,
    };
  }
  const env = p.env ?? process.env;
  const isRoot = p.settings.isRoot;
  const dirs = p.settings.profileDirs.map((d) => resolvePath(d));
  const available = actionsAvailability({ isRoot, readOnly: p.settings.readOnly });
  const controller = new ActionController({
    env: { securityfs: p.settings.securityfs, journalPath: p.journal, isRoot, readOnly: p.settings.readOnly, env, operator: operatorName(env), host: hostname() },
    resolve: async (name) => resolveTarget(name, (await loadProfileIndex(dirs)).index, dirs),
    hasCommand: (name) => hasCommand(name, env),
    readJournal: () => readJournal(p.journal),
    onJournal: p.onJournal,
    attackOn: p.groups ? (profiles) => attackAmong(p.groups!(), profiles) : undefined,
  });
  return { controller, helpNote: available.enabled ? undefined : `Actions are disabled: ${available.reason}.` };
}
