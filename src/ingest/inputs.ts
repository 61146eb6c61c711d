/**
 * Opening saved evidence: files (plain or gzip, recognised by their magic bytes, not their name)
 * and stdin (`-`). I/O edge; errors become InputError with a sentence a user can act on.
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

export class InputError extends Error {}

export function describeFsError(path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return `${path}: no such file`;
  if (code === 'EACCES' || code === 'EPERM') return `${path}: permission denied (try sudo, or a group that may read it, such as adm)`;
  if (code === 'EISDIR') return `${path}: is a directory (for a copied journal use --journal-dir)`;
  return `${path}: ${(err as Error)?.message ?? String(err)}`;
}

/** Paths that name this process's own stdin: read as `-` (a socket or terminal cannot be opened by path). */
const STDIN_PATHS = new Set(['-', '/dev/stdin', '/proc/self/fd/0', '/dev/fd/0']);

/**
 * Opens one input as a byte stream, gunzipping when it starts with the gzip magic. A regular file is
 * sniffed with a positioned read; a pipe (`<(zcat f.gz)`, a named pipe) cannot seek, so its first
 * chunk is peeked at instead, from the one descriptor opened (closing it would lose what the
 * writer already put in the pipe).
 */
export async function openInput(path: string): Promise<Readable> {
  if (STDIN_PATHS.has(path)) return gunzipIfNeeded(process.stdin);
  let fh: FileHandle | undefined;
  let gz = false;
  let regular = false;
  try {
    fh = await open(path, 'r');
    const st = await fh.stat();
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    regular = st.isFile();
    if (regular) {
      const head = Buffer.alloc(2);
      await fh.read(head, 0, 2, 0);
      gz = head[0] === 0x1f && head[1] === 0x8b;
    }
  } catch (err) {
    await fh?.close().catch(() => undefined);
    throw new InputError(describeFsError(path, err));
  }
  const s = createReadStream('', { fd: fh, start: regular ? 0 : undefined, highWaterMark: 1 << 20 });
  if (!regular) return gunzipIfNeeded(s);
  if (!gz) return s;
  const gunzip = createGunzip();
  // a read error reaches the reader too, not only the file stream
  s.on('error', (e) => gunzip.destroy(e));
  return s.pipe(gunzip);
}

/** stdin may be gzip too (`zcat` forgotten): peek at the first chunk. */
async function gunzipIfNeeded(stream: Readable): Promise<Readable> {
  const { PassThrough } = await import('node:stream');
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  let decided = false;
  let target: NodeJS.WritableStream = out;
  stream.on('data', (chunk: Buffer) => {
    if (!decided) {
      decided = true;
      if (chunk[0] === 0x1f && chunk[1] === 0x8b) {
        const gunzip = createGunzip();
        gunzip.pipe(out);
        gunzip.on('error', (e) => out.destroy(e));
        target = gunzip;
      }
    }
    if (!target.write(chunk)) {
      stream.pause();
      target.once('drain', () => stream.resume());
    }
  });
  stream.on('end', () => target.end());
  stream.on('error', (e) => out.destroy(e));
  return out;
}
