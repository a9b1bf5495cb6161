/**
 * Power analysis for the summed-score test of the exponential-minimum / Gumbel watermark (Aaronson
 * 2022; Kuditipudi et al. 2023): the smallest mean score per token that n scored tokens detect
 * with a given power.
 */
import { assertOpenProbability, assertPositive } from './_assert.ts';
import { lnGammaUpperInverse } from './_gamma-inverse.ts';

/**
 * The smallest mean per-token score μ > 1 at which the exact level-α test "S ≥ s_α" on the sum S of
 * n scores, S ~ Gamma(n, 1) under the null, rejects with probability ≥ `power`.
 *
 * Definition and model: under the null each score is Exp(1) and S ~ Gamma(n, 1); the test rejects
 * when Q(n, S) ≤ α, i.e. S ≥ s_α = Q⁻¹(n, α). Under the alternative the scores are modelled as
 * exponential with mean μ (a scale alternative, S ~ Gamma(n, μ)), so the power is Q(n, s_α/μ) and
 * the answer is μ = s_α / Q⁻¹(n, power) — exact under that model (Lehmann & Romano, §3.4: the
 * test is uniformly most powerful for it). Real watermarked scores are not exactly exponential
 * (their distribution depends on per-token entropy), so read the result as "mean score per token
 * needed", not as a guarantee.
 * Method: two calls of {@link gammaUpperQuantile}. Relative accuracy ~1e-14.
 * Complexity: ~10–20 gamma tail evaluations, each O(1) to O(√n).
 *
 * @param n - number of scored tokens (shape), a finite number > 0.
 * @param alpha - test level, in (0, 1).
 * @param power - required power, in (alpha, 1).
 * @returns μ > 1, the smallest detectable mean score per token.
 * @throws {RangeError} if n is not a finite number > 0, alpha or power is outside (0, 1), or
 *   power ≤ alpha.
 * @example
 * gammaMinimumDetectable(200, 1e-6, 0.8); // 1.4603280793641942 (mean score per token ≥ 1.460)
 */
export function gammaMinimumDetectable(n: number, alpha: number, power: number): number {
  assertPositive(n, 'n');
  assertOpenProbability(alpha, 'alpha');
  assertOpenProbability(power, 'power');
  if (!(power > alpha)) throw new RangeError(`power must exceed alpha (${alpha}), got ${power}`);
  return lnGammaUpperInverse(Math.log(alpha), n) / lnGammaUpperInverse(Math.log(power), n);
}
