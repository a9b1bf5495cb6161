/**
 * What the tuple tables share (`TupleSet`, `TupleOwners`, the range tables of range-summary.ts):
 * open addressing on 64-bit tuple identities with linear probing, sized to a power of two at most
 * 3/4 full, each slot `stride` 32-bit lanes of one typed array, the identity (lo, hi) first and
 * (0, 0) meaning empty.
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

/**
 * Find (lo, hi) in `lanes` (slots of `stride` lanes, `mask + 1` of them, never full), or claim the
 * empty slot where its probe ends by writing (lo, hi) there. Returns the slot's first lane index,
 * negated minus one when the slot was just claimed (its other lanes are the caller's to set).
 * (lo, hi) must not be (0, 0), the empty mark.
 */
export function findOrClaim(lanes: Uint32Array, stride: number, mask: number, lo: number, hi: number): number {
  let i = homeSlot(lo, hi, mask);
  for (;;) {
    const b = i * stride;
    const a0 = lanes[b]!;
    const a1 = lanes[b + 1]!;
    if (a0 === lo && a1 === hi) return b;
    if (a0 === 0 && a1 === 0) {
      lanes[b] = lo;
      lanes[b + 1] = hi;
      return -b - 1;
    }
    i = (i + 1) & mask;
  }
}

/** The table `old` (slots of `stride` lanes) regrown to `capacity` slots: every entry reinserted at its home slot, its other lanes carried along. */
export function rehashTable(old: Uint32Array, stride: number, capacity: number): Uint32Array {
  const next = new Uint32Array(capacity * stride);
  const mask = capacity - 1;
  for (let j = 0; j < old.length; j += stride) {
    const a = old[j]!;
    const b = old[j + 1]!;
    if (a === 0 && b === 0) continue;
    let i = homeSlot(a, b, mask);
    while (next[i * stride] !== 0 || next[i * stride + 1] !== 0) i = (i + 1) & mask;
    // Lane by lane: a subarray per entry cost more than the probing (measured: a million new tuples claimed into a growing TupleOwners, 300 → 220 ms).
    for (let k = 0; k < stride; k++) next[i * stride + k] = old[j + k]!;
  }
  return next;
}
