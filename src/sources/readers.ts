/**
 * What runs each kind of source: the journalctl and dmesg run plans for the supervisor (backfill,
 * follow, resumption after a restart) and the reader of a saved input.
 */
import { openInput } from '../ingest/inputs.js';
import { dmesgArgs, journalctlArgs, journalCursor, type JournalQuery } from './commands.js';
import { DmesgResume } from './dmesg-resume.js';
import { LineScanner } from '../ingest/line-scanner.js';
import type { SourceCtl } from './source-ctl.js';
import type { ProcessSpec } from './supervisor.js';
import { waitForParser } from './wait-for-parser.js';

export interface Reader {
  start(): void;
  stop(): Promise<void>;
}

const JOURNAL_FIX = 'run with sudo, or: sudo usermod -aG systemd-journal $USER (then log in again)';
const DMESG_FIX = 'run with sudo (or: sudo sysctl kernel.dmesg_restrict=0)';

export function journalSpec(ctl: SourceCtl, file: string, env: NodeJS.ProcessEnv, base: Omit<JournalQuery, 'follow' | 'afterCursor'>, follow: boolean): ProcessSpec {
  let cursor: string | undefined;
  let backfilled = false;
  /** Lines passed over since the last one delivered (the cursor is only read from those). */
  let passed = 0;
  const flushPassed = () => {
    if (passed) ctl.skip(passed);
    passed = 0;
  };
  return {
    file,
    env,
    persistent: follow,
    // the journal keeps what journalctl has not sent yet: it waits rather than have lines dropped
    waits: true,
    // restarts resume after the last entry read: nothing lost, nothing repeated
    next: () =>
      !backfilled
        ? { args: journalctlArgs({ ...base, afterCursor: cursor, follow: false }), state: 'backfill', finite: true }
        : follow
          ? { args: journalctlArgs({ ...base, afterCursor: cursor, follow: true }), state: 'live', finite: false }
          : undefined,
    completed: () => {
      backfilled = true;
      flushPassed();
    },
    line: (l) => {
      const c = journalCursor(l);
      if (c) cursor = c;
      flushPassed();
      ctl.enqueue(l);
    },
    skip: (n) => {
      passed += n;
    },
    // a restart resumes after the last entry delivered: what was passed over after it comes again
    restarting: () => {
      passed = 0;
    },
    fixFor: (tail) =>
      tail.some((l) => /insufficient permissions|Permission denied/i.test(l))
        ? JOURNAL_FIX
        : tail.some((l) => /No such boot ID/i.test(l))
          ? 'the journal holds nothing from that boot: see journalctl --list-boots, or give --since'
          : undefined,
  };
}

export function dmesgSpec(ctl: SourceCtl, file: string, env: NodeJS.ProcessEnv, follow: boolean): ProcessSpec {
  const resume = new DmesgResume();
  let runs = 0;
  let completed = false;
  return {
    file,
    env,
    persistent: follow,
    next: () => (completed ? undefined : { args: dmesgArgs(follow), state: runs++ === 0 || !follow ? 'backfill' : 'live', finite: !follow }),
    completed: () => {
      completed = true;
    },
    restarting: () => resume.restart(),
    line: (l) => {
      if (resume.admit(l)) ctl.enqueue(l);
      else ctl.health.replayed = resume.replayed;
    },
    // what a restarted dmesg repeats is recognised by the stamps of the lines delivered: lines
    // passed over before the first new one are taken as repeated too (counted as replayed, once)
    skip: (n) => {
      if (!resume.replaying) ctl.skip(n);
      else ctl.health.replayed = resume.replayed += n;
    },
    fixFor: (tail) => (tail.some((l) => /not permitted|Permission denied/i.test(l)) ? DMESG_FIX : undefined),
  };
}

/** A saved file or stdin, read once at the pace the parser takes it. */
export function inputReader(ctl: SourceCtl, path: string, busy: () => boolean): Reader {
  let stopped = false;
  let stream: NodeJS.ReadableStream | undefined;
  return {
    start() {
      ctl.setState('backfill');
      void (async () => {
        const splitter = new LineScanner({ line: (l) => ctl.enqueue(l), skip: (n) => ctl.skip(n), endEvent: () => ctl.eventEnd() }, { filter: true });
        try {
          const s = await openInput(path);
          stream = s;
          for await (const chunk of s as AsyncIterable<Buffer>) {
            splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
            await waitForParser(busy, () => stopped);
            if (stopped) break;
          }
          splitter.end();
          ctl.setState('ended');
        } catch (err) {
          ctl.setState('failed', (err as Error).message);
          ctl.finish();
        }
      })();
    },
    async stop() {
      stopped = true;
      (stream as { destroy?: () => void } | undefined)?.destroy?.();
    },
  };
}
