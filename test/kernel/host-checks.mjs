// Run the checks the guest deferred to the host (OUT/host-checks.ndjson: one JSON array per line,
// [script in guest/, ...arguments relative to OUT]). Appends their TAP lines to OUT/results.tap; a
// check that crashes is a failure. Usage: node host-checks.mjs OUTDIR
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const out = process.argv[2];
const guest = path.join(path.dirname(fileURLToPath(import.meta.url)), 'guest');
const list = path.join(out, 'host-checks.ndjson');
if (!fs.existsSync(list)) process.exit(0);
const tap = path.join(out, 'results.tap');
for (const line of fs.readFileSync(list, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const [script, ...args] = JSON.parse(line);
  if (!/^[a-z-]+\.mjs$/.test(script)) {
    fs.appendFileSync(tap, `not ok - host check with an unexpected script name: ${script}\n`);
    continue;
  }
  const r = spawnSync(process.execPath, [path.join(guest, script), ...args], { cwd: out, encoding: 'utf8', maxBuffer: 64 << 20 });
  fs.appendFileSync(tap, r.stdout);
  if (r.stderr) fs.appendFileSync(path.join(out, 'host-checks.log'), `== ${script} ${args.join(' ')}\n${r.stderr}`);
  if (r.status !== 0) {
    const why = (r.stderr || '')
      .trim()
      .split('\n')
      .slice(-4)
      .map((l) => `  # ${l}`)
      .join('\n');
    fs.appendFileSync(tap, `not ok - ${script} ${args[0] ?? ''} ran\n${why}\n`);
  }
}
