/**
 * Gathers the HostFacts that detect.ts decides on. I/O edge: every path is injectable so tests
 * point it at temp dirs, and PATH decides which journalctl/dmesg are found.
 */
import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { HostFacts } from './detect.js';
import type { SourcePaths } from './types.js';

/** The first executable named `name` on PATH (absolute entries only: a relative PATH entry is not trusted). */
export function findExecutable(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const p = join(dir, name);
    try {
      if (statSync(p).isFile()) {
        accessSync(p, constants.X_OK);
        return p;
      }
    } catch {
      // not here
    }
  }
  return undefined;
}

function readText(p: string): string | undefined {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

function groupNames(groupFile: string, gids: number[]): string[] {
  const names: string[] = [];
  const text = readText(groupFile) ?? '';
  for (const line of text.split('\n')) {
    const [name, , gid] = line.split(':');
    if (name && gid !== undefined && gids.includes(Number(gid))) names.push(name);
  }
  return names;
}

function hasJournalFiles(dirs: string[]): boolean {
  for (const d of dirs) {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.endsWith('.journal')) return true;
      try {
        if (readdirSync(join(d, e)).some((f) => f.endsWith('.journal') || f.endsWith('.journal~'))) return true;
      } catch {
        // not a directory, or not ours to read
      }
    }
  }
  return false;
}

/** auditd runs when some /proc/PID/comm says so. */
function processRunning(proc: string, comm: string): boolean {
  let pids: string[];
  try {
    pids = readdirSync(proc).filter((p) => /^\d+$/.test(p));
  } catch {
    return false;
  }
  return pids.some((pid) => readText(join(proc, pid, 'comm'))?.trim() === comm);
}

/** Epoch ms of the boot, from /proc/stat's btime. */
export function bootTime(proc: string): number | undefined {
  const m = /^btime (\d+)$/m.exec(readText(join(proc, 'stat')) ?? '');
  return m ? Number(m[1]) * 1000 : undefined;
}

/**
 * Whether anything reads the kernel's audit multicast group, which is how journald reads the audit
 * channel (its systemd-journald-audit.socket): a NETLINK_AUDIT (9) socket in /proc/net/netlink with
 * group bit 1 set. Undefined when that table cannot be read.
 */
export function auditChannelRead(proc: string): boolean | undefined {
  const text = readText(join(proc, 'net/netlink'));
  if (text === undefined || !text.startsWith('sk')) return undefined;
  return text
    .split('\n')
    .slice(1)
    .some((line) => {
      const col = line.trim().split(/\s+/);
      return col[1] === '9' && /^[0-9a-f]+$/i.test(col[3] ?? '') && (parseInt(col[3].slice(-1), 16) & 1) === 1;
    });
}

export function probeHost(paths: SourcePaths, env: NodeJS.ProcessEnv): HostFacts {
  const uid = process.getuid?.() ?? -1;
  const gids = process.getgroups?.() ?? [];
  const restrict = readText(join(paths.proc, 'sys/kernel/dmesg_restrict'))?.trim();
  let exists = false;
  let readable = false;
  try {
    exists = statSync(paths.auditLog).isFile();
    accessSync(paths.auditLog, constants.R_OK);
    readable = exists;
  } catch (err) {
    // ENOENT: absent; EACCES on the directory (0700 root) means it may exist but is hidden from us
    if ((err as NodeJS.ErrnoException).code === 'EACCES') exists = true;
  }
  const enabled = readText(paths.apparmorEnabled)?.trim();
  return {
    uid,
    groups: groupNames(paths.groupFile, gids),
    dmesgRestrict: restrict === '1' ? true : restrict === '0' ? false : undefined,
    journalctl: findExecutable('journalctl', env.PATH),
    dmesg: findExecutable('dmesg', env.PATH),
    journalFiles: hasJournalFiles(paths.journalDirs),
    auditLog: { path: paths.auditLog, exists, readable },
    auditdRunning: processRunning(paths.proc, 'auditd'),
    // the parameter is world-readable whenever the module is in the kernel: absent means no AppArmor
    apparmorEnabled: enabled === 'Y',
    journaldAudit: auditChannelRead(paths.proc),
  };
}
