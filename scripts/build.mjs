// Bundles the program into dist/aa-triage.js (ESM, production React) and dist/chunks/: the
// interactive view (Ink, React, the layout engine) is a chunk of its own, loaded only when the view
// starts, so the streaming modes and `act` start without compiling it.
// react-devtools-core is an optional Ink import that must not be bundled; Ink's text caches are
// bounded as they are bundled (scripts/ink-caches.mjs).
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { inkCaches } from './ink-caches.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stubDir = join(root, 'dist', '.stub');
mkdirSync(stubDir, { recursive: true });
writeFileSync(join(stubDir, 'devtools.js'), 'export default {};\n');

// chunk names carry a content hash: a build must not leave the last build's chunks beside its own
rmSync(join(root, 'dist', 'chunks'), { recursive: true, force: true });

await build({
  entryPoints: { 'aa-triage': join(root, 'src', 'commands', 'main.ts') },
  outdir: join(root, 'dist'),
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"' },
  alias: { 'react-devtools-core': join(stubDir, 'devtools.js') },
  plugins: [inkCaches()],
  // Some bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __aaCreateRequire } from 'node:module'; const require = __aaCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
