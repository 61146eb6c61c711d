/**
 * The interactive runner: everything with side effects around the pure view. It enters the
 * alternate screen, feeds records into the DenialStore outside React, flushes the store into the
 * view a few times a second, rings the bell once per new likely-attack incident, follows resizes,
 * and restores the terminal on quit, Ctrl-C, SIGTERM, SIGHUP and crashes.
 */
import React from 'react';
import { render, type Instance } from 'ink';
import { hostname } from 'node:os';
import { stat } from 'node:fs/promises';
import type { DemoPaths } from '../demo.js';
import type { ClockContext } from '../parse/prefix.js';
import type { AppArmorRecord } from '../model/record.js';
import type { PipelineSink } from '../pipeline/pipeline.js';
import { SavedInputReader, type SavedInput, type TimeWindow } from '../pipeline/saved-inputs.js';
import { DenialStore, type StoreSnapshot } from './denial-store.js';
import type { SourceHealth } from '../sources/types.js';
import { TimelineBuilder } from '../timeline/builder.js';
import type { Incident as TimelineIncident } from '../timeline/model.js';
import { readJournalContents } from '../actions/journal.js';
import { readLoadedProfiles } from '../actions/kernel-state.js';
import { wireActions, type ActionSettings } from './actions/wire.js';
import { App, type Alert, type Feed, type TerminalSize, type ViewModel } from './app.js';
import { mergeFacts, type ProfileFact, type ProfileFacts } from './profile-facts.js';
import { themeFor } from './theme.js';
import { BELL, CLEAR_SCREEN, ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN, tellLauncher, terminalSize } from './terminal.js';
import { clockTime } from './format.js';
import type { RunMode } from './views/header.js';
import { safeCell } from '../model/safe-text.js';

/** How often the store is flushed into the view (ms): a few times a second is enough to read. */
export const FLUSH_MS = 200;

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
  cli: TuiSettings;
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
  startLive?: (sink: PipelineSink, onHealth: (h: SourceHealth[]) => void) => Promise<{ stop(): Promise<void>; backlogDone(): boolean }>;
}

/** A feed the view subscribes to: the runner replaces the model, the view re-renders. */
class ModelFeed implements Feed {
  private readonly listeners = new Set<() => void>();
  constructor(private model: ViewModel) {}
  subscribe = (cb: () => void) => {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  };
  get = () => this.model;
  set(m: ViewModel): void {
    this.model = m;
    for (const cb of this.listeners) cb();
  }
}

/**
 * The profile facts, kept true while running: the files are read once, the kernel's loaded list
 * again after every action and every few seconds (a mode the view shows must be the kernel's now).
 */
class FactsSource {
  private files: ProfileFact[] = [];
  private loadedText?: string;
  facts: ProfileFacts = new Map();

  constructor(private readonly securityfs: string | undefined) {}

  async start(profileFiles: TuiOptions['profileFiles']): Promise<void> {
    this.files = profileFiles ? await profileFiles().catch(() => []) : [];
    await this.refresh(true);
  }

  /** Re-reads the kernel's list; true when the facts changed. */
  async refresh(force = false): Promise<boolean> {
    let loaded: Map<string, string> | undefined;
    if (this.securityfs) {
      const r = await readLoadedProfiles(this.securityfs);
      if (r.ok) loaded = r.profiles;
    }
    const text = loaded ? [...loaded].map(([n, m]) => `${n}\u0000${m}`).join('\n') : undefined;
    if (!force && text === this.loadedText) return false;
    this.loadedText = text;
    this.facts = mergeFacts(loaded, this.files);
    return true;
  }
}

/** Saved logs from another host say nothing about this host's profiles unless asked (the command decides). */
function securityfsFor(opts: TuiOptions): string | undefined {
  return opts.cli.loadedFrom;
}

/** How often the kernel's profile modes are read again while running. */
const FACTS_REFRESH_MS = 2000;

function journalPath(opts: TuiOptions): string {
  return opts.cli.journalPath;
}

