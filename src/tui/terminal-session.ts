/**
 * The terminal while the view owns it: the alternate screen on, and every way out restoring it
 * (quit, Ctrl-C, SIGTERM, SIGHUP from a dropped SSH link, an uncaught exception, process exit);
 * redraw and resize; Ctrl-Z, which gives the terminal back to the shell until `fg`. I/O edge:
 * writes the terminal, installs and removes the process handlers.
 */
import type { Instance } from 'ink';
import { CLEAR_SCREEN, ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN, suspendBlocker, tellLauncher } from './terminal.js';

export interface TerminalSession {
  /** Resolves with the exit code once the view is left (by any way). */
  done: Promise<number>;
  quit(code: number): void;
  /** Restores the terminal (idempotent). */
  restore(): void;
  /** The Ink instance to unmount on restore. */
  attach(instance: Instance): void;
  /** A blank frame, then the full one: Ink only rewrites lines it thinks changed. */
  redraw(): void;
  /**
   * Restores the terminal and stops the program's process group, as Ctrl-Z does to a program
   * that does not read keys raw; the shell then has the terminal. SIGCONT (`fg`) takes it back
   * and redraws. What stood in the way, when it did not stop.
   */
  suspend(): string | undefined;
  /** Runs `f` every `ms` while the session lasts; the function returned stops it sooner. */
  every(ms: number, f: () => void): () => void;
  /** Removes every handler and timer this session installed. */
  close(): void;
}

export interface TerminalOptions {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  onBlank(blank: boolean): void;
  onResize(): void;
  /** Why no shell can take the terminal (terminal.ts suspendBlocker), and how to stop: the tests' stand-ins. */
  suspendBlocker?: () => string | undefined;
  stop?: () => void;
}

export function openTerminal(o: TerminalOptions): TerminalSession {
  const { stdin, stdout, env } = o;
  let restored = false;
  let suspended = false;
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
  const redraw = () => {
    stdout.write(CLEAR_SCREEN);
    o.onBlank(true);
    setTimeout(() => o.onBlank(false), 30);
  };
  const onResize = () => {
    o.onResize();
    redraw();
  };
  const setRaw = (raw: boolean) => {
    try {
      if (stdin.isTTY) stdin.setRawMode(raw);
    } catch {
      // stdin may already be closed (dropped SSH)
    }
  };
  // Back from the shell: raw mode first, so a program continued in the background (bg) is
  // stopped again by the terminal there, before it draws over the shell's screen.
  const onContinue = () => {
    if (!suspended) return;
    suspended = false;
    if (restored) return;
    setRaw(true);
    if (stdout === process.stdout) tellLauncher('taken', env);
    stdout.write(ENTER_ALT_SCREEN);
    o.onResize();
    redraw();
  };
  const suspend = (): string | undefined => {
    if (restored || suspended) return undefined;
    const blocker = (o.suspendBlocker ?? suspendBlocker)();
    if (blocker !== undefined) return blocker;
    suspended = true;
    setRaw(false);
    stdout.write(LEAVE_ALT_SCREEN);
    if (stdout === process.stdout) tellLauncher('restored', env);
    // the group stops, the launcher (bin/aa-triage) with it; the sources' commands lead groups of
    // their own and go on, each waiting once its pipe is full (as under a view too slow to read)
    try {
      (o.stop ?? (() => process.kill(0, 'SIGTSTP')))();
    } catch (err) {
      onContinue();
      return `Ctrl-Z: the view could not stop (${(err as Error).message}); q quits`;
    }
    return undefined;
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('SIGINT', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  process.on('exit', onExit);
  process.on('SIGCONT', onContinue);
  if (stdout === process.stdout) tellLauncher('taken', env);
  stdout.write(ENTER_ALT_SCREEN);
  stdout.on('resize', onResize);
  const timers = new Set<NodeJS.Timeout>();
  return {
    done,
    quit,
    restore,
    attach: (i) => (instance = i),
    redraw,
    suspend,
    every: (ms, f) => {
      const t = setInterval(f, ms);
      timers.add(t);
      return () => (clearInterval(t), timers.delete(t));
    },
    close: () => {
      timers.forEach((t) => clearInterval(t));
      stdout.off('resize', onResize);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
      process.off('SIGINT', onSignal);
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
      process.off('exit', onExit);
      process.off('SIGCONT', onContinue);
    },
  };
}
