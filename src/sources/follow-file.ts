/**
 * Follows a file by name, like `tail -F`: reads what is there (the backfill), then polls. Survives
 * rotation by rename (auditd's own: the old file stays open and its unread tail is read before the
 * new file) and copytruncate (the truncated file is noticed and the unread tail of the copy is read
 * from the rotated file, recognised by the bytes last read). Files do not lose data while we wait,
 * so the reader pauses when the queue is half full instead of dropping.
 */
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describeFsError } from '../ingest/inputs.js';
import { LineScanner } from '../ingest/line-scanner.js';
import type { SourceCtl } from './source-ctl.js';
import { waitForParser } from './wait-for-parser.js';

const CHUNK = 1 << 20;
const TAIL = 256;

export interface FollowOptions {
  follow: boolean;
  pollMs: number;
  /** Lines to the source (after splitting): with `skip`, only those that can matter. */
  line(line: string): void;
  /** Given: lines with nothing for the parser are passed over, and counted here. */
  skip?(count: number): void;
  /** A line of another audit event was passed over (with skip). */
  endEvent?(): void;
  /** Pauses reading while the consumer is behind. */
  busy(): boolean;
  /**
   * Backfill: first read the rotated files beside it (audit.log.1 ...) last written at or after
   * this time (epoch ms), oldest first: auditd rotates by size, so during a flood this boot's
   * earlier records are already there.
   */
  rotatedSince?: number;
}

export class FileFollower {
  /** Rotations seen, by kind (shown in the health note). */
  rotations = { renamed: 0, truncated: 0, recovered: 0 };
  private fh: FileHandle | undefined;
  private ino = -1;
  private offset = 0;
  /** The last bytes read, to recognise this file's copy after copytruncate. */
  private tail = Buffer.alloc(0);
  private stopped = false;
  /** --no-follow: read to the end once. */
  private ended = false;
  private timer: NodeJS.Timeout | undefined;
  private splitter: LineScanner;
  private running: Promise<void> | undefined;

  constructor(
    private readonly path: string,
    private readonly ctl: SourceCtl,
    private readonly opts: FollowOptions,
  ) {
    this.splitter = new LineScanner({ line: (l) => opts.line(l), skip: opts.skip && ((n) => opts.skip!(n)), endEvent: () => opts.endEvent?.() }, { filter: !!opts.skip });
  }

  start(): void {
    this.ctl.setState('backfill');
    this.running = (this.opts.rotatedSince !== undefined ? this.readRotated(this.opts.rotatedSince) : Promise.resolve()).then(() => this.cycle());
  }

