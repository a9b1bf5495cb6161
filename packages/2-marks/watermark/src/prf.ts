/**
 * Keyed pseudo-random functions over token ids, built for speed: one HKDF-derived 128-bit subkey
 * per purpose, then a few rounds of a strong 32-bit integer mixer per (context, token). Cost per
 * candidate token is O(h) integer operations and independent of the vocabulary size, which is what
 * lets a 200k-vocabulary bias cost close to one plain pass over the logits.
 *
 * The mixer is Chris Wellons' `lowbias32` (hash-prospector; bias 0.107 of an ideal 32-bit
 * function), chosen over SHA-256 per token because the full-vocabulary embedding path would need
 * 200k hashes per sampling step. Security rests on the 256-bit secret behind HKDF: the subkey words
 * enter every round, so without them the green list of a context is unpredictable. This is the same
 * trust model as the reference KGW code (a keyed integer hash seeding a PRNG), with a stronger mixer.
 */

/** Bijective 32-bit mixer (lowbias32: xorshift-multiply, constants 0x21f0aaad / 0x735a2d97). */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x >>> 0;
}

const GOLDEN = 0x9e3779b9;
const TWO_POW_32 = 4294967296;
const TWO_POW_21 = 2097152;
/** 2^-53: turns a 53-bit integer into a double in [0, 1) exactly. */
const INV_TWO_POW_53 = 1 / 9007199254740992;

/**
 * Fold the last `h` tokens before position `end` into two 32-bit seed lanes under subkey words
 * `k0..k3`. Order-sensitive, and distinct contexts collide only by chance (2^-64).
 * Tokens before index 0 do not exist: callers guarantee `end >= h`.
 */
export function seedContext(
  k: Uint32Array,
  tokens: ArrayLike<number>,
  end: number,
  h: number,
  out: Uint32Array,
): void {
  let a = k[0]!;
  let b = k[1]!;
  for (let j = end - h; j < end; j++) {
    const t = tokens[j]!;
    a = mix32((a ^ Math.imul(t + 1, GOLDEN)) + k[2]!);
    b = mix32((b + Math.imul(t ^ k[3]!, 0x85ebca6b)) ^ 0x27d4eb2f);
  }
  out[0] = a;
  out[1] = b;
}

/** A 32-bit keyed value for candidate `token` under seed lanes (a, b). Uniform for a random key. */
export function tokenHash32(a: number, b: number, token: number): number {
  return mix32(mix32(a ^ Math.imul(token + 1, GOLDEN)) ^ b);
}

/**
 * A uniform double in [0, 1) with 53 random bits for candidate `token` under seed lanes (a, b).
 * Floor mapping `j / 2^53` makes `-ln(1 - r)` stochastically no larger than Exp(1), so gamma-tail
 * p-values computed from it are exact-or-conservative, never anti-conservative.
 */
export function tokenUniform53(a: number, b: number, token: number): number {
  const hi = mix32(mix32(a + Math.imul(token + 1, 0xcc9e2d51)) ^ b);
  const lo = mix32(hi ^ Math.imul(token + 1, GOLDEN) ^ a);
  return ((hi >>> 11) * TWO_POW_32 + lo) * INV_TWO_POW_53;
}

/** Threshold so that `hash32 < threshold` holds for exactly `threshold / 2^32` of all values. */
export function greenThreshold(gamma: number): number {
  return Math.round(gamma * TWO_POW_32);
}

/** The exact green probability a threshold realises (differs from γ by at most 2^-33). */
export function thresholdProbability(threshold: number): number {
  return threshold / TWO_POW_32;
}

/** Read 16 bytes as four little-endian 32-bit words. */
export function wordsFromBytes(bytes: Uint8Array): Uint32Array {
  if (bytes.length < 16) throw new RangeError(`subkey must have at least 16 bytes, got ${bytes.length}`);
  const out = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    out[i] = (bytes[4 * i]! | (bytes[4 * i + 1]! << 8) | (bytes[4 * i + 2]! << 16) | (bytes[4 * i + 3]! << 24)) >>> 0;
  }
  return out;
}

export { TWO_POW_21, TWO_POW_32 };
