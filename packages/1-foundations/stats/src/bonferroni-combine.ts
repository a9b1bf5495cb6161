/**
 * The Bonferroni combination of p-values for one hypothesis (min p times the number of tests):
 * valid under any dependence, by the union bound (C. E. Bonferroni 1936; Vovk & Wang 2020 call it
 * the M_{−∞} merging function).
 */
import { log10sOfPValues } from './_read-p-values.ts';
import { type PValue, pValueFromLog10 } from './p-value.ts';

/**
 * Combines L p-values as min(1, L·min pᵢ), valid under ARBITRARY dependence (union bound).
 *
 * Method: in log₁₀, min lᵢ + log₁₀ L clamped to 0, so inputs of 1e-500 work. Complexity: O(L).
 *
 * @param pValues - at least one {@link PValue}.
 * @throws {RangeError} if the list is empty or an entry is invalid.
 * @example
 * bonferroniCombine([1e-8, 0.5, 0.9].map(pValueFromProbability));
 * // { pValue: 3.000000000000001e-8, log10PValue: -7.522878745280337 }
 */
export function bonferroniCombine(pValues: readonly PValue[]): PValue {
  const logs = log10sOfPValues(pValues, 'pValues');
  if (logs.length === 0) throw new RangeError('pValues must not be empty');
  let min = 0;
  for (const l of logs) min = Math.min(min, l);
  return pValueFromLog10(min + Math.log10(logs.length));
}
