/**
 * The whole program, live, on a fake host in a directory: the fake `dmesg` (reading dir/dmesg.txt)
 * and the fake AppArmor tools first on PATH, a temporary securityfs, profiles directory and action
 * journal. For the tmux tests of actions and for the screenshots, which run it the same way.
 */
import { dirname, resolve } from 'node:path';

export interface LiveHost {
  dir: string;
  securityfs: string;
  profiles: string;
  journal: string;
}

/** argv (run from the repository's root) and environment of the program live on `host`. */
export function liveProgram(host: LiveHost): { argv: string[]; env: Record<string, string> } {
  const env = {
    PATH: `${resolve('test/fixtures/sources/bin')}:${resolve('test/fixtures/actions/bin')}:${dirname(process.execPath)}:/usr/bin:/bin`,
    FAKE_SOURCES_DIR: host.dir,
    FAKE_AA_NODE: process.execPath,
    FAKE_AA_SECURITYFS: host.securityfs,
    FAKE_AA_LOG: resolve(host.dir, 'argv.jsonl'),
  };
  const argv = ['node', 'bin/aa-triage', '--source', 'dmesg', '--securityfs', host.securityfs, '--profiles-dir', host.profiles, '--actions', host.journal, '--no-bell', '--utc'];
  return { argv, env };
}
