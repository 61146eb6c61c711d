/**
 * Columns of numbers in typed arrays that start small and grow eightfold as they fill, up to a
 * bound: a short log touches little memory (first touching fresh memory costs far more than
 * writing it), and a long one moves its values a few times only. Used by the deduper's rings.
 */

/** Slots a column starts with (log2), when its bound is larger. */
export const FIRST_LOG2 = 12;
/** How much a column grows at a time (a power of two). Eightfold: a table that rehashes as it
 * grows (recent-table.ts) moves a seventh of the keys doubling moved. */
export const GROWTH = 8;

/** The slots a column of at most 2^boundLog2 starts with. */
export function firstSize(boundLog2: number): number {
  return 1 << Math.min(boundLog2, FIRST_LOG2);
}

/** The column grown GROWTH times (up to `bound` slots), its values kept at their places. */
export function grown<A extends Int32Array | Float64Array>(a: A, bound: number): A {
  const size = Math.min(a.length * GROWTH, bound);
  const b = (a instanceof Int32Array ? new Int32Array(size) : new Float64Array(size)) as A;
  b.set(a);
  return b;
}
