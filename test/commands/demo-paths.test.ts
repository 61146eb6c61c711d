// The demo names its own files relative to the project: screenshots and pasted output never show
// the absolute path of the machine that made them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve('.');

for (const args of [
  ['--demo', '--json', '--raw'],
  ['--demo', '--plain'],
  ['timeline', '--demo', '--format', 'markdown'],
  ['timeline', '--demo', '--format', 'json'],
]) {
  test(`aa-triage ${args.join(' ')}: demo files as demo/apparmor.d/..., never ${ROOT}`, () => {
    assert.ok(existsSync('dist/aa-triage.js'), 'run npm run build first (npm test does)');
    const out = execFileSync(process.execPath, ['bin/aa-triage', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.ok(!out.includes(ROOT), `an absolute path in: ${out.split('\n').find((l) => l.includes(ROOT))}`);
    if (args.includes('--json')) assert.match(out, /demo\/apparmor\.d\/(local\/)?(usr\.sbin\.nginx|opt\.reports\.exporter)/);
  });
}
