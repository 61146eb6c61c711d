/**
 * Entry to the interactive view from main.ts: decides whether it applies (both ends a terminal,
 * neither --json nor --plain), which mode it is (DEMO, REPLAY, LIVE), and wires the live sources
 * and the demo's profile facts and action journal.
 */
import type { CliOptions } from './args.js';
import type { SavedInput } from '../pipeline/saved-inputs.js';
import { liveOptionsFrom } from './live.js';
import { compactStep, heldHeap } from './heap.js';
import type { LiveSession, SourceHealth } from '../sources/types.js';
import { loadEnrichment, type Enrichment } from '../classify/enrich.js';
import type { ProfileIndex } from '../profiles/types.js';
import type { ProfileFact } from '../tui/profile-facts.js';
import type { TuiOptions, TuiSettings } from '../tui/runner.js';
import type { RunSettings } from './settings.js';
import { validZone } from '../tui/format.js';
import type { RunMode } from '../tui/views/header.js';

/** Ink's own test (is-in-ci, read once when Ink loads): with it, Ink prints only the last frame. */
export function inCi(env: NodeJS.ProcessEnv): boolean {
  return ['CI', 'CONTINUOUS_INTEGRATION'].some((k) => k in env && env[k] !== '0' && env[k] !== 'false');
}

/**
 * The interactive view needs a terminal on both ends, and no CI marker in the environment (Ink
 * would draw only the final frame); otherwise main.ts streams NDJSON or readable lines.
 */
export function wantsTui(opts: CliOptions, io: { stdinTTY: boolean; stdoutTTY: boolean; env?: NodeJS.ProcessEnv } = { stdinTTY: !!process.stdin.isTTY, stdoutTTY: !!process.stdout.isTTY }): boolean {
  return opts.command === 'triage' && !opts.json && !opts.plain && io.stdinTTY && io.stdoutTTY && !inCi(io.env ?? process.env);
}

export function tuiMode(opts: CliOptions): RunMode {
  if (opts.demo) return 'demo';
  return opts.inputs.length || opts.journalDirs.length || opts.journalFiles.length ? 'replay' : 'live';
}

export function factsFromIndex(index: ProfileIndex): ProfileFact[] {
  return index.profiles().map((p) => ({ name: p.name, mode: p.mode, file: p.file, hasNetworkRules: p.hasNetworkRules, managedBy: p.managedBy }));
}

/** The view's part of the run's settings. Saved logs from another host say nothing about this host's profiles unless asked. */
export function tuiSettings(opts: CliOptions, settings: RunSettings, mode: RunMode = tuiMode(opts)): TuiSettings {
  return {
    color: opts.color,
    bell: opts.bell,
    utc: opts.utc,
    tz: opts.tz,
    clock: settings.clock,
    loadedFrom: settings.securityfsNamed || mode === 'live' ? settings.securityfs : undefined,
    journalPath: settings.journalPath,
    isRoot: settings.isRoot,
    profileDirs: settings.profileDirs,
    securityfs: settings.securityfs,
    readOnly: settings.readOnly,
  };
}

/** Sources that read backlog first: announcements start once they are all past it. */
function pastBacklog(session: LiveSession): boolean {
  return session.health().every((h) => h.state !== 'starting' && h.state !== 'backfill');
}

export async function startTui(opts: CliOptions, settings: RunSettings, inputs: SavedInput[], loaded?: Enrichment): Promise<number> {
  const mode = tuiMode(opts);
  const demo = settings.demo;
  if (opts.tz !== undefined && !opts.utc && !validZone(opts.tz)) {
    process.stderr.write(`aa-triage: --tz: unknown time zone: ${opts.tz} (use an IANA name such as Europe/Berlin, or --utc)\n`);
    return 2;
  }
  // --input '-' would read the keys' terminal: saved logs on stdin go through --json/--plain.
  if (inputs.some((i) => i.path === '-')) {
    process.stderr.write('aa-triage: --input - reads stdin, which is the terminal here; pipe into aa-triage --plain or --json, or give a file\n');
    return 2;
  }
  // One profile index for the classifier and for the facts the views show, so they agree (main.ts
  // has usually loaded it already).
  const enrichment = loaded ?? (await loadEnrichment(settings.profileDirs, { label: demo?.label }));
  const index = enrichment.index;
  const useSession = mode === 'live' || opts.journalDirs.length > 0 || opts.journalFiles.length > 0;
  const tui: TuiOptions = {
    settings: tuiSettings(opts, settings, mode),
    mode,
    inputs: useSession ? [] : inputs,
    window: settings.window,
    demo,
    profileFiles: index ? async () => factsFromIndex(index) : undefined,
    enrich: enrichment.enrich,
    heap: { held: heldHeap, compact: compactStep },
  };
  if (useSession) {
    tui.startLive = async (sink, onHealth) => {
      const { startLiveSources } = await import('../sources/session.js');
      const session = await startLiveSources({ ...liveOptionsFrom(opts, settings), enrich: tui.enrich }, sink);
      // host facts (AppArmor off in this kernel) are shown with the sources: an empty list must never look quiet
      const notes: SourceHealth[] = session.notes().map((reason) => ({ name: 'kernel', state: 'unavailable', reason, lines: 0, records: 0, restarts: 0, stderrTail: [] }));
      const health = () => [...notes, ...session.health()];
      onHealth(health());
      const off = session.onHealth(() => onHealth(health()));
      return {
        stop: async () => {
          off();
          await session.stop();
        },
        backlogDone: () => pastBacklog(session),
      };
    };
  }
  // the view (Ink, React, the layout engine) is loaded only here: the streaming modes and `act`
  // never pay for compiling and starting it
  const { runTui } = await import('../tui/runner.js');
  const code = await runTui(tui);
  // A source that cannot be stopped must not keep a quit program alive.
  setTimeout(() => process.exit(code), 500).unref();
  return code;
}
