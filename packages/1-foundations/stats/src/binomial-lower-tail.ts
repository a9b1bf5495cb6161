/**
 * The exact binomial lower tail P(X ≤ k), the complement used by confidence bounds and by the
 * "upper + lower = 1" checks of the upper tail.
 */
import { assertInteger, assertIntegerAtLeast, assertProbability } from './_assert.ts';
import { lnBinomialTails } from './_binomial-tails.ts';
import { type PValue, pValueFromLn } from './p-value.ts';

/**
 * P(X ≤ k) for X ~ Binom(n, p), exact, with log₁₀ accurate far below 1e-308.
 *
 * Definition: Σ_{j=0}^{k} C(n, j)·pʲ(1 − p)ⁿ⁻ʲ = I_{1−p}(n − k, k + 1) (DLMF 8.17.5).
 * Method: as {@link binomialUpperTail}, of which this is the exact complement at k + 1 (both are
 * computed together; the smaller directly, the larger as ln(1 − smaller)).
 * Complexity: O(1) to O(√(npq)) saddle-point terms.
 *
 * Edge cases: k < 0 → 0; k ≥ n → 1.
 *
 * @param k - count (an integer; any value).
 * @param n - number of trials, an integer ≥ 0.
 * @param p - success probability, in [0, 1].
 * @throws {RangeError} if k or n is not a safe integer, n < 0, or p is outside [0, 1] or NaN.
 * @example
 * binomialLowerTail(2, 10, 0.5); // { pValue: 0.0546875, log10PValue: -1.2621119296336114 } (= 56/1024)
 */
export function binomialLowerTail(k: number, n: number, p: number): PValue {
  assertInteger(k, 'k');
  assertIntegerAtLeast(n, 0, 'n');
  assertProbability(p, 'p');
  if (k >= Number.MAX_SAFE_INTEGER) return pValueFromLn(0);
  return pValueFromLn(lnBinomialTails(k + 1, n, p).lnLower);
}
