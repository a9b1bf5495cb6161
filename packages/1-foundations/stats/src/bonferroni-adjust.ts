/**
 * Bonferroni adjustment of a family of p-values for multiple testing: each pᵢ becomes min(1, m·pᵢ),
 * controlling the family-wise error rate under any dependence (C. E. Bonferroni 1936).
 */
import { log10sOfPValues } from './_read-p-values.ts';
import { type PValue, pValueFromLog10 } from './p-value.ts';

/**
 * Bonferroni-adjusted p-values min(1, m·pᵢ), in input order.
 *
 * Definition: rejecting every hypothesis whose adjusted p-value is ≤ α controls the family-wise
 * error rate at α under arbitrary dependence (union bound). Matches statsmodels
 * multipletests(method='bonferroni') and R p.adjust(method = "bonferroni").
 * Method: log₁₀ pᵢ + log₁₀ m, clamped to 0. Complexity: O(m).
 *
 * @param pValues - the family (may be empty).
 * @throws {RangeError} if an entry is invalid.
 * @example
 * bonferroniAdjust([0.01, 0.04, 0.5].map(pValueFromProbability)).map((p) => p.pValue);
 * // [0.029999999999999995, 0.12000000000000002, 1]
 */
export function bonferroniAdjust(pValues: readonly PValue[]): PValue[] {
  const logs = log10sOfPValues(pValues, 'pValues');
  const shift = Math.log10(logs.length);
  return Array.from(logs, (l) => pValueFromLog10(l + shift));
}
