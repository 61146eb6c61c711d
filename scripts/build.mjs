// Bundles the program into one ESM file (dist/aa-triage.js) with production React.
// react-devtools-core is an optional Ink import that must not be bundled.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stubDir = join(root, 'dist', '.stub');
mkdirSync(stubDir, { recursive: true });
writeFileSync(join(stubDir, 'devtools.js'), 'export default {};\n');

await build({
  entryPoints: [join(root, 'src', 'commands', 'main.ts')],
  outfile: join(root, 'dist', 'aa-triage.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"' },
  alias: { 'react-devtools-core': join(stubDir, 'devtools.js') },
  // Some bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __aaCreateRequire } from 'node:module'; const require = __aaCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
