/**
 * The `act` command wired to this host: the real uid, the profile index, the terminal. I/O edge;
 * the logic is in cli.ts, where tests inject all of these.
 */
import { createInterface } from 'node:readline/promises';
import type { CliOptions } from '../cli/args.js';
import { DEFAULT_PROFILE_DIRS, loadProfileIndex } from '../profiles/load.js';
import { runAct, type ActIo } from './cli.js';
import { hostName, operatorName } from './perform.js';

async function askOnTerminal(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

export async function runActCommand(opts: CliOptions): Promise<number> {
  const io: ActIo = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    ask: process.stdin.isTTY ? askOnTerminal : undefined,
  };
  return runAct(opts, io, {
    isRoot: process.getuid?.() === 0,
    env: process.env,
    loadDeclarations: async (dirs) => (await loadProfileIndex(dirs)).index,
    defaultProfileDirs: DEFAULT_PROFILE_DIRS,
    operator: operatorName(process.env),
    host: hostName(),
  });
}
