/**
 * The terminal itself: its size (a pty may report 0 columns: fall back to $COLUMNS/$LINES, then
 * 80x24), entering the alternate screen, and restoring everything on every way out.
 */
import { readFileSync, writeSync } from 'node:fs';
import type { TerminalSize } from './app.js';

export const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H\x1b[2J\x1b[?25l';
export const LEAVE_ALT_SCREEN = '\x1b[0m\x1b[?25h\x1b[?1049l';
export const CLEAR_SCREEN = '\x1b[H\x1b[2J';
export const BELL = '\x07';

/**
 * Tells the launcher (bin/aa-triage, which started this process on a terminal and outlives it)
 * whether the terminal is taken: if this process dies holding it (kill -9, out of memory), the
 * launcher restores it.
 */
export function tellLauncher(state: 'taken' | 'restored', env: NodeJS.ProcessEnv = process.env): void {
  const fd = Number(env.AA_TRIAGE_TERMINAL_FD);
  if (!Number.isInteger(fd) || fd < 3) return;
  try {
    writeSync(fd, `${state}\n`);
  } catch {
    // the launcher is gone: nobody to tell
  }
}

function positive(n: unknown): number | undefined {
  const v = typeof n === 'string' ? Number(n) : n;
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

export function terminalSize(stream: { columns?: number; rows?: number }, env: NodeJS.ProcessEnv = process.env): TerminalSize {
  return {
    columns: positive(stream.columns) ?? positive(env.COLUMNS) ?? 80,
    rows: positive(stream.rows) ?? positive(env.LINES) ?? 24,
  };
}

/**
 * Why Ctrl-Z cannot give the terminal to a shell, or undefined when it can. A shell with job
 * control runs each command line in a process group of its own, apart from the session it leads;
 * a process in its session's own group (started by `ssh -t host aa-triage`, a terminal
 * multiplexer's command, a script without job control) has no such shell, and the kernel ignores
 * a stop signal sent there: the view would have left the screen with nobody to bring it back.
 * Read from /proc/self/stat: the process group and the session follow the command name.
 */
export function suspendBlocker(readStat: () => string | undefined = readProcStat): string | undefined {
  const stat = readStat();
  if (stat === undefined) return 'Ctrl-Z: cannot tell whether a shell can take the terminal (no /proc/self/stat); q quits';
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const group = Number(f[2]);
  const session = Number(f[3]);
  if (!Number.isInteger(group) || !Number.isInteger(session)) return 'Ctrl-Z: cannot tell whether a shell can take the terminal; q quits';
  if (group === session) return 'Ctrl-Z: no shell with job control started aa-triage here, so none can take the terminal; q quits';
  return undefined;
}

function readProcStat(): string | undefined {
  try {
    return readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return undefined;
  }
}
