/**
 * A small, fast, seedable pseudo-random generator for reproducible sampling and shuffling: sfc32
 * (Chris Doty-Humphrey's "Small Fast Counting" generator, PractRand-clean up to 2^40+ bytes),
 * seeded from SHA-256 of the seed so that nearby seeds (1, 2, 3 …) give unrelated streams.
 * Not for secrets: watermark keys use `@noble/hashes`, never this.
 */
import { sha256 } from '@noble/hashes/sha2.js';

const utf8 = new TextEncoder();
/** 2^-32: sfc32 yields 32-bit words; one word per draw is plenty to choose among 200k tokens. */
const INV_2_32 = 1 / 4_294_967_296;

/**
 * A uniform generator on [0, 1) determined entirely by `seed`.
 *
 * The seed is tagged with its type (`1` and `'1'` give different streams), hashed with SHA-256,
 * and the first 128 bits become sfc32's state; 12 warm-up rounds follow, as its author advises.
 * Each draw costs a handful of integer operations.
 *
 * @throws RangeError for a non-finite number; TypeError for anything but a number or string.
 * @example
 * const random = createRng(42);
 * random(); // the same value on every run and platform, in [0, 1)
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
