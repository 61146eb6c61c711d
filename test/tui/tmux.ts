// Drives the real program in a real terminal: a private tmux server (its own socket), keys sent
// with send-keys, screens read with capture-pane. Used by the whole-program tests and by
// scripts/screenshots.
import { execFileSync } from 'node:child_process';

export class Tmux {
  readonly socket = `aa-triage-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  constructor(readonly session = 't') {}

  run(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  }

  /** Starts `argv` in a fresh session of the given size; the pane stays after the program exits. */
  start(argv: string[], size: { columns: number; rows: number }, env: Record<string, string> = {}): void {
    const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const envs = Object.entries(env)
      .map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'`)
      .join(' ');
    // The trailer shows the exit status once the program has restored the terminal.
    // CI markers make Ink draw only the last frame (and aa-triage then stays non-interactive).
    this.run(
      'new-session',
      '-d',
      '-s',
      this.session,
      '-x',
      String(size.columns),
      '-y',
      String(size.rows),
      `env -u CI -u CONTINUOUS_INTEGRATION ${envs} TERM=xterm-256color ${quoted}; echo "EXITED rc=$?"; sleep 120`,
    );
    this.run('set-option', '-t', this.session, 'window-size', 'manual');
  }

  keys(...keys: string[]): void {
    this.run('send-keys', '-t', this.session, ...keys);
  }

  /** Literal text (no key-name lookup). */
  text(s: string): void {
    this.run('send-keys', '-t', this.session, '-l', s);
  }

  screen(colours = false): string {
    return this.run('capture-pane', '-p', ...(colours ? ['-e'] : []), '-t', this.session);
  }

  value(format: string): string {
    return this.run('display-message', '-p', '-t', this.session, format).trim();
  }

  resize(columns: number, rows: number): void {
    this.run('resize-window', '-t', this.session, '-x', String(columns), '-y', String(rows));
  }

  /** Polls the screen until `cond` holds; throws with the last screen after `ms`. */
  async waitFor(cond: (screen: string) => boolean, what: string, ms = 30_000): Promise<string> {
    const end = Date.now() + ms;
    let last = '';
    for (;;) {
      last = this.screen();
      if (cond(last)) return last;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; screen:\n${last}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  kill(): void {
    try {
      this.run('kill-server');
    } catch {
      // already gone
    }
  }
}
