/**
 * The interactive runner: everything with side effects around the pure view, put together. The
 * terminal (terminal-session.ts), the store flushed into the view (view-feed.ts), the profile facts
 * and the action journal read again while running (facts-source.ts, journal-poll.ts), and the
 * records from the live sources or the saved inputs (record-intake.ts).
 */
import React from 'react';
import { render } from 'ink';
import { hostname } from 'node:os';
import { DenialStore } from './denial-store.js';
import { TimelineBuilder } from '../timeline/builder.js';
import { wireActions } from './actions/wire.js';
import { App } from './app.js';
import { themeFor } from './theme.js';
import { terminalSize } from './terminal.js';
import { FACTS_REFRESH_MS, FactsSource } from './facts-source.js';
import { JOURNAL_POLL_MS, journalReader } from './journal-poll.js';
import { startIntake } from './record-intake.js';
import { openTerminal } from './terminal-session.js';
import type { HeapControl, TuiOptions } from './tui-options.js';
import { ViewFeed } from './view-feed.js';
import { IDLE_TICK_MS, IdleCompaction, type IdleCompactionLimits } from './idle-compaction.js';

export type { HeapControl, TuiOptions, TuiSettings } from './tui-options.js';

/** How often the store is flushed into the view (ms): a few times a second is enough to read. */
export const FLUSH_MS = 200;

export async function runTui(opts: TuiOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  const env = opts.env ?? process.env;
  const store = new DenialStore();
  // every record also goes through the timeline's incident builder (bounded memory): the timeline
  // screen numbers incidents as `aa-triage timeline` does over the whole input, not over the
  // store's window of recent records
  const story = new TimelineBuilder();
  // saved logs from another host say nothing about this host's profiles unless asked (the command decides)
  const facts = new FactsSource(opts.settings.loadedFrom);
  await facts.start(opts.profileFiles);
  const journal = opts.settings.journalPath;
  const readActions = journalReader(journal, store);
  const feed = new ViewFeed({
    store,
    story,
    facts,
    mode: opts.mode,
    utc: opts.settings.utc,
    tz: opts.settings.tz,
    bell: opts.settings.bell,
    stdout,
    size: terminalSize(stdout, env),
    host: opts.mode === 'live' ? hostname() : undefined,
  });
  const refreshFacts = async () => {
    if (await facts.refresh()) feed.flush(true);
  };
  // After an action the journal is re-read at once, so the action log shows it without waiting,
  // and so are the kernel's profile modes, so no screen shows the mode from before the action.
  const actions = wireActions({ settings: opts.settings, mode: opts.mode, journal, env, onJournal: () => void Promise.all([readActions(), refreshFacts()]), groups: () => store.snapshot().groups });

  // Enter the full-screen view; from here on every exit path must restore the terminal.
  const term = openTerminal({
    stdin,
    stdout,
    env,
    onBlank: (blank) => {
      feed.blank = blank;
      feed.set();
    },
    onResize: () => (feed.size = terminalSize(stdout, env)),
  });
  const onPause = () => {
    store.setPaused(!store.isPaused);
    feed.flush(true);
  };
  const controller = actions.controller;
  const instance = render(
    <App
      feed={feed}
      mode={opts.mode}
      facts={facts.facts}
      theme={themeFor(opts.settings.color)}
      utc={opts.settings.utc}
      tz={opts.settings.tz}
      journal={journal}
      helpNote={actions.helpNote}
      actions={controller}
      onAction={controller ? (verb, target) => void controller.open(verb, target) : undefined}
      exportIo={{ write: (s) => void stdout.write(s), env }}
      onQuit={() => term.quit(0)}
      onRedraw={term.redraw}
      onSuspend={term.suspend}
      onPause={onPause}
    />,
    // Data reaches the view every FLUSH_MS at most; the frame cap only delays what a key changes,
    // so it is high: at 10 fps a key waited up to 100 ms for its frame under a flood.
    { stdout, stdin, exitOnCtrlC: false, patchConsole: false, maxFps: 60 },
  );
  term.attach(instance);
  term.every(FLUSH_MS, () => feed.flush());
  const stopIdle = opts.heap ? compactWhenIdle(opts.heap, store, stdin, term.every) : undefined;
  await readActions();
  if (!opts.demo) term.every(JOURNAL_POLL_MS, () => void readActions());
  term.every(FACTS_REFRESH_MS, () => void refreshFacts());

  const live = await startIntake(
    store,
    story,
    {
      inputs: opts.inputs,
      startLive: opts.mode === 'live' ? opts.startLive : undefined,
      clock: opts.settings.clock,
      window: opts.window,
      enrich: opts.enrich,
      onHost: (h) => (feed.host ??= h),
      // the kernel's STATUS record of an action confirms it in the result dialog
      observe: (r) => controller?.observe(r),
      onReplayed: () => feed.flush(true),
      poll: (ms, f) => {
        const stop = term.every(ms, () => void (f() && stop()));
      },
    },
    FLUSH_MS,
  );

  // Ink unmounts by itself when a component throws: that is a crash, not a hang.
  instance.waitUntilExit().then(
    () => term.quit(0),
    (err: unknown) => {
      term.restore();
      process.stderr.write(`aa-triage: internal error in the view: ${(err as Error)?.stack ?? String(err)}\n`);
      term.quit(1);
    },
  );
  const code = await term.done;
  term.close();
  stopIdle?.();
  await live?.stop();
  return code;
}

/**
 * Gives the heap back in steps when nobody types and the records stopped or a period passed
 * (idle-compaction.ts): at most one step a tick, and a key stops the run; the function returned
 * stops it all.
 */
export function compactWhenIdle(
  heap: HeapControl,
  store: Pick<DenialStore, 'taken'>,
  stdin: Pick<NodeJS.ReadStream, 'on' | 'off'>,
  every: (ms: number, f: () => void) => () => void,
  limits?: IdleCompactionLimits,
): () => void {
  const idle = new IdleCompaction(Date.now(), limits);
  // 'readable' is how the terminal hands Ink its keys; listening to it takes nothing from Ink
  const onKey = () => idle.key(Date.now());
  stdin.on('readable', onKey);
  const stop = every(IDLE_TICK_MS, () => {
    const step = idle.due(Date.now(), store.taken, heap.held());
    if (step < 0) return;
    const before = heap.held();
    heap.compact(step);
    idle.stepped(step, Date.now(), store.taken, before, heap.held());
  });
  return () => {
    stop();
    stdin.off('readable', onKey);
  };
}
