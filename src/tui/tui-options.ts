/**
 * What the interactive view is started with: the command line, the mode, the saved inputs or the
 * live sources, the enrichment and the profile files; terminal streams and environment for tests.
 */
import type { CliOptions } from '../cli/args.js';
import type { ReplayInput } from '../cli/replay.js';
import type { DemoPaths } from '../demo.js';
import type { AppArmorRecord } from '../model/record.js';
import type { PipelineSink } from '../pipeline.js';
import type { SourceHealth } from '../store/incident-store.js';
import type { ProfileFact } from './profile-facts.js';
import type { LiveHandle } from './record-intake.js';
import type { RunMode } from './views/header.js';

export interface TuiOptions {
  cli: CliOptions;
  mode: RunMode;
  /** Saved inputs (demo and replay). */
  inputs: ReplayInput[];
  demo?: DemoPaths;
  /** --since/--until for saved inputs (epoch ms); records without a time are kept. */
  window?: { since?: number; until?: number };
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  env?: NodeJS.ProcessEnv;
  /** Extra enrichment (classification) applied to each record before the store sees it. */
  enrich?: (r: AppArmorRecord) => void;
  /** Profile facts from the profile files (the profiles area), merged with the loaded list. */
  profileFiles?: () => Promise<ProfileFact[]>;
  /** Starts the live sources (live mode); returns a stop function and a health reader. */
  startLive?: (sink: PipelineSink, onHealth: (h: SourceHealth[]) => void) => Promise<LiveHandle>;
}

