// Types for scripts/ink-caches.mjs (plain JavaScript: the build runs it without a build step).
import type { Plugin } from 'esbuild';

export declare const CACHE_MAX: number;
export declare function boundInkCache(name: 'measure-text.js' | 'wrap-text.js', source: string): string;
export declare function inkCaches(): Plugin;
