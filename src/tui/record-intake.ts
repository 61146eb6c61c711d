/**
 * Records into the interactive view's store and the timeline's incident builder: from the live
 * sources, or from saved inputs (demo, replay) read through one pipeline with each input's health
 * shown as it is read. New likely attacks are announced only once the backlog is read. I/O edge:
 * opens the files, starts the sources.
 */
import type { ClockContext } from '../parse/prefix.js';
import type { AppArmorRecord } from '../model/record.js';
import type { PipelineSink } from '../pipeline/pipeline.js';
import { SavedInputReader, type SavedInput, type TimeWindow } from '../pipeline/saved-inputs.js';
import type { SourceHealth } from '../sources/types.js';
import type { DenialStore } from './denial-store.js';
import type { TimelineBuilder } from '../timeline/builder.js';

export interface ReplayOptions {
  clock: ClockContext;
  /** --since/--until (epoch ms); records without a time are kept. */
  window?: TimeWindow;
  enrich?: (r: AppArmorRecord) => void;
  /** Each record's host, as it arrives. */
  onHost(host: string): void;
}

export interface LiveHandle {
  stop(): Promise<void>;
  backlogDone(): boolean;
}

export interface IntakeOptions extends ReplayOptions {
  inputs: SavedInput[];
  startLive?: (sink: PipelineSink, onHealth: (h: SourceHealth[]) => void) => Promise<LiveHandle>;
  /** Every record from the live sources (the action dialog watches for the kernel's STATUS record). */
  observe?: (r: AppArmorRecord) => void;
  /** Called when the saved inputs are all read. */
  onReplayed(): void;
  /** Polls `f` every `ms` until it returns true. */
  poll(ms: number, f: () => boolean): void;
}

/** Starts reading records; the live sources' handle to stop them, when live. */
export async function startIntake(store: DenialStore, story: TimelineBuilder, o: IntakeOptions, pollMs: number): Promise<LiveHandle | undefined> {
  if (!o.startLive) {
    void replayInto(store, story, o.inputs, o).then(() => {
      store.armAnnouncements();
      o.onReplayed();
    });
    return undefined;
  }
  const sink: PipelineSink = {
    record: (r) => {
      store.add(r);
      story.addRecord(r);
      o.observe?.(r);
    },
    loss: (n) => store.addLoss(n),
  };
  const live = await o.startLive(sink, (h) => store.setHealth(h));
  o.poll(pollMs, () => {
    if (!live.backlogDone()) return false;
    store.armAnnouncements();
    return true;
  });
  return live;
}

/**
 * What the view reads of a saved file at a time. A chunk is parsed in one turn of the event loop,
 * so a key pressed meanwhile waits for it. Replaying the generated 1M-line dmesg logs
 * (bench/tui-replay.tsx): at a megabyte a key waited up to 114-247 ms (median 51-85), at a quarter
 * of one 68-120 ms (median 30-39); the replay took 1.01x the time on the one-offs and 1.09x on
 * all-distinct records (5-6 pairs, each within 0.77-1.16x on a busy host).
 */
export const REPLAY_CHUNK_BYTES = 1 << 18;

export async function replayInto(store: DenialStore, story: TimelineBuilder, inputs: SavedInput[], o: ReplayOptions): Promise<void> {
  const health: SourceHealth[] = inputs.map((i) => ({ name: i.name, state: 'waiting', lines: 0, records: 0, restarts: 0, stderrTail: [] }));
  store.setHealth(health);
  const sink: PipelineSink = {
    record: (r) => {
      if (r.host) o.onHost(r.host);
      store.add(r);
      story.addRecord(r);
    },
    loss: (n) => store.addLoss(n),
  };
  const healthOf = (input: SavedInput) => health[inputs.indexOf(input)];
  // between chunks (REPLAY_CHUNK_BYTES): the input's lines and records so far and the share of it read, so
  // a long replay shows how far it is
  const pace = () => {
    const p = reader.progress();
    if (!p) return undefined;
    const h = healthOf(p.input);
    h.lines = p.lines;
    h.records = p.records;
    if (p.fraction !== undefined) h.fractionRead = p.fraction;
    store.setHealth(health);
    return undefined;
  };
  const reader: SavedInputReader = new SavedInputReader(sink, { clock: o.clock, enrich: o.enrich, window: o.window, pace, chunkBytes: REPLAY_CHUNK_BYTES });
  await reader.read(inputs, {
    start: (input) => {
      healthOf(input).state = 'reading';
      store.setHealth(health);
    },
    done: (input, r) => {
      const h = healthOf(input);
      h.lines = r.lines;
      h.records = r.records;
      delete h.fractionRead;
      if (r.damaged) {
        h.state = 'failed';
        h.reason = r.damaged.message;
      } else h.state = 'done';
      store.setHealth(health);
    },
    failed: (input, err) => {
      const h = healthOf(input);
      h.state = 'failed';
      h.reason = err.message;
      store.setHealth(health);
    },
  });
}
