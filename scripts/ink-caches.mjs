// Bounds Ink's two text caches in a bundle (an esbuild plugin, used by scripts/build.mjs and the
// TUI benchmark). Ink 6 remembers the size of every text it ever laid out (measure-text.js) and
// every text it ever wrapped or cut (wrap-text.js), with no limit: a view whose rows change with
// every flush (counts, times) adds its rows to both a few times a second, for as long as it runs.
// The plugin rewrites the two modules as they are bundled so that each cache is forgotten at once
// when it reaches CACHE_MAX entries; the functions return what they returned. If Ink's source no
// longer reads as expected, the build stops: the patch is then looked at again, never skipped.

/** Entries each cache holds at most: well above one frame's texts. */
export const CACHE_MAX = 2000;

const PATCHES = {
  'measure-text.js': [['cache.set(text, dimensions);', `if (cache.size >= ${CACHE_MAX}) cache.clear();\n    cache.set(text, dimensions);`]],
  'wrap-text.js': [
    ['const cache = {};', `let cache = {};\nlet cacheSize = 0;`],
    ['cache[cacheKey] = wrappedText;', `if (++cacheSize > ${CACHE_MAX}) {\n        cache = {};\n        cacheSize = 1;\n    }\n    cache[cacheKey] = wrappedText;`],
  ],
};

/** Ink's module `name`'s source with its cache bounded; throws when a piece to replace is not there exactly once. */
export function boundInkCache(name, source) {
  let out = source;
  for (const [from, to] of PATCHES[name]) {
    const at = out.indexOf(from);
    if (at < 0 || out.indexOf(from, at + 1) >= 0) throw new Error(`ink/build/${name}: "${from}" is not there exactly once: Ink changed, look at scripts/ink-caches.mjs again`);
    out = out.slice(0, at) + to + out.slice(at + from.length);
  }
  return out;
}

/** The esbuild plugin. */
export function inkCaches() {
  return {
    name: 'ink-bounded-caches',
    setup(b) {
      b.onLoad({ filter: /[\\/]ink[\\/]build[\\/](measure-text|wrap-text)\.js$/ }, async (args) => {
        const { readFile } = await import('node:fs/promises');
        const name = args.path.endsWith('measure-text.js') ? 'measure-text.js' : 'wrap-text.js';
        return { contents: boundInkCache(name, await readFile(args.path, 'utf8')), loader: 'js' };
      });
    },
  };
}
