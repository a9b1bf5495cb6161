/**
 * The standard normal upper tail in log space, for z-scores that run to hundreds of standard
 * deviations on long watermarked documents.
 */
import { assertNumber } from './_assert.ts';
import { lnNormalUpper } from './_normal.ts';
import { type PValue, pValueFromLn } from './p-value.ts';

/**
 * P(Z ≥ z) for Z ~ N(0, 1), with log₁₀ accurate far below 1e-308.
 *
 * Definition: Q(z) = ½·erfc(z/√2) (DLMF 7.2.2, 7.18.2).
 * Method: z ≥ 1: ln Q = ln(½·erfcx(z/√2)) − z²/2 using the scaled complementary error function
 * (Faddeeva-package algorithm via @stdlib/math-base-special-erfcx), so nothing underflows;
 * 0 ≤ z < 1: ln(½·erfc(z/√2)); z < 0: log1p(−½·erfc(−z/√2)). Relative accuracy of log10PValue
 * ~1e-15 (mpmath-checked at z = −8 … 1000). Complexity: O(1).
 *
 * @param z - the standard score; ±Infinity allowed.
 * @throws {RangeError} if z is NaN.
 * @example
 * normalUpperTail(40); // { pValue: 0 (3.6558935409150e-350 underflows), log10PValue: -349.4370064593458 }
 */
export function normalUpperTail(z: number): PValue {
  assertNumber(z, 'z');
  return pValueFromLn(lnNormalUpper(z));
}
