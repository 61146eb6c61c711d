/**
 * Less inlining in V8's optimizing compiler, for a replay of saved logs. A replay of a million
 * lines spends about a third of its CPU time compiling: the classifier's big functions (signals,
 * facts) are compiled with large inlined trees, and again after each deoptimization, on a thread
 * beside the program. A smaller budget for what one function may inline in all makes each
 * compilation cheaper. V8 reads the budget every time it compiles, so setting it at run time,
 * before the hot code is compiled, takes effect.
 *
 * It is a trade: the compiled code is a little slower once warm (the parser's helpers are called
 * instead of inlined). Measured on the 1,000,000-line generated dmesg logs, in process, CPU
 * seconds (quiet machine; V8's default budget is 920): a whole run of the one-offs 2.25 -> 2.07, the
 * flood 1.04 -> 0.97, all distinct 2.64 -> 2.56, wall-clock time within the noise; a third pass over
 * the same file in the same process 1.52-1.55 -> 1.55-1.66 (one-offs), 0.67-0.71 -> 0.76 (flood).
 * So it pays for a replay up to a few million lines (a rotated audit.log or kern.log is far
 * shorter) and is not set for the live view or live streaming, which run warm for hours
 * (bench/findings.md).
 */
import { setFlagsFromString } from 'node:v8';

/** Bytecode, in bytes, that one optimized function may inline in all. */
const INLINED_BYTECODE_CUMULATIVE = 250;

export function preferSmallerCompiles(): void {
  setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${INLINED_BYTECODE_CUMULATIVE}`);
}
