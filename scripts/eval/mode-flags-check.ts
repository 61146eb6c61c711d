/**
 * The flags edit of a persistent complain or enforce (src/actions/mode-flags.ts), tried on every
 * top-level profile of a distribution's shipped policy: the edited file read again by the
 * product's own profile index (the profile in the mode asked for, every other profile of the file
 * as it was) and compiled by apparmor_parser with the shipped directory as its base. A file the
 * parser does not accept unedited either (newer syntax than the host's parser) is counted apart.
 * Nothing is written to the policy: each edit is compiled on a copy of the directory.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setModeFlag } from '../../src/actions/mode-flags.js';
import { buildProfileIndex } from '../../src/profiles/index.js';

export interface ModeFlagsCheck {
  /** Top-level profiles times the two modes. */
  tried: number;
  /** The file already said so: nothing to write. */
  unchanged: number;
  /** Refused for an edit by hand, by reason. */
  refused: Map<string, number>;
  edited: number;
  /** The index read the edited file back with the profile in the mode asked for and the others as they were. */
  readBack: number;
  compiled: number;
  /** Edits of files the parser does not accept unedited either. */
  notParsedBefore: number;
  problems: string[];
}

export function checkModeFlagsOnShipped(dir: string, parserBin: string): ModeFlagsCheck {
  const out: ModeFlagsCheck = { tried: 0, unchanged: 0, refused: new Map(), edited: 0, readBack: 0, compiled: 0, notParsedBefore: 0, problems: [] };
  const tmp = mkdtempSync(join(tmpdir(), 'aa-triage-flags-'));
  const base = join(tmp, 'apparmor.d');
  cpSync(dir, base, { recursive: true });
  const compiles = (file: string): string | undefined => {
    try {
      execFileSync(parserBin, ['-Q', '-K', '--base', base, file], { stdio: 'pipe' });
      return undefined;
    } catch (err) {
      return String((err as { stderr?: Buffer }).stderr ?? err).split('\n')[0];
    }
  };
  try {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (!statSync(path, { throwIfNoEntry: false })?.isFile()) continue;
      const text = readFileSync(path, 'utf8');
      const index = buildProfileIndex([{ path, text }], { roots: [dir] });
      const copy = join(base, name);
      let parsedBefore: boolean | undefined;
      for (const p of index.profiles().filter((x) => !x.parent && x.file === path)) {
        for (const mode of ['complain', 'enforce'] as const) {
          out.tried++;
          const r = setModeFlag(text, p.name, mode);
          if (!r.ok) {
            const why = /its mode is (\w+)/.exec(r.reason)?.[0] ?? r.reason;
            out.refused.set(why, (out.refused.get(why) ?? 0) + 1);
            continue;
          }
          if (!r.replaced.length) {
            out.unchanged++;
            continue;
          }
          out.edited++;
          const after = buildProfileIndex([{ path, text: r.after }], { roots: [dir] });
          const others = index.profiles().filter((o) => o.file === path && o.name !== p.name && !o.name.startsWith(`${p.name}//`));
          if (after.lookup(p.name)?.mode === mode && others.every((o) => after.lookup(o.name)?.mode === o.mode)) out.readBack++;
          else out.problems.push(`${name}: ${p.name} ${mode}: not read back as asked`);
          parsedBefore ??= compiles(copy) === undefined;
          if (!parsedBefore) {
            out.notParsedBefore++;
            continue;
          }
          writeFileSync(copy, r.after);
          const error = compiles(copy);
          writeFileSync(copy, text);
          if (error === undefined) out.compiled++;
          else out.problems.push(`${name}: ${p.name} ${mode}: ${error}`);
        }
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}
