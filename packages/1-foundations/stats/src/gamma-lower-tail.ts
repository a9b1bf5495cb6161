/**
 * The Gamma(shape, 1) lower tail, the regularized lower incomplete gamma function P(a, x); used by
 * left-tailed checks and as the exact complement of {@link gammaUpperTail}.
 */
import { assertNumber, assertPositive } from './_assert.ts';
import { lnGammaTails } from './_gamma-tails.ts';
import { type PValue, pValueFromLn } from './p-value.ts';

/**
 * P(G ≤ x) for G ~ Gamma(shape, scale 1): P(a, x) = γ(a, x)/Γ(a) (DLMF 8.2.4).
 *
 * Method: as {@link gammaUpperTail}, of which this is the exact complement (the smaller tail is
 * computed directly, the larger as ln(1 − smaller)). Complexity: O(1) to O(√shape) terms.
 *
 * @param x - the point; x ≤ 0 gives 0, +Infinity gives 1.
 * @param shape - shape a > 0 (finite).
 * @throws {RangeError} if x is NaN, or shape is not a finite number > 0.
 * @example
 * gammaLowerTail(1, 1); // { pValue: 0.6321205588285579, log10PValue: -0.19920008462778133 } (= 1 − e⁻¹)
 */
export function gammaLowerTail(x: number, shape: number): PValue {
  assertNumber(x, 'x');
  assertPositive(shape, 'shape');
  return pValueFromLn(lnGammaTails(x, shape).lnLower);
}
