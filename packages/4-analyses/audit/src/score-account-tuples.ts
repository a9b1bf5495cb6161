/**
 * The per-key half of account attribution: one account key's score over the distinct tuples that
 * `prepareAttributionTuples` found, as a tight integer loop over typed arrays — no Map, no string,
 * no allocation, no call per tuple. Each distinct context's seed lanes are computed once per key
 * (`seedContext`'s 2h mixes), then each tuple of that context costs one `tokenHash32` (two mixes).
 *
 * The arithmetic is `seedContext` / `tokenHash32` / `tokenUniform53` of packages/2-marks/watermark
 * /src/prf.ts inlined by hand with the key-independent products (`imul(t + 1, GOLDEN)`, …) taken
 * from the prepared arrays; `attribute-accounts.test.ts` checks the result against the per-tuple
 * `SchemeCore.scoreAt` reference to the bit for every scheme. KGW and SynthID scores are integer
 * counts, so their order of addition does not matter and the context-grouped layout is used.
 * Gumbel's per-tuple scores are doubles added in the reference's first-occurrence order (sums of
 * multiples of 2^-32 are exact only below 2^21, and the reference adds in that order), so Gumbel
 * first computes every context's lanes, then walks the tuples in order.
 *
 * Cost (measured, bench/audit.ts "attribution kernel"): see BENCHMARKS.md.
 */
import { type AttributionTuples } from './prepare-attribution-tuples.ts';

/** How the per-tuple hash becomes a score. */
export type TupleScoring =
  | { readonly scheme: 'kgw'; readonly threshold: number }
  | { readonly scheme: 'synthid'; readonly mask: number }
  | { readonly scheme: 'gumbel' };

/**
 * Score of one key (subkey words `k`, four 32-bit words) over the prepared tuples. `lanes` is
 * scratch of at least 2 × contexts words, used by Gumbel only.
 */
export function scoreAccountTuples(tuples: AttributionTuples, scoring: TupleScoring, k: Uint32Array, lanes?: Uint32Array): number {
  switch (scoring.scheme) {
    case 'kgw':
      return countGrouped(tuples, k, scoring.threshold, 0);
    case 'synthid':
      return countGrouped(tuples, k, 0, scoring.mask);
    case 'gumbel':
      return gumbelOrdered(tuples, k, lanes ?? new Uint32Array(2 * tuples.contexts));
  }
}

/** KGW (mask 0: count hash < threshold) or SynthID (count set bits of hash & mask). */
function countGrouped(tuples: AttributionTuples, k: Uint32Array, threshold: number, mask: number): number {
  const { h, contexts, ctxStart } = tuples;
  // Int32 views: a Uint32Array element above 2^31 loads as a double and costs a conversion per use
  // (measured ~10% on the hash loop alone); the bits are the same.
  const ctxTokens = int32(tuples.ctxTokens);
  const ctxGold = int32(tuples.ctxGold);
  const groupedGold = int32(tuples.groupedGold);
  // x >>> 0 < threshold, as a signed compare after flipping the sign bit of both sides.
  const below = (threshold - 2147483648) | 0;
  const k0 = k[0]! | 0;
  const k1 = k[1]! | 0;
  const k2 = k[2]! | 0;
  const k3 = k[3]! | 0;
  let count = 0;
  let start = 0;
  for (let c = 0; c < contexts; c++) {
    // seedContext: lanes (a, b) folded over the context's h tokens.
    let a = k0;
    let b = k1;
    const base = c * h;
    for (let j = base; j < base + h; j++) {
      let x = ((a ^ ctxGold[j]!) + k2) | 0;
      x ^= x >>> 16; x = Math.imul(x, 0x21f0aaad); x ^= x >>> 15; x = Math.imul(x, 0x735a2d97); x ^= x >>> 15;
      a = x;
      let y = ((b + Math.imul(ctxTokens[j]! ^ k3, 0x85ebca6b)) ^ 0x27d4eb2f) | 0;
      y ^= y >>> 16; y = Math.imul(y, 0x21f0aaad); y ^= y >>> 15; y = Math.imul(y, 0x735a2d97); y ^= y >>> 15;
      b = y;
    }
    const end = ctxStart[c + 1]!;
    // tokenHash32 for each scored token of this context.
    if (mask === 0) {
      for (let t = start; t < end; t++) {
        let x = a ^ groupedGold[t]!;
        x ^= x >>> 16; x = Math.imul(x, 0x21f0aaad); x ^= x >>> 15; x = Math.imul(x, 0x735a2d97); x ^= x >>> 15;
        x ^= b;
        x ^= x >>> 16; x = Math.imul(x, 0x21f0aaad); x ^= x >>> 15; x = Math.imul(x, 0x735a2d97); x ^= x >>> 15;
        if ((x ^ -2147483648) < below) count++;
      }
    } else {
      for (let t = start; t < end; t++) {
        let x = a ^ groupedGold[t]!;
        x ^= x >>> 16; x = Math.imul(x, 0x21f0aaad); x ^= x >>> 15; x = Math.imul(x, 0x735a2d97); x ^= x >>> 15;
        x ^= b;
        x ^= x >>> 16; x = Math.imul(x, 0x21f0aaad); x ^= x >>> 15; x = Math.imul(x, 0x735a2d97); x ^= x >>> 15;
        x &= mask;
        x -= (x >>> 1) & 0x55555555;
        x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
        x = (x + (x >>> 4)) & 0x0f0f0f0f;
        count += Math.imul(x, 0x01010101) >>> 24;
      }
    }
    start = end;
  }
  return count;
}

