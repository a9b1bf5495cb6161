/**
 * Power analysis for the exact one-sided binomial test (the green-token count of KGW and unigram
 * watermarks): the smallest true rate a test of n trials detects with a given power, reported as
 * "this test would detect an effect ≥ … at this α".
 */
import { assertIntegerAtLeast, assertOpenProbability } from './_assert.ts';
import { binomialUpperTailInverse } from './_binomial-inverse.ts';
import { binomialUpperCritical } from './binomial-upper-critical.ts';

/**
 * The smallest true rate p₁ > p₀ at which the exact level-α one-sided binomial test of
 * H₀: rate = p₀ on n trials rejects with probability ≥ `power`.
 *
 * Definition: the test rejects when X ≥ c + 1, c = {@link binomialUpperCritical}(n, p₀, α), so its
 * size is P_{p₀}(X > c) ≤ α exactly (no normal approximation). Its power at p₁ is
 * P_{p₁}(X ≥ c + 1), continuous and increasing in p₁; the result is the p₁ where it equals `power`
 * (Lehmann & Romano, "Testing Statistical Hypotheses", 3rd ed., §3.4; the inversion is the same as a
 * Clopper–Pearson bound at count c + 1).
 * Method: exact critical value, then safeguarded Newton in p₁ on the exact log tail with slope
 * n·P_{n−1,p₁}(X = c). Relative accuracy ~1e-14. Complexity: O(log n) + ~10 tail evaluations.
 *
 * @param n - trials (e.g. scored tokens), an integer ≥ 1.
 * @param p0 - null rate (e.g. the green fraction γ), in (0, 1).
 * @param alpha - test level, in (0, 1).
 * @param power - required power, in (alpha, 1).
 * @returns p₁ ∈ (p₀, 1]; +Infinity if the test can never reject (P_{p₀}(X = n) > α, so no
 *   count, however large, is significant).
 * @throws {RangeError} if n < 1 or not a safe integer, p0, alpha or power is outside (0, 1), or
 *   power ≤ alpha.
 * @example
 * binomialMinimumDetectable(200, 0.25, 1e-6, 0.8); // 0.43705314868331346 (a green rate ≥ 43.7% is needed)
 */
export function binomialMinimumDetectable(n: number, p0: number, alpha: number, power: number): number {
  assertIntegerAtLeast(n, 1, 'n');
  assertOpenProbability(p0, 'p0');
  assertOpenProbability(alpha, 'alpha');
  assertOpenProbability(power, 'power');
  if (!(power > alpha)) throw new RangeError(`power must exceed alpha (${alpha}), got ${power}`);
  const c = binomialUpperCritical(n, p0, alpha);
  if (c >= n) return Number.POSITIVE_INFINITY;
  return binomialUpperTailInverse(c + 1, n, Math.log(power));
}
