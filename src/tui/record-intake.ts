/**
 * Records into the interactive view's store and the timeline's incident builder: from the live
 * sources, or from saved inputs (demo, replay) read through one pipeline with each input's health
 * shown as it is read. New likely attacks are announced only once the backlog is read. I/O edge:
 * opens the files, starts the sources.
 */
import type { ReplayInput } from '../cli/replay.js';
import type { ClockContext } from '../decode/prefix.js';
import { scanStream, type LineStats } from '../ingest/lines.js';
import { openInput } from '../ingest/inputs.js';
import type { AppArmorRecord } from '../model/record.js';
import { Pipeline, type PipelineSink } from '../pipeline.js';
import type { IncidentStore, SourceHealth } from '../store/incident-store.js';
import type { TimelineBuilder } from '../timeline/builder.js';

export interface ReplayOptions {
  clock: ClockContext;
  /** --since/--until (epoch ms); records without a time are kept. */
  window?: { since?: number; until?: number };
  enrich?: (r: AppArmorRecord) => void;
  /** Each record's host, as it arrives. */
  onHost(host: string): void;
}

export interface LiveHandle {
  stop(): Promise<void>;
  backlogDone(): boolean;
}

export interface IntakeOptions extends ReplayOptions {
  inputs: ReplayInput[];
  startLive?: (sink: PipelineSink, onHealth: (h: SourceHealth[]) => void) => Promise<LiveHandle>;
  /** Every record from the live sources (the action dialog watches for the kernel's STATUS record). */
  observe?: (r: AppArmorRecord) => void;
  /** Called when the saved inputs are all read. */
  onReplayed(): void;
  /** Polls `f` every `ms` until it returns true. */
  poll(ms: number, f: () => boolean): void;
}

/** Starts reading records; the live sources' handle to stop them, when live. */
export async function startIntake(store: IncidentStore, story: TimelineBuilder, o: IntakeOptions, pollMs: number): Promise<LiveHandle | undefined> {
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

export async function replayInto(store: IncidentStore, story: TimelineBuilder, inputs: ReplayInput[], o: ReplayOptions): Promise<void> {
  const health: SourceHealth[] = inputs.map((i) => ({ name: i.name, state: 'waiting', lines: 0, records: 0 }));
  store.setHealth(health);
  const sink: PipelineSink = {
    record: (r) => {
      const w = o.window;
      if (w && r.time !== undefined && ((w.since !== undefined && r.time < w.since) || (w.until !== undefined && r.time > w.until))) return;
      if (r.host) o.onHost(r.host);
      store.add(r);
      story.addRecord(r);
    },
    loss: (n) => store.addLoss(n),
  };
  const pipeline = new Pipeline(sink, { clock: o.clock, enrich: o.enrich });
  const stats: LineStats = { bytes: 0, cut: 0 };
  for (let i = 0; i < inputs.length; i++) {
    const h = health[i];
    h.state = 'reading';
    store.setHealth(health);
    try {
      const stream = await openInput(inputs[i].path);
      const parser = pipeline.parserFor(inputs[i].name);
      const before = pipeline.counts.records;
      await scanStream(stream, parser.asSink(), { filter: true }, stats);
      parser.end();
      h.lines = parser.stats.lines;
      h.records = pipeline.counts.records - before;
      h.state = 'done';
    } catch (err) {
      h.state = 'failed';
      h.reason = (err as Error).message;
    }
    store.setHealth(health);
  }
}
