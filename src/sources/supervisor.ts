/**
 * Runs a source's subprocess and keeps it running: a process that dies is restarted with
 * exponential backoff, its stderr is kept, and its health says what is happening (live,
 * restarting: why, failed: why). Each child runs in its own process group so stopping kills it and
 * anything it started; an exit hook kills them even when the program exits without stopping.
 */
import { execa, type ResultPromise } from 'execa';
import { LineScanner } from '../ingest/line-scanner.js';
import type { SourceCtl } from './source-ctl.js';
import type { Tuning } from './types.js';
import { waitForParser } from './wait-for-parser.js';

export interface RunPlan {
  args: string[];
  state: 'backfill' | 'live';
  /** A run that ends by itself when done (a backfill, --no-follow): exit 0 means complete. */
  finite: boolean;
}

export interface ProcessSpec {
  file: string;
  env: NodeJS.ProcessEnv;
  /** Following: never give up (a failed source retries at the backoff cap); otherwise give up after failAfter. */
  persistent: boolean;
  /** What to run now; undefined: nothing more (the source has ended). */
  next(): RunPlan | undefined;
  /** A finite run exited 0. */
  completed(plan: RunPlan): void;
  /** A new process starts after a failure. */
  restarting?(): void;
  /**
   * The command's output may wait while the view catches up: its pipe is left unread (the command
   * then waits on it) instead of its lines being dropped. Right for journalctl, whose journal
   * keeps what it has not sent; not for dmesg, which would fall behind the kernel's ring buffer
   * and lose records there uncounted, where a dropped line is counted.
   */
  waits?: boolean;
  /** Each stdout line that can matter, in order. */
  line(line: string): void;
  /** `count` stdout lines passed over: nothing in them for the parser. */
  skip(count: number): void;
  /** Optional: the first/last hint for a failure (e.g. journalctl's permission message) -> fix. */
  fixFor?(stderr: string[]): string | undefined;
}

const live = new Set<number>();
let hooked = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // the child leads its own group (detached): the negative pid reaches it and its children
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Last resort: the program is exiting (process.exit, uncaught error) with children still running. */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const pid of live) killGroup(pid, 'SIGKILL');
  });
}

export function describeExit(r: { exitCode?: number; signal?: string; code?: string; originalMessage?: string }, file: string, stderrTail: string[]): string {
  const name = file.slice(file.lastIndexOf('/') + 1);
  if (r.code === 'ENOENT') return `${name}: not found`;
  if (r.code === 'EACCES') return `${name}: permission denied`;
  const last = stderrTail.length ? `: ${stderrTail[stderrTail.length - 1]}` : '';
  if (r.signal) return `${name} was killed by ${r.signal}${last}`;
  if (r.exitCode !== undefined) return r.exitCode === 0 ? `${name} exited${last}` : `${name} exited with status ${r.exitCode}${last}`;
  return `${name} failed: ${r.originalMessage ?? 'unknown error'}`;
}

export class Supervisor {
  private child: ResultPromise | undefined;
  private stopped = false;
  private wakeSleep: (() => void) | undefined;
  private loopDone: Promise<void> | undefined;

  constructor(
    private readonly ctl: SourceCtl,
    private readonly spec: ProcessSpec,
    private readonly tuning: Tuning,
    /** Whether the parser is behind (the session's queues half full): a spec that waits pauses then. */
    private readonly busy: () => boolean = () => false,
  ) {
    hookExit();
  }

