/**
 * The chi-square upper tail, the null distribution of Fisher's combined statistic and of
 * goodness-of-fit statistics; χ²(df) is Gamma(df/2, scale 2).
 */
import { assertNumber, assertPositive } from './_assert.ts';
import { lnGammaTails } from './_gamma-tails.ts';
import { type PValue, pValueFromLn } from './p-value.ts';

/**
 * P(χ²_df ≥ x), exact, with log₁₀ accurate far below 1e-308.
 *
 * Definition: Q(df/2, x/2), the regularized upper incomplete gamma function (DLMF 8.2.4; Abramowitz
 * & Stegun 26.4.2).
 * Method: {@link gammaUpperTail} at (x/2, df/2); halving is exact in binary. Complexity: O(1) to
 * O(√df).
 *
 * @param x - the statistic; x ≤ 0 gives 1, +Infinity gives 0.
 * @param df - degrees of freedom, a finite number > 0 (need not be an integer).
 * @throws {RangeError} if x is NaN, or df is not a finite number > 0.
 * @example
 * chiSquareUpperTail(3.841458820694124, 1); // { pValue: 0.05000000000000012, log10PValue: -1.3010299956639801 }
 */
export function chiSquareUpperTail(x: number, df: number): PValue {
  assertNumber(x, 'x');
  assertPositive(df, 'df');
  return pValueFromLn(lnGammaTails(x / 2, df / 2).lnUpper);
}
