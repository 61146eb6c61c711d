// Counts the import arrows between the top-level parts of src/: each folder is one part, each file
// directly under src/ is its own. An arrow is a distinct (importer part, imported part) pair over
// every relative import, type-only ones included. `--table` lists them. ARCHITECTURE.md quotes it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const files = [];
const walk = (d) => {
  for (const e of readdirSync(d)) {
    const p = join(d, e);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.tsx?$/.test(e)) files.push(p);
  }
};
walk(root);
const part = (p) => {
  const r = relative(root, p).split('/');
  return r.length === 1 ? r[0].replace(/\.(tsx?|js)$/, '.ts') : r[0];
};
const arrows = new Map();
for (const f of files) {
  for (const m of readFileSync(f, 'utf8').matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const a = part(f);
    const b = part(normalize(join(dirname(f), m[1])));
    if (a === b) continue;
    if (!arrows.has(a)) arrows.set(a, new Set());
    arrows.get(a).add(b);
  }
}
let n = 0;
for (const s of arrows.values()) n += s.size;
if (process.argv.includes('--table')) for (const [a, s] of [...arrows].sort()) console.log(`${a} -> ${[...s].sort().join(', ')}`);
console.log(`${n} distinct arrows`);