  start(): void {
    this.loopDone = this.loop();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wakeSleep = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private async loop(): Promise<void> {
    let failures = 0;
    for (;;) {
      if (this.stopped) return;
      const plan = this.spec.next();
      if (!plan) {
        this.ctl.setState('ended');
        return;
      }
      if (this.ctl.health.state !== 'restarting' && this.ctl.health.state !== 'failed') this.ctl.setState(plan.state);
      const startedAt = Date.now();
      const stderrBefore = this.ctl.stderrLines;
      const r = await this.run(plan);
      if (this.stopped) return;
      const ok = r.exitCode === 0 && !r.signal && !r.code;
      if (ok && plan.finite) {
        failures = 0;
        this.spec.completed(plan);
        continue;
      }
      // a follower never ends by itself: exit 0 is a failure too
      if (Date.now() - startedAt >= this.tuning.healthyAfterMs) failures = 0;
      failures++;
      // only what this run wrote explains this exit
      const tail = this.ctl.health.stderrTail;
      const ours = tail.slice(tail.length - Math.min(tail.length, this.ctl.stderrLines - stderrBefore));
      const reason = describeExit(r, this.spec.file, ours);
      const fix = this.spec.fixFor?.(ours);
      const givingUp = !this.spec.persistent && failures >= this.tuning.failAfter;
      if (givingUp) {
        this.ctl.setState('failed', reason, fix);
        this.ctl.finish();
        return;
      }
      const delay = Math.min(this.tuning.backoffMs * 2 ** (failures - 1), this.tuning.backoffMaxMs);
      if (failures >= this.tuning.failAfter) this.ctl.setState('failed', `${reason} (retrying every ${Math.round(delay / 1000)} s)`, fix);
      else this.ctl.setState('restarting', `${reason} (restart ${failures} in ${delay} ms)`, fix);
      await this.sleep(delay);
      if (this.stopped) return;
      this.ctl.restarted();
      this.spec.restarting?.();
    }
  }

  private async run(plan: RunPlan): Promise<{ exitCode?: number; signal?: string; code?: string; originalMessage?: string }> {
    const child = execa(this.spec.file, plan.args, {
      env: this.spec.env,
      extendEnv: false,
      stdin: 'ignore',
      buffer: false,
      reject: false,
      detached: true,
      cleanup: false,
      stripFinalNewline: false,
    });
    this.child = child;
    const pid = child.pid;
    if (pid !== undefined) live.add(pid);
    const wasRestart = this.ctl.health.state === 'restarting' || this.ctl.health.state === 'failed';
    let firstOutput = true;
    const out = new LineScanner({ line: (l) => this.spec.line(l), skip: (n) => this.spec.skip(n), endEvent: () => this.ctl.eventEnd() }, { filter: true });
    const err = new LineScanner({ line: (l) => this.ctl.stderr(l) }, { max: 4096 });
    const stdout = child.stdout;
    let waiting = false;
    stdout?.on('data', (b: Buffer) => {
      if (firstOutput && wasRestart) this.ctl.setState(plan.state);
      firstOutput = false;
      out.push(b);
      if (this.spec.waits && !waiting && this.busy()) {
        waiting = true;
        stdout.pause();
        void waitForParser(this.busy, () => this.stopped).then(() => {
          waiting = false;
          stdout.resume();
        });
      }
    });
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    // a restarted process that runs quietly for a while is healthy again
    const calm = wasRestart ? setTimeout(() => this.ctl.setState(plan.state), Math.min(this.tuning.healthyAfterMs, 2000)) : undefined;
    const r = (await child) as { exitCode?: number; signal?: string; code?: string; originalMessage?: string };
    if (calm) clearTimeout(calm);
    if (pid !== undefined) {
      live.delete(pid);
      // the leader is gone; anything it left in its group goes too
      if (!this.stopped) killGroup(pid, 'SIGKILL');
    }
    out.end();
    err.end();
    this.child = undefined;
    return r;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeSleep?.();
    const child = this.child;
    if (child?.pid !== undefined) {
      const pid = child.pid;
      killGroup(pid, 'SIGTERM');
      const t = setTimeout(() => killGroup(pid, 'SIGKILL'), 2000);
      await child.catch(() => undefined);
      clearTimeout(t);
      killGroup(pid, 'SIGKILL');
      live.delete(pid);
    }
    await this.loopDone;
  }
}
