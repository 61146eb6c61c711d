/**
 * What the interactive view is started with: the run's settings as the view needs them, the mode, the saved inputs or the
 * live sources, the enrichment and the profile files; terminal streams and environment for tests.
 */
import type { DemoPaths } from '../demo.js';
import type { AppArmorRecord } from '../model/record.js';
import type { ClockContext } from '../parse/prefix.js';
import type { PipelineSink } from '../pipeline/pipeline.js';
import type { SavedInput, TimeWindow } from '../pipeline/saved-inputs.js';
import type { SourceHealth } from '../sources/types.js';
import type { ActionSettings } from './actions/wire.js';
import type { ProfileFact } from './profile-facts.js';
import type { LiveHandle } from './record-intake.js';
import type { RunMode } from './views/header.js';

/** What the view takes from the run's settings, resolved once by the command that starts it. */
export interface TuiSettings extends ActionSettings {
  color: boolean;
  bell: boolean;
  utc: boolean;
  tz?: string;
  clock: ClockContext;
  /** The securityfs whose loaded-profile list the view shows; undefined for saved logs of another host. */
  loadedFrom?: string;
  /** The action journal shown in the action log (and written by the dialogs). */
  journalPath: string;
}

export interface TuiOptions {
  settings: TuiSettings;
  mode: RunMode;
  /** Saved inputs (demo and replay). */
  inputs: SavedInput[];
  demo?: DemoPaths;
  /** --since/--until for saved inputs (epoch ms); records without a time are kept. */
  window?: TimeWindow;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  env?: NodeJS.ProcessEnv;
  /** Extra enrichment (classification) applied to each record before the store sees it. */
  enrich?: (r: AppArmorRecord) => void;
  /** Profile facts from the profile files (the profiles area), merged with the loaded list. */
  profileFiles?: () => Promise<ProfileFact[]>;
  /** Starts the live sources (live mode); returns a stop function and a health reader. */
  startLive?: (sink: PipelineSink, onHealth: (h: SourceHealth[]) => void) => Promise<LiveHandle>;
  /** The program's heap, when the view may compact it while nobody types (idle-compaction.ts). */
  heap?: HeapControl;
}

export interface HeapControl {
  /** Bytes of heap held from the system. */
  held(): number;
  /** One step of giving the heap back (0 starts a run), about one full collection the program waits for (commands/heap.ts). */
  compact(step: number): void;
}
