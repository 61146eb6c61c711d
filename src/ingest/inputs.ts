/**
 * Opening saved evidence: files (plain or gzip, recognised by their magic bytes, not their name)
 * and stdin (`-`). I/O edge; errors become InputError with a sentence a user can act on.
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip, type Gunzip } from 'node:zlib';
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
  const { fh, gz, regular } = await openSniffed(path);
  return streamOf(fh, gz, regular);
}

/**
 * The input's bytes chunk by chunk, for a reader that is done with each chunk before it asks for
 * the next (the line scanner copies what it keeps). A plain regular file is read into two buffers
 * taking turns, reused for every chunk (fresh memory for each megabyte read cost more than the read
 * itself): the next chunk is being read while the reader works through this one, so the reader
 * does not sit idle waiting for each read. Anything else (gzip, pipes, stdin) comes as openInput's
 * stream.
 */
export async function openInputChunks(path: string, chunkBytes = CHUNK): Promise<InputChunks> {
  if (STDIN_PATHS.has(path)) return gunzipIfNeeded(process.stdin);
  const { fh, gz, regular, size } = await openSniffed(path);
  if (regular && gz) {
    const gunzip = gunzipped(createReadStream('', { fd: fh, start: 0, highWaterMark: chunkBytes }));
    // the compressed bytes the decompressor took, not those the file stream read ahead
    return Object.assign(gunzip, { size, fileRead: () => gunzip.bytesWritten });
  }
  if (!regular) return streamOf(fh, gz, regular);
  return Object.assign(reusedChunks(fh, chunkBytes), { size });
}

/**
 * An input's bytes, chunk by chunk, and what says how far it is read when a regular file's size is
 * known before reading: the size, and for a gzip the bytes of the file read so far (`fileRead`),
 * since what it holds is another number of bytes. A pipe has neither.
 */
export type InputChunks = AsyncIterable<Buffer> & { readonly size?: number; readonly fileRead?: () => number };

/** Bytes read at a time from a file: a megabyte, unless the reader asks for less. */
const CHUNK = 1 << 20;

async function* reusedChunks(fh: FileHandle, chunkBytes: number): AsyncGenerator<Buffer> {
  const bufs = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)];
  let turn = 0;
  // reads go one after another (the file's own position), never two at once
  let next: Promise<{ bytesRead: number }> | undefined = readInto(fh, bufs[0]);
  try {
    for (;;) {
      const { bytesRead } = await next;
      next = undefined;
      if (bytesRead === 0) return;
      const chunk = bufs[turn].subarray(0, bytesRead);
      turn ^= 1;
      next = readInto(fh, bufs[turn]);
      yield chunk;
    }
  } finally {
    // a reader that stopped early leaves a read under way: it ends before the file is closed
    await next?.catch(() => undefined);
    await fh.close().catch(() => undefined);
  }
}

/** A read that may fail while the reader is busy elsewhere: marked handled now, its error met when awaited. */
function readInto(fh: FileHandle, buf: Buffer): Promise<{ bytesRead: number }> {
  const read = fh.read(buf, 0, buf.length, null);
  read.catch(() => undefined);
  return read;
}

async function openSniffed(path: string): Promise<{ fh: FileHandle; gz: boolean; regular: boolean; size: number }> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(path, 'r');
    const st = await fh.stat();
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    const regular = st.isFile();
    let gz = false;
    if (regular) {
      const head = Buffer.alloc(2);
      await fh.read(head, 0, 2, 0);
      gz = head[0] === 0x1f && head[1] === 0x8b;
    }
    return { fh, gz, regular, size: st.size };
  } catch (err) {
    await fh?.close().catch(() => undefined);
    throw new InputError(describeFsError(path, err));
  }
}

async function streamOf(fh: FileHandle, gz: boolean, regular: boolean): Promise<Readable> {
  const s = createReadStream('', { fd: fh, start: regular ? 0 : undefined, highWaterMark: CHUNK });
  if (!regular) return gunzipIfNeeded(s);
  return gz ? gunzipped(s) : s;
}

function gunzipped(s: Readable): Gunzip {
  const gunzip = createGunzip();
  // a read error reaches the reader too, not only the file stream
  s.on('error', (e) => gunzip.destroy(e));
  s.pipe(gunzip);
  return gunzip;
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
