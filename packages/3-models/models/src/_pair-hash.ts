/**
 * Shared internals of the n-gram tables: a 32-bit mixer for (id, id) pairs and table sizing.
 * The tables themselves are open-addressing arrays of `index + 1` (0 = empty) with linear
 * probing; the keys live in the arrays the indices point into, so a slot costs 4 bytes instead of
 * 12 (sotu order 4 has ~3M contexts and ~5M n-grams).
 */

/** Mix two 32-bit ids into a well-spread 32-bit hash (murmur3-style finaliser). */
export function pairHash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul((b + 0x7f4a7c15) | 0, 0x85ebca77);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Smallest power of two ≥ 2n (load factor ≤ 1/2 keeps linear-probe chains short), at least 16. */
export function tableCapacity(n: number): number {
  let c = 16;
  while (c < 2 * n) c *= 2;
  return c;
}
