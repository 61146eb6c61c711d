/**
 * Less inlining in V8's optimizing compiler. A replay of a million lines spends as much CPU
 * compiling as reading records at first: the classifier's big functions (signals, facts) are
 * compiled with large inlined trees, and again after each deoptimization, on a thread beside the
 * program. A smaller budget for what one function may inline in all makes each compilation
 * cheaper for about the same compiled code on the hot paths. V8 reads the budget every time it
 * compiles, so setting it at run time, before the hot code is compiled, takes effect.
 *
 * Measured on the 1,000,000-line generated dmesg logs, in-process, CPU seconds (three runs each,
 * quiet machine; V8's default budget is 920): one-offs 2.25 -> 2.07, flood 1.04 -> 0.97, all
 * distinct 2.64 -> 2.56; wall-clock time within the noise (bench/findings.md).
 */
import { setFlagsFromString } from 'node:v8';

/** Bytecode, in bytes, that one optimized function may inline in all. */
const INLINED_BYTECODE_CUMULATIVE = 250;

export function preferSmallerCompiles(): void {
  setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${INLINED_BYTECODE_CUMULATIVE}`);
}
