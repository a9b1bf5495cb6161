/**
 * 32-bit FNV-1a hashes of n-gram strings (Fowler–Noll–Vo, IETF draft-eastlake-fnv), so that
 * feature vectors are integer-keyed: map look-ups and sorted merges on numbers run ~5× faster than
 * on strings (measured on 120-probe analyses). A collision merges two n-grams into one feature for
 * every model alike, so the measures stay symmetric; at a few thousand n-grams per probe the
 * chance of any collision is ~1e-3 and its effect on a cosine negligible.
 */

/** FNV-1a over the UTF-16 code units of `s`. */
export function hashFeature(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Integer-keyed feature counts. */
export type HashedBag = Map<number, number>;

/** Hash the keys of a string bag (counts of colliding keys add up). */
export function hashBag(bag: ReadonlyMap<string, number>): HashedBag {
  const out: HashedBag = new Map();
  for (const [f, c] of bag) {
    const h = hashFeature(f);
    out.set(h, (out.get(h) ?? 0) + c);
  }
  return out;
}
