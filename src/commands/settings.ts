/**
 * The run's settings, resolved once from the command line, the demo and this process, and handed
 * down to every mode: whether we run as root, where the profiles, securityfs and the action journal
 * are, the clock context and the time window. The stages below receive these as plain values and
 * never decide them again. Pure apart from hostIdentity().
 */
import { DEMO_SOURCE, type DemoPaths } from '../demo.js';
import type { ClockContext } from '../parse/prefix.js';
import { defaultJournalPath } from '../actions/journal.js';
import type { SavedInput, TimeWindow } from '../pipeline/saved-inputs.js';
import { DEFAULT_PROFILE_DIRS, DEFAULT_SECURITYFS } from '../profiles/load.js';
import { UsageError, type CliOptions } from './args.js';
import { parseWindow, TimeSpecError } from '../sources/time-spec.js';

export interface RunSettings {
  /** Root decides the default journal and whether actions may run. */
  isRoot: boolean;
  env: NodeJS.ProcessEnv;
  /** Where the profile index is read from: the demo's own, --profiles-dir, or this host's (as given, not resolved). */
  profileDirs: string[];
  /** AppArmor's securityfs: the demo's, --securityfs, or this host's. */
  securityfs: string;
  /** Whether securityfs was named (the demo's or --securityfs) rather than this host's default. */
  securityfsNamed: boolean;
  /** The action journal: the demo's (never merged with real data), --actions, or the default for this user. */
  journalPath: string;
  /** Whether the journal was named (the demo's or --actions): a named one must exist when it is read. */
  journalNamed: boolean;
  readOnly: boolean;
  clock: ClockContext;
  /** --since/--until as epoch ms, for saved inputs. */
  window: TimeWindow;
  demo?: DemoPaths;
}

/** The saved inputs a run reads: the demo's log for --demo, else the --input paths ('-' is stdin). */
export function savedInputs(opts: Pick<CliOptions, 'inputs'>, demo: DemoPaths | undefined): SavedInput[] {
  if (demo) return [{ path: demo.log, name: DEMO_SOURCE }];
  return opts.inputs.map((p) => ({ path: p, name: p === '-' ? 'stdin' : p }));
}

/** Who this process is: read once, at the top. */
export function hostIdentity(): { isRoot: boolean; env: NodeJS.ProcessEnv } {
  return { isRoot: process.getuid?.() === 0, env: process.env };
}

/**
 * The settings for one run. `demo`: the demo's paths when --demo found them (a --demo whose files
 * are missing gets no profile directory, never this host's). Throws UsageError for a --since or
 * --until that is no time (every mode reads the window from here).
 */
export function resolveSettings(
  opts: Pick<CliOptions, 'demo' | 'profilesDirs' | 'securityfs' | 'actionsFile' | 'readOnly' | 'bootTime' | 'year' | 'since' | 'until'>,
  who: { isRoot: boolean; env: NodeJS.ProcessEnv },
  extra: { demo?: DemoPaths; now?: number } = {},
): RunSettings {
  const demo = opts.demo ? extra.demo : undefined;
  const profileDirs = opts.demo ? (demo ? [demo.profilesDir] : []) : opts.profilesDirs.length ? opts.profilesDirs : DEFAULT_PROFILE_DIRS;
  const securityfs = demo?.securityfs ?? opts.securityfs;
  const journal = demo?.actions ?? opts.actionsFile;
  return {
    isRoot: who.isRoot,
    env: who.env,
    profileDirs,
    securityfs: securityfs ?? DEFAULT_SECURITYFS,
    securityfsNamed: securityfs !== undefined,
    journalPath: journal ?? defaultJournalPath(who.isRoot, who.env),
    journalNamed: journal !== undefined,
    readOnly: opts.readOnly,
    clock: { bootTime: opts.bootTime, year: opts.year },
    window: windowOf(opts, extra.now),
    ...(demo ? { demo } : {}),
  };
}

function windowOf(opts: Pick<CliOptions, 'since' | 'until'>, now?: number): TimeWindow {
  try {
    return parseWindow(opts.since, opts.until, now);
  } catch (err) {
    if (err instanceof TimeSpecError) throw new UsageError(err.message);
    throw err;
  }
}
