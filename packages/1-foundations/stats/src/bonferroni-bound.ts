/**
 * The Bonferroni bound for the smallest of m p-values when only that one was computed: a scan
 * that keeps its best window, a search over ordered pairs of references that keeps its extreme
 * pair. min(1, m·p) is valid under any dependence between the m tests, by the union bound
 * (C. E. Bonferroni 1936); `bonferroniCombine` is this bound applied to a list it is given.
 */
import { assertIntegerAtLeast } from './_assert.ts';
import { log10OfPValue } from './_read-p-values.ts';
import { type PValue, pValueFromLog10 } from './p-value.ts';

/**
 * min(1, tests·p) for p the smallest of `tests` p-values.
 *
 * Method: in log₁₀, log₁₀ p + log₁₀ tests clamped to 0, so p = 1e-500 works. O(1).
 *
 * @param pValue - the smallest p-value of the family.
 * @param tests - how many tests the family held (an integer ≥ 1).
 * @throws {RangeError} for an invalid p-value or a count below 1; TypeError for a non-number.
 * @example
 * bonferroniBound(pValueFromProbability(1e-8), 30);
 * // { pValue: 3.000000000000001e-7, log10PValue: -6.522878745280337 }
 */
export function bonferroniBound(pValue: PValue, tests: number): PValue {
  const log10 = log10OfPValue(pValue, 'pValue');
  assertIntegerAtLeast(tests, 1, 'tests');
  return pValueFromLog10(log10 + Math.log10(tests));
}
