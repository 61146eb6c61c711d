// Runs every test/**/*.test.ts(x) with Node's test runner through tsx.
// (Node 20's --test does not expand globs or pick up .ts files by itself.)
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'fixtures' || name === 'kernel' || name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (/\.test\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

const filter = process.argv.slice(2);
let files = find('test').sort();
if (filter.length) files = files.filter((f) => filter.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// Ink decides at import time that a CI environment gets only the last frame; the interactive-view
// tests drive frames as a terminal user sees them, so the tests run without the CI markers.
const env = { ...process.env, NO_COLOR: process.env.NO_COLOR ?? '' };
delete env.CI;
delete env.CONTINUOUS_INTEGRATION;
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files.map((f) => relative('.', f))], {
  stdio: 'inherit',
  env,
});
process.exit(r.status ?? 1);
