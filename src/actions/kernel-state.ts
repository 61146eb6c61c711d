/**
 * The kernel's view of loaded profiles, from `<securityfs>/profiles` (`name (mode)` per line; names
 * may contain spaces and parentheses, so the mode is split off the right), or, where that file is
 * not there (securityfs mounted elsewhere), from `aa-status --json`, which finds securityfs through
 * the mount table. The parses are pure; the reads are the I/O edge and say why they failed.
 */
import { lstat, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { runStep } from './execute.js';

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

/** Where the profile list was read: the securityfs file, or aa-status --json. */
export type KernelReadVia = 'securityfs' | 'aa-status';

export type KernelRead = { ok: true; profiles: LoadedProfiles; via?: KernelReadVia } | { ok: false; error: string };

const MODE = /^[a-z_-]+$/;

/**
 * `aa-status --json`: an object whose `profiles` maps each loaded profile to its mode. AppArmor 3
 * and 4 both write it (`"version": "2"`, pids as strings under `processes`); anything else is read
 * as far as it has that shape, never guessed. Non-root gets empty output with exit 0.
 */
export function parseAaStatusJson(text: string): KernelRead {
  if (!text.trim()) return { ok: false, error: 'aa-status --json printed nothing (it does that when not run as root)' };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `aa-status --json printed something that is not JSON: ${(err as Error).message}` };
  }
  const profiles = doc !== null && typeof doc === 'object' ? (doc as { profiles?: unknown }).profiles : undefined;
  if (profiles === null || typeof profiles !== 'object' || Array.isArray(profiles)) return { ok: false, error: 'aa-status --json has no "profiles" object' };
  const out: LoadedProfiles = new Map();
  for (const [name, mode] of Object.entries(profiles as Record<string, unknown>)) {
    if (typeof mode !== 'string' || !MODE.test(mode)) return { ok: false, error: `aa-status --json gives profile ${JSON.stringify(name)} a mode that is not a word: ${JSON.stringify(mode)}` };
    out.set(name, mode);
  }
  return { ok: true, profiles: out, via: 'aa-status' };
}

export interface KernelReadOptions {
  /** The environment aa-status runs with (PATH decides which one); undefined: no aa-status fallback. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export async function readLoadedProfiles(securityfs: string, opts: KernelReadOptions = {}): Promise<KernelRead> {
  const path = join(securityfs, 'profiles');
  try {
    return { ok: true, profiles: parseLoadedProfiles(await readFile(path, 'utf8')), via: 'securityfs' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied (root only)' : code === 'ENOENT' ? 'no such file (is AppArmor enabled in this kernel?)' : (err as Error).message;
    const error = `cannot read ${path}: ${why}`;
    // only a missing file is worth a second way in: aa-status reads the same kernel file as root
    if (code !== 'ENOENT' || opts.env === undefined) return { ok: false, error };
    const r = await runStep(['aa-status', '--json'], { timeoutMs: opts.timeoutMs ?? 15_000, env: opts.env });
    if (r.startError) return { ok: false, error: `${error}; aa-status could not run: ${r.startError}` };
    if (r.timedOut) return { ok: false, error: `${error}; aa-status --json timed out` };
    const parsed = parseAaStatusJson(r.stdout);
    if (parsed.ok) return parsed;
    const said = r.stderr.trim().split('\n')[0];
    return { ok: false, error: `${error}; ${parsed.error}${r.exitCode ? ` (exit ${r.exitCode}${said ? `: ${said}` : ''})` : ''}` };
  }
}

/** Where a disable link points, or undefined when there is none. */
export async function readDisableLink(link: string): Promise<string | undefined> {
  const st = await lstat(link).catch(() => undefined);
  if (!st) return undefined;
  if (!st.isSymbolicLink()) return '(not a symlink)';
  return readlink(link).catch(() => '(unreadable)');
}
