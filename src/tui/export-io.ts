/**
 * The I/O edge of `y` and `w`: OSC 52 to the terminal, files for exports and for a clipboard the
 * terminal cannot take. Files are created new (never overwritten), readable by the owner only:
 * they hold evidence.
 */
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clipboardUnlikely, osc52 } from './export.js';

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\..*$/, 'Z');
}

/** Writes `text` to a new file in the first writable of `dirs`; its path. */
export async function writeNewFile(name: string, text: string, dirs: string[]): Promise<string> {
  let last: Error | undefined;
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      const fh = await open(path, 'wx', 0o600);
      try {
        await fh.write(text);
      } finally {
        await fh.close();
      }
      return path;
    } catch (err) {
      last = err as Error;
    }
  }
  throw last ?? new Error('no directory to write to');
}

export interface ExportIo {
  write(s: string): void;
  env: NodeJS.ProcessEnv;
  /** Where files go (the first writable one). */
  dirs?: string[];
  now?: () => Date;
}

const dirsOf = (io: ExportIo) => io.dirs ?? [process.cwd(), tmpdir()];

/** Copies through OSC 52, or into a file when the terminal cannot take it; the status line to show. */
export async function copyOut(text: string, label: string, io: ExportIo): Promise<string> {
  const unlikely = clipboardUnlikely(text, io.env);
  if (!unlikely) {
    io.write(osc52(text));
    return `copied ${label} (OSC 52; in tmux: set -g set-clipboard on)`;
  }
  try {
    const path = await writeNewFile(`aa-triage-copy-${stamp((io.now ?? (() => new Date()))())}.txt`, `${text}\n`, dirsOf(io));
    // the path first: a narrow footer cuts the end of the line, and the path is what the operator needs
    return `${label} written to ${path} (not copied: ${unlikely})`;
  } catch (err) {
    return `not copied (${unlikely}) and no file written: ${(err as Error).message}`;
  }
}

export async function writeOut(lines: string[], view: string, ext: 'md' | 'ndjson', io: ExportIo): Promise<string> {
  try {
    const path = await writeNewFile(`aa-triage-${view}-${stamp((io.now ?? (() => new Date()))())}.${ext}`, `${lines.join('\n')}\n`, dirsOf(io));
    return `wrote ${view} (${ext === 'md' ? 'markdown' : 'NDJSON'}) to ${path}`;
  } catch (err) {
    return `could not write: ${(err as Error).message}`;
  }
}
