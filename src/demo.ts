/**
 * The bundled demo incident: a saved log, the profiles it is about, the loaded-profile list a
 * securityfs would show, and the operator's action journal. Found relative to the program
 * (src/ when run from source, dist/ when bundled), never on the host.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DemoPaths {
  root: string;
  /** A demo file's name relative to the project (`demo/apparmor.d/usr.sbin.nginx`), so nothing shows this machine's paths. */
  label: (path: string) => string;
  log: string;
  profilesDir: string;
  securityfs: string;
  actions: string;
}

export function findDemo(from = dirname(fileURLToPath(import.meta.url))): DemoPaths | undefined {
  let dir = from;
  for (let i = 0; i < 5; i++) {
    const root = join(dir, 'demo');
    if (existsSync(join(root, 'incident.log'))) {
      return {
        root,
        label: (p) => (p === root || p.startsWith(`${root}/`) ? `demo${p.slice(root.length)}` : p),
        log: join(root, 'incident.log'),
        profilesDir: join(root, 'apparmor.d'),
        securityfs: join(root, 'securityfs'),
        actions: join(root, 'actions.jsonl'),
      };
    }
    dir = dirname(dir);
  }
  return undefined;
}

/** The demo's source name in evidence references: short and unmistakable. */
export const DEMO_SOURCE = 'DEMO:incident.log';
