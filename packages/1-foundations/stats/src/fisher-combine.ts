/**
 * Fisher's method for combining independent p-values (R. A. Fisher, "Statistical Methods for
 * Research Workers", 4th ed., 1932, §21.1), evaluated exactly in log space so that inputs of
 * 1e-500 and a combined p-value of 1e-5000 are handled.
 */
import { lnGammaTails } from './_gamma-tails.ts';
import { CompensatedSum, LN10 } from './_log-space.ts';
import { log10sOfPValues } from './_read-p-values.ts';
import { type PValue, pValueFromLn } from './p-value.ts';

/** Fisher's combined p-value with its statistic. */
export interface FisherResult extends PValue {
  /** X = −2·Σ ln pᵢ (+Infinity if some pᵢ = 0). */
  readonly statistic: number;
  /** 2L, for L inputs. */
  readonly degreesOfFreedom: number;
}

/**
 * Combines L p-values by Fisher's method: X = −2·Σ ln pᵢ ~ χ²(2L) under the null.
 *
 * Assumption: the p-values are INDEPENDENT and each is exactly uniform (or super-uniform) under
 * the null. Under positive dependence Fisher's method is anti-conservative and can accuse on
 * correlated evidence; use {@link harmonicMeanCombine} or {@link bonferroniCombine} when the
 * inputs may be dependent (for example several tests run on the same text).
 * Method: P(χ²₂L ≥ X) = Q(L, −Σ ln pᵢ) exactly (the gamma upper tail, {@link gammaUpperTail}),
 * with the ln pᵢ taken from log10PValue, so nothing underflows. Complexity: O(L + √L).
 *
 * @param pValues - at least one {@link PValue}.
 * @throws {RangeError} if the list is empty or an entry has log10PValue > 0 (or no valid field).
 * @example
 * fisherCombine([0.01, 0.2, 0.3].map(pValueFromProbability));
 * // { pValue: 0.02156175132483463, log10PValue: -1.6663159670557128,
 * //   statistic: 14.837161805496256, degreesOfFreedom: 6 }
 */
export function fisherCombine(pValues: readonly PValue[]): FisherResult {
  const logs = log10sOfPValues(pValues, 'pValues');
  if (logs.length === 0) throw new RangeError('pValues must not be empty');
  const sum = new CompensatedSum();
  for (const l of logs) sum.add(-l);
  const half = sum.value() * LN10;
  const lnP = lnGammaTails(half, logs.length).lnUpper;
  return { ...pValueFromLn(lnP), statistic: 2 * half, degreesOfFreedom: 2 * logs.length };
}
