// A description of the machine a benchmark ran on, for the results table.
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';

function osName() {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (m) return m[1];
  } catch {
    // not Linux, or a container without it
  }
  return process.platform;
}

function storage() {
  // tells a reader whether the files were read from a page cache in RAM (they are, after the first run)
  return existsSync('/proc/meminfo') ? 'files read from the page cache (warm; each file is read once before timing)' : '';
}

export function describeMachine() {
  const c = cpus();
  return {
    cpu: c[0]?.model?.trim() || 'unknown CPU',
    cores: c.length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    os: osName(),
    kernel: release(),
    node: process.version,
    loadAtStart: loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
    storage: storage(),
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}
