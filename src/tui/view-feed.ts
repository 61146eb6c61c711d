/**
 * What the view subscribes to: the runner's store, timeline builder and profile facts flushed into
 * one view model a few times a second (and at once when asked), with the alerts of new likely
 * attacks (a bell once per new likely-attack denial group, never per record).
 */
import type { DenialStore, StoreSnapshot } from './denial-store.js';
import type { TimelineBuilder } from '../timeline/builder.js';
import type { Incident as TimelineIncident } from '../timeline/model.js';
import { safeCell } from '../model/safe-text.js';
import type { Alert, Feed, TerminalSize, ViewModel } from './app-types.js';
import type { FactsSource } from './facts-source.js';
import { clockTime } from './format.js';
import { BELL } from './terminal.js';
import type { RunMode } from './views/header.js';

export interface ViewFeedOptions {
  store: DenialStore;
  /** Every record also goes through the timeline's incident builder (bounded memory). */
  story: TimelineBuilder;
  facts: FactsSource;
  mode: RunMode;
  utc: boolean;
  tz?: string;
  bell: boolean;
  stdout: NodeJS.WriteStream;
  size: TerminalSize;
  host?: string;
}

/**
 * Under a flood (at least this many records since the view's last model), a new model at most
 * every FLOOD_FLUSH_MS instead of every flush: each model costs a frame (Ink lays out, measures
 * and writes the whole screen again, and leaves megabytes of garbage) and the list's derivation,
 * time the records' intake then lacks; the counts of a flood change too fast to read five times a
 * second. Keys are drawn at once either way (bench/findings.md).
 */
export const FLOOD_RECORDS = 1000;
export const FLOOD_FLUSH_MS = 500;

export class ViewFeed implements Feed {
  private readonly listeners = new Set<() => void>();
  private model: ViewModel;
  private alerts: Alert[] = [];
  private alertSeq = 0;
  private lastNowSecond = 0;
  private storyFor?: { snap: StoreSnapshot; incidents: TimelineIncident[] };
  /** When the last model was made, and the records taken in by then. */
  private modelAt = 0;
  private takenAtModel = 0;
  size: TerminalSize;
  host?: string;
  blank = false;

  constructor(private readonly o: ViewFeedOptions) {
    this.size = o.size;
    this.host = o.host;
    this.model = this.build();
  }

  subscribe = (cb: () => void) => {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  };

  get = () => this.model;

  /** A new model now (size, blank frame, host changed). */
  set(): void {
    this.modelAt = Date.now();
    this.takenAtModel = this.o.store.taken;
    this.model = this.build();
    for (const cb of this.listeners) cb();
  }

  /** Takes the store's new alerts and sends a new model when anything shown changed (every second when live: relative times). */
  flush(force = false): void {
    const { store, stdout } = this.o;
    if (!force && store.taken - this.takenAtModel >= FLOOD_RECORDS && Date.now() - this.modelAt < FLOOD_FLUSH_MS) return;
    for (const key of store.takeAnnouncements()) {
      const g = store.snapshot().groups.find((i) => i.key === key);
      const text = g ? `${g.profile} ${g.operation} ${g.target}${g.mask ? ` (${g.mask})` : ''}` : 'a new denial group';
      this.alerts = [...this.alerts.slice(-19), { seq: ++this.alertSeq, key, text: safeCell(text, 1000) }];
      if (this.o.bell) stdout.write(BELL);
    }
    const cur = this.model;
    const second = Math.floor(Date.now() / 1000);
    if (force || store.snapshot() !== cur.snap || cur.alerts !== this.alerts || cur.facts !== this.o.facts.facts || (this.o.mode === 'live' && second !== this.lastNowSecond)) {
      this.lastNowSecond = second;
      this.set();
    }
  }

  private build(): ViewModel {
    const { store, mode, utc, tz } = this.o;
    const snap = store.snapshot();
    const latest = snap.latestTime;
    const live = mode === 'live';
    return {
      snap,
      size: this.size,
      now: live ? Date.now() : (latest ?? Date.now()),
      alerts: this.alerts,
      host: this.host,
      clockNote: live ? undefined : latest !== undefined ? `now = last record, ${clockTime(latest, utc, tz)}` : 'no timed records',
      blank: this.blank,
      incidents: this.storyIncidents(snap),
      facts: this.o.facts.facts,
    };
  }

  /** The timeline's numbered incidents, built once per snapshot and only when a screen asks. */
  private storyIncidents(snap: StoreSnapshot): () => TimelineIncident[] {
    return () => {
      if (this.storyFor?.snap !== snap) this.storyFor = { snap, incidents: this.o.story.snapshot().incidents };
      return this.storyFor.incidents;
    };
  }
}
