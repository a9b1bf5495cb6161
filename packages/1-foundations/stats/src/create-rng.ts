/**
 * The one seeded pseudo-random generator of tracemark: reproducible sampling, shuffling,
 * permutation tests and test data all draw from it, so a seed means the same stream everywhere.
 *
 * Algorithm: sfc32, Chris Doty-Humphrey's "Small Fast Counting" generator (PractRand, 2011;
 * passes PractRand to 2^40+ bytes and TestU01 BigCrush), seeded from SHA-256 of the tagged seed.
 * Why this one among the four the code base used to carry (mulberry32, splitmix32, a counter-based
 * lowbias32 and an LCG):
 * - 128 bits of state with a counter, so no short cycles (period ≥ 2^32, expected 2^127) where
 *   mulberry32 and splitmix32 have 2^32 states in all and an LCG's low bits cycle visibly;
 * - a handful of 32-bit integer operations per draw, no BigInt and no 64-bit emulation (xoshiro's
 *   64-bit variants need both in JavaScript);
 * - seeding through SHA-256 makes nearby seeds (1, 2, 3 …) and strings (`panel\0seed`) give
 *   unrelated streams, which a bare counter seed does not;
 * - it was already the stream of generation, the gateway and the attacks, so moving the other
 *   users onto it leaves every sampled output the product ships unchanged.
 * Not for secrets: watermark keys use `@noble/hashes` and the platform CSPRNG, never this.
 */
import { sha256 } from '@noble/hashes/sha2.js';

const utf8 = new TextEncoder();
/** 2^-32: sfc32 yields 32-bit words; one word per draw is plenty to choose among 200k tokens. */
const INV_2_32 = 1 / 4_294_967_296;

/**
 * A uniform generator on [0, 1) determined entirely by `seed`.
 *
 * Method: the seed is tagged with its type (`1` and `'1'` give different streams), hashed with
 * SHA-256 under the label `tracemark.rng.v1`, and the first 128 bits become sfc32's state; 12
 * warm-up rounds follow, as its author advises. Each draw is one 32-bit word scaled by 2^-32, so
 * values are multiples of 2^-32 in [0, 1 − 2^-32]. Creation costs one SHA-256 of a short message;
 * a draw, a handful of integer operations.
 *
 * @throws RangeError for a non-finite number; TypeError for anything but a number or string.
 * @example
 * const random = createRng(42);
 * random(); // 0.732231768546626 — the same on every run and platform
 */
export function createRng(seed: number | string): () => number {
  let tagged: string;
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number or a string, got ${seed}`);
    tagged = `number:${seed}`;
  } else if (typeof seed === 'string') tagged = `string:${seed}`;
  else throw new TypeError(`seed must be a number or a string, got ${typeof seed}`);
  const digest = sha256(utf8.encode(`tracemark.rng.v1\u0000${tagged}`));
  const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
  let a = view.getUint32(0, true) | 0;
  let b = view.getUint32(4, true) | 0;
  let c = view.getUint32(8, true) | 0;
  let d = view.getUint32(12, true) | 0;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) * INV_2_32;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/**
 * Standard normal draws from `createRng(seed)` by the Box–Muller transform (Box and Muller 1958,
 * "A note on the generation of random normal deviates"): two uniforms give two independent
 * normals, the second kept for the next call. Used for synthetic model weights.
 *
 * @throws as `createRng`.
 * @example
 * const normal = createNormalRng('weights');
 * normal(); // a N(0, 1) draw, the same on every run
 */
export function createNormalRng(seed: number | string): () => number {
  const uniform = createRng(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    const u = 1 - uniform(); // (0, 1], so the log is finite
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
}
