// A temporary host for action tests: a profiles directory, a fake securityfs, the fake AppArmor
// tools first on PATH, and a journal path. Nothing here needs root or AppArmor.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { declarationsFrom, type DeclaredProfile } from '../../src/actions/declarations.js';
import type { ActionEnv } from '../../src/actions/perform.js';

export const FAKE_BIN = resolve('test/fixtures/actions/bin');

export const NGINX = `/usr/sbin/nginx flags=(attach_disconnected) {\n  /var/www/** r,\n}\n`;
export const RENDERER = `profile thumbnail-renderer /usr/bin/thumbnail-renderer {\n  /srv/** r,\n  profile helper {\n    /tmp/** rw,\n  }\n}\n`;
export const MULTI = `profile alpha /usr/bin/alpha {\n}\nprofile beta /usr/bin/beta {\n}\n`;

export interface Host {
  dir: string;
  profilesDir: string;
  securityfs: string;
  journal: string;
  argvLog: string;
  env: NodeJS.ProcessEnv;
  declarations: ReturnType<typeof declarationsFrom>;
  entries: DeclaredProfile[];
  loaded(): string;
  setLoaded(text: string): void;
  calls(): { tool: string; args: string[] }[];
  actionEnv(over?: Partial<ActionEnv>): ActionEnv;
  cleanup(): void;
}

export function makeHost(): Host {
  const dir = mkdtempSync(join(tmpdir(), 'aa-actions-'));
  const profilesDir = join(dir, 'apparmor.d');
  const securityfs = join(dir, 'securityfs');
  mkdirSync(join(profilesDir, 'disable'), { recursive: true });
  mkdirSync(join(profilesDir, 'abstractions'), { recursive: true });
  mkdirSync(securityfs);
  writeFileSync(join(profilesDir, 'usr.sbin.nginx'), NGINX);
  writeFileSync(join(profilesDir, 'usr.bin.thumbnail-renderer'), RENDERER);
  writeFileSync(join(profilesDir, 'multi'), MULTI);
  writeFileSync(join(profilesDir, 'abstractions', 'base'), '/etc/ld.so.cache r,\n');
  symlinkSync('/etc/passwd', join(profilesDir, 'escape'));
  const initial = '/usr/sbin/nginx (enforce)\nthumbnail-renderer (enforce)\nthumbnail-renderer//helper (enforce)\nalpha (enforce)\nbeta (enforce)\nsnap.lxd.daemon (enforce)\n';
  writeFileSync(join(securityfs, 'profiles'), initial);
  const argvLog = join(dir, 'argv.jsonl');
  const f = (n: string) => join(profilesDir, n);
  const entries: DeclaredProfile[] = [
    { name: '/usr/sbin/nginx', file: f('usr.sbin.nginx'), fileProfiles: ['/usr/sbin/nginx'], mode: 'enforce' },
    { name: 'thumbnail-renderer', file: f('usr.bin.thumbnail-renderer'), fileProfiles: ['thumbnail-renderer', 'thumbnail-renderer//helper'], mode: 'enforce' },
    { name: 'thumbnail-renderer//helper', file: f('usr.bin.thumbnail-renderer'), parent: 'thumbnail-renderer', fileProfiles: ['thumbnail-renderer', 'thumbnail-renderer//helper'], mode: 'enforce' },
    { name: 'alpha', file: f('multi'), fileProfiles: ['alpha', 'beta'], mode: 'enforce' },
    { name: 'beta', file: f('multi'), fileProfiles: ['alpha', 'beta'], mode: 'enforce' },
    { name: 'escaper', file: f('escape'), fileProfiles: ['escaper'] },
    { name: 'dotdot', file: `${profilesDir}/../apparmor.d/usr.sbin.nginx`, fileProfiles: ['dotdot'] },
    { name: 'in-abstractions', file: f('abstractions/base'), fileProfiles: ['in-abstractions'] },
    { name: 'snapped', file: f('usr.sbin.nginx'), fileProfiles: ['snapped'], managedBy: 'snapd' },
  ];
  const env = {
    ...process.env,
    PATH: `${FAKE_BIN}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    FAKE_AA_NODE: process.execPath,
    FAKE_AA_SECURITYFS: securityfs,
    FAKE_AA_LOG: argvLog,
  };
  const journal = join(dir, 'state', 'actions.jsonl');
  return {
    dir,
    profilesDir,
    securityfs,
    journal,
    argvLog,
    env,
    entries,
    declarations: declarationsFrom(entries),
    loaded: () => readFileSync(join(securityfs, 'profiles'), 'utf8'),
    setLoaded: (text) => writeFileSync(join(securityfs, 'profiles'), text),
    calls: () => {
      try {
        return readFileSync(argvLog, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l));
      } catch {
        return [];
      }
    },
    actionEnv: (over = {}) => ({ securityfs, journalPath: journal, isRoot: true, readOnly: false, env, operator: 'oncall', host: 'web-01', timeoutMs: 10_000, ...over }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function readJsonLines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

/** What one `aa-triage act` run printed, its exit status, and the questions it asked. */
export interface ActRun {
  code: number;
  out: string;
  err: string;
  asked: string[];
}

/**
 * Runs `aa-triage act ARGS` in-process against the temporary host: its profiles, securityfs and
 * journal, as root unless told otherwise; `answers` are typed at the prompts in turn.
 */
export async function actOn(host: Host, args: string[], opts: { isRoot?: boolean; env?: NodeJS.ProcessEnv; answers?: string[] } = {}): Promise<ActRun> {
  const { parseCli } = await import('../../src/commands/args.js');
  const { runAct } = await import('../../src/commands/act.js');
  const { resolveSettings } = await import('../../src/commands/settings.js');
  const { loadProfileIndex } = await import('../../src/profiles/load.js');
  const cli = parseCli(['act', ...args, '--profiles-dir', host.profilesDir, '--securityfs', host.securityfs, '--actions', host.journal], {});
  let out = '';
  let err = '';
  const asked: string[] = [];
  const answers = opts.answers;
  const io = {
    out: (s: string) => void (out += s),
    err: (s: string) => void (err += s),
    ask: answers
      ? async (q: string) => {
          asked.push(q);
          return answers.shift() ?? '';
        }
      : undefined,
  };
  const code = await runAct(cli, io, {
    settings: resolveSettings(cli, { isRoot: opts.isRoot ?? true, env: opts.env ?? host.env }),
    loadDeclarations: async (dirs) => (await loadProfileIndex(dirs)).index,
    operator: 'oncall',
    host: 'web-01',
    timeoutMs: 10_000,
  });
  return { code, out, err, asked };
}