function int32(a: Uint32Array): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.length);
}

const TWO_POW_32 = 4294967296;
const INV_TWO_POW_53 = 1 / 9007199254740992;

/** Gumbel: Σ floor(−ln(1 − r)·2^32)/2^32 in first-occurrence order. */
function gumbelOrdered(tuples: AttributionTuples, k: Uint32Array, lanes: Uint32Array): number {
  const { h, n, contexts, ctxTokens, ctxGold, ctxOf, candGold, candMur } = tuples;
  const k0 = k[0]! | 0;
  const k1 = k[1]! | 0;
  const k2 = k[2]! | 0;
  const k3 = k[3]! | 0;
  for (let c = 0; c < contexts; c++) {
    let a = k0;
    let b = k1;
    for (let j = c * h; j < c * h + h; j++) {
      let x = ((a ^ ctxGold[j]!) + k2) | 0;
      x ^= x >>> 16; x = Math.imul(x, 0x21f0aaad); x ^= x >>> 15; x = Math.imul(x, 0x735a2d97); x ^= x >>> 15;
      a = x;
      let y = ((b + Math.imul(ctxTokens[j]! ^ k3, 0x85ebca6b)) ^ 0x27d4eb2f) | 0;
      y ^= y >>> 16; y = Math.imul(y, 0x21f0aaad); y ^= y >>> 15; y = Math.imul(y, 0x735a2d97); y ^= y >>> 15;
      b = y;
    }
    lanes[2 * c] = a;
    lanes[2 * c + 1] = b;
  }
  let score = 0;
  for (let t = 0; t < n; t++) {
    const c = ctxOf[t]!;
    const a = lanes[2 * c]! | 0;
    const b = lanes[2 * c + 1]! | 0;
    // tokenUniform53(a, b, token)
    let x = (a + candMur[t]!) | 0;
    x ^= x >>> 16; x = Math.imul(x, 0x21f0aaad); x ^= x >>> 15; x = Math.imul(x, 0x735a2d97); x ^= x >>> 15;
    x ^= b;
    x ^= x >>> 16; x = Math.imul(x, 0x21f0aaad); x ^= x >>> 15; x = Math.imul(x, 0x735a2d97); x ^= x >>> 15;
    const hi = x >>> 0;
    let y = hi ^ candGold[t]! ^ a;
    y ^= y >>> 16; y = Math.imul(y, 0x21f0aaad); y ^= y >>> 15; y = Math.imul(y, 0x735a2d97); y ^= y >>> 15;
    const r = ((hi >>> 11) * TWO_POW_32 + (y >>> 0)) * INV_TWO_POW_53;
    score += Math.floor(-Math.log1p(-r) * TWO_POW_32) / TWO_POW_32;
  }
  return score;
}
