/**
 * The log fixtures under a directory, for tests that read every one: text, dmesg, journal and JSON
 * captures, in a stable order; the captured command outputs and host facts beside them
 * (`cmd-*`, `aa-status*`, `guest-info*`, `sys-*`) are not logs and are left out.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function fixtureFiles(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) fixtureFiles(p, out);
    else if (/\.(txt|log|dmesg|ndjson|jsonl|json)$/.test(n) && !/^(cmd-|aa-status|guest-info|sys-)/.test(n)) out.push(p);
  }
  return out;
}
