/**
 * Runs a plan's commands with execa: argument arrays (never a shell), a timeout, stdin closed (or
 * the text the plan gives them), stdout and stderr captured, the C locale so the tools' messages
 * are the ones we know. Stops at the first step that exits non-zero, times out or cannot start.
 * I/O edge.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { StepResult } from './verify.js';

export interface RunOptions {
  timeoutMs: number;
  /** PATH and the rest of the environment the commands see (tests put fake tools first on PATH). */
  env?: NodeJS.ProcessEnv;
  /** What the commands read on standard input (a profile's part of its file); else none. */
  input?: string;
}

/** apparmor_parser compiles the whole file: large profiles on a slow host take tens of seconds. */
export const DEFAULT_TIMEOUT_MS = 60_000;

export async function runStep(argv: string[], opts: RunOptions): Promise<StepResult> {
  const [cmd, ...args] = argv;
  const r = await execa(cmd, args, {
    reject: false,
    timeout: opts.timeoutMs,
    // SIGTERM first (aa-complain rewrites the profile file: let it die cleanly), SIGKILL 5 s later
    killSignal: 'SIGTERM',
    forceKillAfterDelay: 5000,
    ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' as const }),
    shell: false,
    env: { ...(opts.env ?? process.env), LC_ALL: 'C' },
    extendEnv: false,
    maxBuffer: 1_000_000,
    stripFinalNewline: true,
  });
  const out = (x: unknown) => (typeof x === 'string' ? x : '');
  const startError = r.failed && r.exitCode === undefined && !r.timedOut ? (r.originalMessage ?? r.shortMessage) : undefined;
  return { argv, exitCode: r.exitCode ?? null, stdout: out(r.stdout), stderr: out(r.stderr), timedOut: !!r.timedOut, startError };
}

export async function runSteps(steps: string[][], opts: RunOptions): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const argv of steps) {
    const r = await runStep(argv, opts);
    results.push(r);
    if (r.exitCode !== 0) break;
  }
  return results;
}

/** Whether `name` is an executable file on the PATH of `env` (apparmor-utils is often absent on servers). */
export function hasCommand(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  for (const dir of (env.PATH ?? '').split(':')) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      if (statSync(join(dir, name)).isFile()) return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}
