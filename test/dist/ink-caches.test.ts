/**
 * Ink's text caches as the bundle has them (scripts/ink-caches.mjs): the patch finds its pieces in
 * the installed Ink, the bounded functions return what Ink's own return, and texts measured once
 * are not kept for the life of the process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { boundInkCache, CACHE_MAX, inkCaches } from '../../scripts/ink-caches.mjs';

const root = join(import.meta.dirname, '..', '..');
const inkBuild = join(root, 'node_modules', 'ink', 'build');
type Measure = (text: string) => { width: number; height: number };
type Wrap = (text: string, maxWidth: number, wrapType: string) => string;

/** Ink's two modules bundled with the plugin, as the program bundles them. */
async function bounded(t: { after(fn: () => void): void }): Promise<{ measureText: Measure; wrapText: Wrap }> {
  const dir = mkdtempSync(join(tmpdir(), 'aa-ink-caches-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const entry = join(dir, 'entry.mjs');
  writeFileSync(entry, `export { default as measureText } from ${JSON.stringify(join(inkBuild, 'measure-text.js'))};\nexport { default as wrapText } from ${JSON.stringify(join(inkBuild, 'wrap-text.js'))};\n`);
  const out = join(dir, 'bundle.mjs');
  await build({ entryPoints: [entry], outfile: out, bundle: true, platform: 'node', format: 'esm', plugins: [inkCaches()], logLevel: 'silent', absWorkingDir: root, nodePaths: [join(root, 'node_modules')] });
  return import(pathToFileURL(out).href) as Promise<{ measureText: Measure; wrapText: Wrap }>;
}

/** Ink's own modules, unbundled and unpatched. */
async function original(): Promise<{ measureText: Measure; wrapText: Wrap }> {
  const m = (await import(pathToFileURL(join(inkBuild, 'measure-text.js')).href)) as { default: Measure };
  const w = (await import(pathToFileURL(join(inkBuild, 'wrap-text.js')).href)) as { default: Wrap };
  return { measureText: m.default, wrapText: w.default };
}

function texts(n: number): string[] {
  const pieces = ['a', ' ', 'wide 漢字', '\u001b[31mred\u001b[39m', '\n', 'x'.repeat(37), '/proc/1234/status', '…', 'é'];
  const out: string[] = [''];
  let seed = 7;
  for (let i = 0; i < n; i++) {
    let s = `${i} `;
    const len = 1 + (i % 9);
    for (let j = 0; j < len; j++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      s += pieces[seed % pieces.length];
    }
    out.push(s);
  }
  return out;
}

test('the patch finds its pieces in the installed Ink, and refuses a source it does not know', () => {
  for (const name of ['measure-text.js', 'wrap-text.js'] as const) {
    const src = readFileSync(join(inkBuild, name), 'utf8');
    assert.notEqual(boundInkCache(name, src), src);
    assert.throws(() => boundInkCache(name, src.replaceAll('cache', 'store')), /Ink changed/);
  }
});

test('the bounded text functions return what Ink returns, before and after their caches are forgotten', async (t) => {
  const b = await bounded(t);
  const o = await original();
  const all = texts(3 * CACHE_MAX);
  // twice over: the second pass reads what the first remembered, or measures again after a reset
  for (let pass = 0; pass < 2; pass++)
    for (let i = 0; i < all.length; i++) {
      const s = all[i];
      assert.deepEqual(b.measureText(s), o.measureText(s), `measure ${JSON.stringify(s)}`);
      const width = [1, 5, 20, 80][i % 4];
      const type = ['wrap', 'truncate', 'truncate-middle', 'truncate-start', 'truncate-end'][i % 5];
      assert.equal(b.wrapText(s, width, type), o.wrapText(s, width, type), `wrap ${JSON.stringify(s)} ${width} ${type}`);
    }
});

test('texts measured and wrapped once are not kept', async (t) => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const b = await bounded(t);
  const heapAfter = (f: (s: string) => void): number => {
    gc();
    const before = process.memoryUsage().heapUsed;
    // 40,000 distinct rows of 300 characters: 12 MB of text, made and dropped here
    for (let i = 0; i < 40_000; i++) f(`${i} ${'row of a flood '.repeat(20)}`);
    gc();
    return process.memoryUsage().heapUsed - before;
  };
  const kept = heapAfter((s) => {
    b.measureText(s);
    b.wrapText(s, 80, 'truncate');
  });
  // the bounded caches hold about 2 MB of these at most; unbounded, Ink kept 35 MB of them
  assert.ok(kept < 8 * 2 ** 20, `${(kept / 2 ** 20).toFixed(1)} MB kept`);
});
