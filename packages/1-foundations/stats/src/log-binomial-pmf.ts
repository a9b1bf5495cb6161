/**
 * The binomial probability mass function in log space by Loader's saddle-point method (C. Loader,
 * "Fast and Accurate Computation of Binomial Probabilities", 2000; R's dbinom_raw), which keeps full
 * relative accuracy at n = 10⁹ where differences of lgamma values lose nine digits.
 */
import { assertInteger, assertIntegerAtLeast, assertProbability } from './_assert.ts';
import { binomialLnPmf } from './_binomial-tails.ts';

/**
 * ln P(X = k) for X ~ Binom(n, p): ln[C(n, k)·pᵏ·(1 − p)ⁿ⁻ᵏ].
 *
 * Definition: Johnson, Kemp & Kotz, "Univariate Discrete Distributions" (3rd ed.), §3.1.
 * Method: Loader's saddle-point form
 * stirlerr(n) − stirlerr(k) − stirlerr(n − k) − bd0(k, np) − bd0(n − k, nq) − ½·ln(2πk(n − k)/n),
 * with k − np formed exactly (Dekker's product) so the deviance keeps its relative accuracy.
 * Accuracy: a few ulps of |ln P| plus ~1e-16 absolute. Complexity: O(1).
 *
 * @param k - number of successes, an integer (any value; outside 0..n the result is −Infinity).
 * @param n - number of trials, an integer ≥ 0 (≤ 2⁵³ − 1).
 * @param p - success probability in [0, 1].
 * @returns the natural logarithm of the probability, in [−Infinity, 0].
 * @throws {RangeError} if k or n is not a safe integer, n < 0, or p is outside [0, 1] or NaN.
 * @example
 * logBinomialPmf(3, 10, 0.5); // -2.1439800628174073 (= ln(120/1024))
 */
export function logBinomialPmf(k: number, n: number, p: number): number {
  assertInteger(k, 'k');
  assertIntegerAtLeast(n, 0, 'n');
  assertProbability(p, 'p');
  // `+ 0` turns the −0 of 0·ln(1 − p) at n = 0 into 0.
  return Math.min(0, binomialLnPmf(n, p)(k)) + 0;
}