/** Reads saved inputs through one pipeline into the store, with per-input health. */
async function replayInto(store: DenialStore, story: TimelineBuilder, inputs: SavedInput[], opts: TuiOptions, onRecordHost: (h: string) => void): Promise<void> {
  const health: SourceHealth[] = inputs.map((i) => ({ name: i.name, state: 'waiting', lines: 0, records: 0, restarts: 0, stderrTail: [] }));
  store.setHealth(health);
  const sink: PipelineSink = {
    record: (r) => {
      if (r.host) onRecordHost(r.host);
      store.add(r);
      story.addRecord(r);
    },
    loss: (n) => store.addLoss(n),
  };
  const healthOf = (input: SavedInput) => health[inputs.indexOf(input)];
  const reader = new SavedInputReader(sink, { clock: opts.cli.clock, enrich: opts.enrich, window: opts.window });
  await reader.read(inputs, {
    start: (input) => {
      healthOf(input).state = 'reading';
      store.setHealth(health);
    },
    done: (input, r) => {
      const h = healthOf(input);
      h.lines = r.lines;
      h.records = r.records;
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

export async function runTui(opts: TuiOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  const env = opts.env ?? process.env;
  const theme = themeFor(opts.cli.color);
  const store = new DenialStore();
  // every record also goes through the timeline's incident builder (bounded memory): the timeline
  // screen numbers incidents as `aa-triage timeline` does over the whole input, not over the
  // store's window of recent records
  const story = new TimelineBuilder();
  let storyFor: { snap: StoreSnapshot; incidents: TimelineIncident[] } | undefined;
  const storyIncidents = (snap: StoreSnapshot) => () => {
    if (storyFor?.snap !== snap) storyFor = { snap, incidents: story.snapshot().incidents };
    return storyFor.incidents;
  };
  const factsSource = new FactsSource(securityfsFor(opts));
  await factsSource.start(opts.profileFiles);
  const journal = journalPath(opts);
  const refreshFacts = async () => {
    if (await factsSource.refresh()) flush(true);
  };
  // After an action the journal is re-read at once, so the action log shows it without waiting,
  // and so are the kernel's profile modes, so no screen shows the mode from before the action.
  const actions = wireActions({
    cli: opts.cli,
    mode: opts.mode,
    journal,
    env,
    onJournal: () => {
      void readActions();
      void refreshFacts();
    },
    incidents: () => store.snapshot().incidents,
  });
  let host = opts.mode === 'live' ? hostname() : undefined;
  let size: TerminalSize = terminalSize(stdout, env);
  let alerts: Alert[] = [];
  let alertSeq = 0;
  let blank = false;

  const nowFor = (latest?: number) => (opts.mode === 'live' ? Date.now() : (latest ?? Date.now()));
  const clockNote = (latest?: number) =>
    opts.mode === 'live' ? undefined : latest !== undefined ? `now = last record, ${clockTime(latest, opts.cli.utc, opts.cli.tz)}` : 'no timed records';
  const model = (): ViewModel => {
    const snap = store.snapshot();
    return { snap, size, now: nowFor(snap.latestTime), alerts, host, clockNote: clockNote(snap.latestTime), blank, incidents: storyIncidents(snap), facts: factsSource.facts };
  };
  const feed = new ModelFeed(model());

  let lastNowSecond = 0;
  const flush = (force = false) => {
    for (const key of store.takeAnnouncements()) {
      const inc = store.snapshot().incidents.find((i) => i.key === key);
      const text = inc ? `${inc.profile} ${inc.operation} ${inc.target}${inc.mask ? ` (${inc.mask})` : ''}` : 'a new incident';
      alerts = [...alerts.slice(-19), { seq: ++alertSeq, key, text: safeCell(text, 1000) }];
      // BEL once per new likely-attack incident, never per record.
      if (opts.cli.bell) stdout.write(BELL);
    }
    const cur = feed.get();
    const snap = store.snapshot();
    const second = Math.floor(Date.now() / 1000);
    if (force || snap !== cur.snap || cur.alerts !== alerts || cur.facts !== factsSource.facts || (opts.mode === 'live' && second !== lastNowSecond)) {
      lastNowSecond = second;
      feed.set(model());
    }
  };

  // Enter the full-screen view; from here on every exit path must restore the terminal.
  let restored = false;
  let instance: Instance | undefined;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      instance?.unmount();
    } catch {
      // unmounting a crashed tree can throw: the terminal matters more
    }
    try {
      if (stdin.isTTY) stdin.setRawMode(false);
    } catch {
      // stdin may already be closed (dropped SSH)
    }
    stdout.write(LEAVE_ALT_SCREEN);
    if (stdout === process.stdout) tellLauncher('restored', env);
  };
  let finish: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => (finish = resolve));
  const quit = (code: number) => {
    restore();
    finish(code);
  };
  const onSignal = (sig: NodeJS.Signals) => quit(sig === 'SIGINT' ? 130 : sig === 'SIGHUP' ? 129 : 143);
  const onCrash = (err: unknown) => {
    restore();
    process.stderr.write(`aa-triage: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  };
  const onExit = () => restore();
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('SIGINT', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  process.on('exit', onExit);

  const redraw = () => {
    // A blank frame then the full one: Ink only rewrites lines it thinks changed.
    stdout.write(CLEAR_SCREEN);
    blank = true;
    feed.set(model());
    setTimeout(() => {
      blank = false;
      feed.set(model());
    }, 30);
  };
  const onResize = () => {
    size = terminalSize(stdout, env);
    redraw();
  };

  if (stdout === process.stdout) tellLauncher('taken', env);
  stdout.write(ENTER_ALT_SCREEN);
  instance = render(
    <App
      feed={feed}
      mode={opts.mode}
      facts={factsSource.facts}
      theme={theme}
      utc={opts.cli.utc}
      tz={opts.cli.tz}
      journal={journal}
      helpNote={actions.helpNote}
      actions={actions.controller}
      onAction={actions.controller ? (verb, target) => void actions.controller?.open(verb, target) : undefined}
      exportIo={{ write: (s) => void stdout.write(s), env }}
      onQuit={() => quit(0)}
      onRedraw={redraw}
      onPause={() => {
        store.setPaused(!store.isPaused);
        flush(true);
      }}
    />,
    // Data reaches the view every FLUSH_MS at most; the frame cap only delays what a key changes,
    // so it is high: at 10 fps a key waited up to 100 ms for its frame under a flood.
    { stdout, stdin, exitOnCtrlC: false, patchConsole: false, maxFps: 60 },
  );
  stdout.on('resize', onResize);
  const timer = setInterval(() => flush(), FLUSH_MS);

  // The operator's action journal (read-only here): re-read when it changes.
  let journalMtime = -1;
  const readActions = async () => {
    try {
      const st = await stat(journal);
      if (st.mtimeMs === journalMtime) return;
      journalMtime = st.mtimeMs;
      const { entries, unreadable } = await readJournalContents(journal);
      store.replaceActions(entries, unreadable);
    } catch {
      // no journal yet (or not readable): the action log says it is empty and where it looks
    }
  };
  await readActions();
  const journalTimer = opts.demo ? undefined : setInterval(() => void readActions(), 2000);
  const factsTimer = setInterval(() => void refreshFacts(), FACTS_REFRESH_MS);

  let live: { stop(): Promise<void>; backlogDone(): boolean } | undefined;
  if (opts.mode === 'live' && opts.startLive) {
    const sink: PipelineSink = {
      record: (r) => {
        store.add(r);
        story.addRecord(r);
        // the kernel's STATUS record of an action confirms it in the result dialog
        actions.controller?.observe(r);
      },
      loss: (n) => store.addLoss(n),
    };
    live = await opts.startLive(sink, (h) => store.setHealth(h));
    const arm = setInterval(() => {
      if (live?.backlogDone()) {
        store.armAnnouncements();
        clearInterval(arm);
      }
    }, FLUSH_MS);
    done.finally(() => clearInterval(arm));
  } else {
    void replayInto(store, story, opts.inputs, opts, (h) => (host ??= h)).then(() => {
      store.armAnnouncements();
      flush(true);
    });
  }

  // Ink unmounts by itself when a component throws: that is a crash, not a hang.
  instance.waitUntilExit().then(
    () => quit(0),
    (err: unknown) => {
      restore();
      process.stderr.write(`aa-triage: internal error in the view: ${(err as Error)?.stack ?? String(err)}\n`);
      quit(1);
    },
  );
  const code = await done;
  clearInterval(timer);
  if (journalTimer) clearInterval(journalTimer);
  clearInterval(factsTimer);
  stdout.off('resize', onResize);
  process.off('SIGTERM', onSignal);
  process.off('SIGHUP', onSignal);
  process.off('SIGINT', onSignal);
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  process.off('exit', onExit);
  await live?.stop();
  return code;
}
