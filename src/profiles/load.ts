/**
 * Reads the profile directories (I/O edge) and builds the index. Missing or unreadable directories
 * and files are not errors: they are reported in `problems`, and the classifier falls back to
 * reasoning from the log line alone and says so.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { buildProfileIndex, type PolicyFile } from './index.js';
import type { ProfileIndex } from './types.js';

export const DEFAULT_PROFILE_DIRS = ['/etc/apparmor.d', '/var/lib/snapd/apparmor/profiles'];
/** Where AppArmor's securityfs is mounted on a host (the loaded profiles and their modes). */
export const DEFAULT_SECURITYFS = '/sys/kernel/security/apparmor';

/** Subdirectories that never hold policy the kernel loads from here. */
const SKIP_DIRS = new Set(['disable', 'force-complain', 'cache', 'cache.d', '.git']);
const MAX_FILES = 20000;
const MAX_FILE_BYTES = 4 * 1024 * 1024;
const MAX_DEPTH = 6;

function errText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return 'not found';
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'permission denied';
  if (e?.code === 'ENOTDIR') return 'not a directory';
  return e?.message ?? String(err);
}

async function collect(dir: string, depth: number, out: PolicyFile[], problems: string[]): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (err) {
    problems.push(`${dir}: ${errText(err)}`);
    return;
  }
  for (const name of names) {
    if (out.length >= MAX_FILES) {
      problems.push(`${dir}: more than ${MAX_FILES} files; the rest were not read`);
      return;
    }
    if (SKIP_DIRS.has(name)) continue;
    const path = join(dir, name);
    let st;
    try {
      st = await stat(path); // follows symlinks: profile directories often link files in
    } catch (err) {
      problems.push(`${path}: ${errText(err)}`);
      continue;
    }
    if (st.isDirectory()) {
      if (depth < MAX_DEPTH) await collect(path, depth + 1, out, problems);
    } else if (st.isFile()) {
      if (st.size > MAX_FILE_BYTES) {
        problems.push(`${path}: larger than ${MAX_FILE_BYTES} bytes, not read`);
        continue;
      }
      try {
        out.push({ path, text: await readFile(path, 'utf8') });
      } catch (err) {
        problems.push(`${path}: ${errText(err)}`);
      }
    }
  }
}

/**
 * `label`: the name a file is known by in the index (and so in every suggestion and view), when
 * not its path: the demo names its files relative to the project, not to the machine.
 */
export async function loadProfileIndex(dirs: string[] = DEFAULT_PROFILE_DIRS, opts: { label?: (path: string) => string } = {}): Promise<{ index: ProfileIndex; problems: string[] }> {
  const files: PolicyFile[] = [];
  const problems: string[] = [];
  const roots = dirs.map((d) => d.replace(/\/+$/, '') || '/');
  for (const d of roots) await collect(d, 0, files, problems);
  const label = opts.label;
  if (label) for (const f of files) f.path = label(f.path);
  const index = buildProfileIndex(files, { roots: label ? roots.map(label) : roots });
  return { index, problems: [...problems, ...index.problems] };
}
