/**
 * What `TupleSet` and `TupleOwners` share: open-addressing tables of 64-bit tuple identities (two
 * 32-bit lanes) with linear probing, sized to a power of two at most 3/4 full.
 */

/** The table capacity (a power of two ≥ 16) for `initialCapacity` entries at ≤ 1/2 load. */
export function tableCapacity(initialCapacity: number): number {
  let cap = 16;
  while (cap < initialCapacity * 2) cap *= 2;
  return cap;
}

/** The home slot of (lo, hi) in a table of `mask + 1` slots. */
export function homeSlot(lo: number, hi: number, mask: number): number {
  return (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
}
