/**
 * Test support shared by the stats test files (no vitest import, so it type-checks anywhere):
 * error measures, hashed uniforms bit-identical to the Python reference script, and the
 * tolerances every accuracy test states.
 */

/**
 * Relative tolerance on log10 p against mpmath. Direct tails are ~1e-15 (measured worst 4.5e-14);
 * a tail obtained as ln(1 − s) from a small s = e^{ℓ} inherits |ℓ|·ε relative error from exp,
 * at most 709·ε·(few) ≈ 1e-13 (measured worst 2.4e-13, Q(10⁴, 6728.6) ≈ 1 − 1e-302).
 */
export const LOG10_RELATIVE_TOLERANCE = 1e-12;

/** Below this a log10 is subnormal or zero, so compare absolutely. */
export const SUBNORMAL_SLACK = 1e-300;

/** |a − b|/|b|, 0 when equal (including both infinite). */
export function relativeError(actual: number, expected: number): number {
  if (actual === expected) return 0;
  return Math.abs(actual - expected) / Math.abs(expected);
}

/** True when |a − b| ≤ tolerance·|b| + slack. */
export function close(actual: number, expected: number, tolerance: number, slack = 0): boolean {
  if (actual === expected) return true;
  return Math.abs(actual - expected) <= tolerance * Math.abs(expected) + slack;
}

/** uᵢ = (((i + offset)·2654435761) mod 2³²)/2³², bit-identical to the Python generator's sample. */
export function hashUniforms(n: number, offset: number, sqrtEvery: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = Number((BigInt(i + offset) * 2654435761n) % 4294967296n) / 4294967296;
    out[i] = sqrtEvery > 0 && i % sqrtEvery === 0 ? Math.sqrt(u) : u;
  }
  return out;
}