  /** Rotated siblings (not compressed) written since `since`, oldest first. */
  private async rotatedFiles(since: number): Promise<string[]> {
    const dir = dirname(this.path);
    const base = basename(this.path);
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => /^\.\d+$|^-\d{8,10}$/.test(n.slice(base.length)) && n.startsWith(base));
    } catch {
      return [];
    }
    const found: { p: string; mtime: number }[] = [];
    for (const n of names) {
      try {
        const st = await stat(join(dir, n));
        if (st.isFile() && st.mtimeMs >= since) found.push({ p: join(dir, n), mtime: st.mtimeMs });
      } catch {
        // vanished
      }
    }
    return found.sort((a, b) => a.mtime - b.mtime).map((f) => f.p);
  }

  private async readRotated(since: number): Promise<void> {
    for (const p of await this.rotatedFiles(since)) {
      if (this.stopped) return;
      let fh: FileHandle | undefined;
      try {
        fh = await open(p, 'r');
        this.offset = 0;
        await this.drain(fh);
        this.splitter.end();
      } catch {
        // unreadable or gone: the current file is what matters
      } finally {
        await fh?.close().catch(() => undefined);
      }
    }
    this.offset = 0;
    this.tail = Buffer.alloc(0);
  }

  private schedule(): void {
    if (this.stopped || this.ended) return;
    this.timer = setTimeout(() => {
      this.running = this.cycle();
    }, this.opts.pollMs);
  }

  private waitForRoom(): Promise<void> {
    return waitForParser(this.opts.busy, () => this.stopped);
  }

  /**
   * Reads from the open file, from offset to its end. `live`: the followed file itself, which can
   * be truncated and rewritten while a read is under way; each chunk is only taken when the bytes
   * before it are still the ones last read afterwards. Returns false when they are not (truncated).
   */
  private async drain(fh: FileHandle, live = false): Promise<boolean> {
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      await this.waitForRoom();
      if (this.stopped) return true;
      const { bytesRead } = await fh.read(buf, 0, CHUNK, this.offset);
      if (bytesRead <= 0) return true;
      if (live && !(await this.tailMatches(fh, this.offset))) return false;
      this.offset += bytesRead;
      const chunk = buf.subarray(0, bytesRead);
      this.remember(chunk);
      this.splitter.push(Buffer.from(chunk));
    }
  }

  /** Truncated in place (copytruncate), maybe already written again. */
  private async truncated(): Promise<void> {
    // the copy continues the same byte stream, so a half-read line is completed from it
    this.rotations.truncated++;
    await this.recoverFromCopy();
    this.splitter.end();
    this.offset = 0;
    this.tail = Buffer.alloc(0);
    this.ctl.health.note = this.note();
  }

  private remember(chunk: Buffer): void {
    this.tail = chunk.length >= TAIL ? Buffer.from(chunk.subarray(chunk.length - TAIL)) : Buffer.concat([this.tail, chunk]).subarray(-TAIL);
  }

  /** Whether the bytes before `offset` in `fh` are the ones last read (the same content). */
  private async tailMatches(fh: FileHandle, size: number): Promise<boolean> {
    if (this.tail.length === 0) return true;
    if (size < this.offset) return false;
    const b = Buffer.alloc(this.tail.length);
    const { bytesRead } = await fh.read(b, 0, b.length, this.offset - this.tail.length);
    return bytesRead === b.length && b.equals(this.tail);
  }

  private async openCurrent(): Promise<boolean> {
    try {
      const fh = await open(this.path, 'r');
      const st = await fh.stat();
      this.fh = fh;
      this.ino = st.ino;
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = describeFsError(this.path, err);
      if (!this.opts.follow) {
        this.ended = true;
        this.ctl.setState('failed', why);
        this.ctl.finish();
      } else if (code === 'ENOENT') this.ctl.setState('restarting', `${why} (waiting for it to appear)`);
      else this.ctl.setState('failed', why, code === 'EACCES' ? 'run with sudo (or set log_group in /etc/audit/auditd.conf and join that group)' : undefined);
      return false;
    }
  }

  /** After copytruncate: read the copy's part we had not read yet (it sits beside the file). */
  private async recoverFromCopy(): Promise<void> {
    const dir = dirname(this.path);
    const base = basename(this.path);
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => (n.startsWith(`${base}.`) || n.startsWith(`${base}-`)) && !n.endsWith('.gz') && !n.endsWith('.xz') && !n.endsWith('.zst'));
    } catch {
      return;
    }
    const cands: { p: string; mtime: number }[] = [];
    for (const n of names) {
      try {
        const st = await stat(join(dir, n));
        if (st.isFile() && st.size >= this.offset) cands.push({ p: join(dir, n), mtime: st.mtimeMs });
      } catch {
        // vanished
      }
    }
    cands.sort((a, b) => b.mtime - a.mtime);
    for (const c of cands.slice(0, 3)) {
      let fh: FileHandle | undefined;
      try {
        fh = await open(c.p, 'r');
        const st = await fh.stat();
        if (await this.tailMatches(fh, st.size)) {
          if (st.size > this.offset) this.rotations.recovered++;
          await this.drain(fh);
          return;
        }
      } catch {
        // unreadable: try the next
      } finally {
        await fh?.close();
      }
    }
  }

  private async cycle(): Promise<void> {
    try {
      if (this.stopped) return;
      if (!this.fh) {
        if (!(await this.openCurrent())) return;
        if (this.ctl.health.state !== 'backfill') this.ctl.setState(this.opts.follow ? 'live' : 'backfill');
      }
      const fh = this.fh!;
      let st;
      try {
        st = await stat(this.path);
      } catch {
        st = undefined; // renamed away, the new one not there yet: finish the old file meanwhile
      }
      if (st && st.ino !== this.ino) {
        // rotated by rename: the rest of the old file first, then the new file from its start
        await this.drain(fh);
        this.splitter.end();
        await fh.close();
        this.fh = undefined;
        this.rotations.renamed++;
        this.offset = 0;
        this.tail = Buffer.alloc(0);
        this.ctl.health.note = this.note();
        if (!(await this.openCurrent())) return;
        if (this.opts.follow) this.ctl.setState('live');
      } else if (st && !(await this.tailMatches(fh, st.size))) {
        await this.truncated();
      }
      if (this.fh && !(await this.drain(this.fh, true))) {
        // truncated while it was being read: what was just read is not taken
        await this.truncated();
        await this.drain(this.fh, true);
      }
      if (this.ctl.health.state === 'backfill') {
        if (!this.opts.follow) {
          this.splitter.end();
          this.ended = true;
          this.ctl.setState('ended');
          await this.close();
          return;
        }
        this.ctl.setState('live');
      } else if (this.ctl.health.state === 'restarting' || this.ctl.health.state === 'failed') this.ctl.setState('live');
    } catch (err) {
      this.ctl.setState('restarting', describeFsError(this.path, err));
      await this.close();
    } finally {
      this.schedule();
    }
  }

  private note(): string {
    const r = this.rotations;
    return `rotations followed: ${r.renamed} renamed, ${r.truncated} truncated (${r.recovered} tails read from the copy)`;
  }

  private async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    this.splitter.end();
    await this.close();
  }
}
