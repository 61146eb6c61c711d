/**
 * A terminal in memory for the TUI measures (bench/tui-flood.tsx, bench/tui-replay.tsx): Ink
 * writes whole frames into FakeStdout, keys go in through FakeStdin the way a TTY delivers them,
 * and `nextFrame` waits for the first frame that shows something.
 */
import { EventEmitter } from 'node:events';

/** Ink's output: each write is a frame; the last one is kept and watchers are told. */
export class FakeStdout extends EventEmitter {
  readonly isTTY = true;
  frames = 0;
  last = '';
  watchers: ((chunk: string) => void)[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write(chunk: string | Uint8Array): boolean {
    const s = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    this.frames++;
    this.last = s;
    for (const w of [...this.watchers]) w(s);
    return true;
  }
  getColorDepth(): number {
    return 8;
  }
  hasColors(): boolean {
    return true;
  }
}

/** Keys typed into Ink the way a TTY delivers them ('readable' then read()). */
export class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  private queued: string | null = null;
  press(s: string): void {
    this.queued = s;
    this.emit('readable');
    this.emit('data', s);
  }
  read(): string | null {
    const q = this.queued;
    this.queued = null;
    return q;
  }
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

/** Resolves with the time (performance.now) of the first frame for which `test` holds, or rejects after `ms`. */
export function nextFrame(stdout: FakeStdout, test: (frame: string) => boolean, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stdout.watchers = stdout.watchers.filter((w) => w !== watch);
      reject(new Error(`no matching frame within ${ms} ms`));
    }, ms);
    const watch = (chunk: string) => {
      if (!test(chunk)) return;
      clearTimeout(timer);
      stdout.watchers = stdout.watchers.filter((w) => w !== watch);
      resolve(performance.now());
    };
    stdout.watchers.push(watch);
  });
}

/** What the view's frames hold: its hint bar, and the help overlay's closing line. */
export const FRAME_MARK = '? help';
export const HELP_MARK = 'closes this help';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Opens and closes the help overlay with `?` at an operator's pace (not in lock-step with the
 * view's flush timer) until `done()`, and leaves it closed; each key's latency, from the key to
 * the first frame that shows its effect, goes into `latencies`.
 */
export async function toggleHelp(stdin: FakeStdin, stdout: FakeStdout, done: () => boolean, latencies: number[]): Promise<void> {
  let open: boolean = false;
  while (!done()) {
    const want: boolean = !open;
    const shown = nextFrame(stdout, (f) => (want ? f.includes(HELP_MARK) : f.includes(FRAME_MARK) && !f.includes(HELP_MARK)), 5000);
    const k0 = performance.now();
    stdin.press('?');
    latencies.push((await shown) - k0);
    open = want;
    await sleep(150 + (latencies.length % 5) * 60);
  }
  if (open) {
    const shown = nextFrame(stdout, (f) => !f.includes(HELP_MARK), 5000);
    stdin.press('?');
    await shown;
  }
}

/** Quits the view with `q`: the runner's exit code, or 'timeout' when it did not end within 3 s. */
export async function quitView(stdin: FakeStdin, stdout: FakeStdout, running: Promise<number>): Promise<number | 'timeout'> {
  const quitAt = nextFrame(stdout, () => true, 2000).catch(() => 0);
  stdin.press('q');
  await quitAt;
  return Promise.race([running, sleep(3000).then(() => 'timeout' as const)]);
}
