// Types for bench/generate.mjs (plain JavaScript so it runs without a build step).
export declare const CARRIERS: readonly ['dmesg', 'journal', 'auditlog'];
export declare const GENERATOR_VERSION: number;
export declare const MIXES: readonly ['mixed', 'flood', 'distinct'];
/** mulberry32: a deterministic stream of numbers in [0, 1) from a seed. */
export declare function prng(seed: number): () => number;
export interface GenerateOptions {
  carrier: 'dmesg' | 'journal' | 'auditlog';
  lines?: number;
  share?: number;
  seed?: number;
  withClass?: boolean;
  mix?: 'mixed' | 'flood' | 'distinct';
}
export declare function logLines(opts: GenerateOptions, stats?: { lines: number; records: number }): Generator<string, void, void>;
export declare function generate(opts: GenerateOptions & { lines: number }, write: (chunk: string) => void): { lines: number; records: number; bytes: number };
export declare function generateFile(opts: GenerateOptions & { lines: number }, path: string): { lines: number; records: number; bytes: number };
