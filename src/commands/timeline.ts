/**
 * `aa-triage timeline`: from the command line's options to a run. Decides the inputs (the demo's
 * log and action journal for --demo; saved logs; else this host's sources, read to the end and not
 * followed), the zone times are shown in, the window and the output format. Errors become a
 * sentence on stderr and an exit code.
 */
import type { CliOptions } from './args.js';
import { UsageError } from './args.js';
import type { DemoPaths } from '../demo.js';
import type { AppArmorRecord } from '../model/record.js';
import type { Writable } from 'node:stream';
import { InputError } from '../ingest/inputs.js';
import type { SavedInput } from '../pipeline/saved-inputs.js';
import { liveOptionsFrom } from './live.js';
import { savedInputs, type RunSettings } from './settings.js';
import type { LiveOptions } from '../sources/types.js';
import { buildTimelineFromLive, runTimeline, writeTimeline, type TimelineRun } from './timeline-run.js';
import { timeStyle, TimeZoneError } from '../timeline/time-format.js';
import { safeLines } from '../model/safe-text.js';

export const DEMO_ACTIONS_SOURCE = 'DEMO:actions.jsonl';

export interface TimelineCommandEnv {
  inputs: SavedInput[];
  demo?: DemoPaths;
  /** The run's clock and action journal (read when named, where it must exist; else only when it exists). */
  settings: Pick<RunSettings, 'journalPath' | 'journalNamed' | 'clock' | 'window'>;
  enrich?: (r: AppArmorRecord) => void;
  /** Where progress goes (stderr); shown only when it is a terminal. */
  stderr?: TimelineRun['progress'];
}

/** From options to a run; throws UsageError for a bad zone. */
export function timelineRun(opts: CliOptions, env: TimelineCommandEnv): TimelineRun {
  let style;
  try {
    style = timeStyle({ utc: opts.utc, tz: opts.tz });
  } catch (err) {
    if (err instanceof TimeZoneError) throw new UsageError(err.message);
    throw err;
  }
  const { window } = env.settings;
  const format = opts.format ?? (opts.json ? 'json' : 'text');
  const { journalPath, journalNamed } = env.settings;
  const actions: TimelineRun['actions'] = { path: journalPath, name: env.demo && journalPath === env.demo.actions ? DEMO_ACTIONS_SOURCE : journalPath, required: journalNamed };
  return {
    inputs: env.inputs,
    actions,
    format,
    style,
    demo: !!env.demo,
    gapSeconds: opts.gapSeconds,
    clock: env.settings.clock,
    since: window.since,
    until: window.until,
    enrich: env.enrich,
    progress: env.stderr,
  };
}

export interface TimelineIo {
  out: Writable;
  err: Writable & { isTTY?: boolean };
  enrich?: (r: AppArmorRecord) => void;
  /** Live sources instead of this host's (tests). */
  live?: Partial<LiveOptions>;
}

/** `aa-triage timeline ...`: returns the exit code. */
export async function runTimelineCommand(opts: CliOptions, settings: RunSettings, io: TimelineIo): Promise<number> {
  const say = (s: string) => io.err.write(`aa-triage: ${safeLines(s)}\n`);
  const demo = settings.demo;
  if (opts.demo) {
    if (opts.inputs.length || opts.journalDirs.length || opts.journalFiles.length) {
      say('--demo does not mix with --input, --journal-dir or --journal-file: the demo is never merged with real data');
      return 2;
    }
    if (!demo) {
      say('the demo incident is missing from this installation (demo/incident.log)');
      return 1;
    }
  }
  const inputs = savedInputs(opts, demo);
  let run: TimelineRun;
  try {
    run = timelineRun(opts, {
      inputs,
      demo,
      settings,
      enrich: io.enrich,
      stderr: io.err,
    });
  } catch (err) {
    if (err instanceof UsageError) {
      say(`${err.message}\nTry 'aa-triage --help'.`);
      return 2;
    }
    throw err;
  }
  const saved = opts.journalDirs.length === 0 && opts.journalFiles.length === 0 && inputs.length > 0;
  try {
    if (saved) {
      const t = await runTimeline(run, io.out);
      if (t.damagedInputs?.length) return 1;
    } else {
      const t = await buildTimelineFromLive(run, { ...liveOptionsFrom(opts, settings), ...io.live }, say);
      if (!t) return 1;
      await writeTimeline(t, run, io.out);
    }
  } catch (err) {
    if (err instanceof InputError) {
      say(err.message);
      return 1;
    }
    throw err;
  }
  return 0;
}
