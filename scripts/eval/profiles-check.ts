/**
 * The profile index against apparmor_parser on a distribution's shipped policy: for every file
 * of the directory the parser reads, the profiles (children and hats included, those an
 * abstraction declares too) the index loaded from the whole directory attributes to it, against
 * those `apparmor_parser -N` lists. What the actions act on, and what the classifier reads a
 * profile's rules from, is only as right as this.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadProfileIndex } from '../../src/profiles/load.js';

export interface ProfilesCheck {
  /** Files the parser read. */
  files: number;
  /** Of those, files whose profiles the index found exactly. */
  same: number;
  problems: string[];
}

export async function checkProfilesOnShipped(dir: string, parserBin: string): Promise<ProfilesCheck> {
  const { index } = await loadProfileIndex([dir]);
  const out: ProfilesCheck = { files: 0, same: 0, problems: [] };
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name);
    if (!statSync(file, { throwIfNoEntry: false })?.isFile()) continue;
    const r = spawnSync(parserBin, ['-N', '--base', dir, file], { encoding: 'utf8', timeout: 60000 });
    if (r.status !== 0) continue;
    out.files++;
    const theirs = r.stdout.split('\n').filter(Boolean).sort();
    const ours = index
      .profiles()
      .filter((p) => p.file === file)
      .map((p) => p.name)
      .sort();
    if (JSON.stringify(ours) === JSON.stringify(theirs)) out.same++;
    else out.problems.push(`${name}: the index only ${JSON.stringify(ours.filter((n) => !theirs.includes(n)))}, the parser only ${JSON.stringify(theirs.filter((n) => !ours.includes(n)))}`);
  }
  return out;
}
