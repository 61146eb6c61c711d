/**
 * The kernel's view of loaded profiles, from `<securityfs>/profiles` (`name (mode)` per line; names
 * may contain spaces and parentheses, so the mode is split off the right). The parse is pure; the
 * read is the I/O edge and says why it failed (non-root gets EACCES).
 */
import { lstat, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Profile name -> mode (enforce, complain, kill, unconfined, prompt ...). */
export type LoadedProfiles = Map<string, string>;

export function parseLoadedProfiles(text: string): LoadedProfiles {
  const out: LoadedProfiles = new Map();
  for (const line of text.split('\n')) {
    const m = /^(.+) \(([a-z_-]+)\)$/.exec(line.trimEnd());
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

export type KernelRead = { ok: true; profiles: LoadedProfiles } | { ok: false; error: string };

export async function readLoadedProfiles(securityfs: string): Promise<KernelRead> {
  const path = join(securityfs, 'profiles');
  try {
    return { ok: true, profiles: parseLoadedProfiles(await readFile(path, 'utf8')) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied (root only)' : code === 'ENOENT' ? 'no such file (is AppArmor enabled in this kernel?)' : (err as Error).message;
    return { ok: false, error: `cannot read ${path}: ${why}` };
  }
}

/** Where a disable link points, or undefined when there is none. */
export async function readDisableLink(link: string): Promise<string | undefined> {
  const st = await lstat(link).catch(() => undefined);
  if (!st) return undefined;
  if (!st.isSymbolicLink()) return '(not a symlink)';
  return readlink(link).catch(() => '(unreadable)');
}
