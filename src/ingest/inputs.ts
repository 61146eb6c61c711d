/**
 * Opening saved evidence: files (plain or gzip, recognised by their magic bytes, not their name)
 * and stdin (`-`). I/O edge; errors become InputError with a sentence a user can act on.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
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

/** Opens one input as a byte stream, gunzipping when it starts with the gzip magic. */
export async function openInput(path: string): Promise<Readable> {
  if (path === '-') return gunzipIfNeeded(process.stdin);
  let gz = false;
  try {
    const fh = await open(path, 'r');
    try {
      const st = await fh.stat();
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      const head = Buffer.alloc(2);
      await fh.read(head, 0, 2, 0);
      gz = head[0] === 0x1f && head[1] === 0x8b;
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new InputError(describeFsError(path, err));
  }
  const s = createReadStream(path, { highWaterMark: 1 << 20 });
  return gz ? s.pipe(createGunzip()) : s;
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
