/**
 * Combining p-values that may be arbitrarily dependent through their harmonic mean (D. J. Wilson,
 * "The harmonic mean p-value for combining dependent tests", PNAS 116(4), 2019), made valid for
 * every dependence structure by the multiplier of V. Vovk and R. Wang, "Combining p-values via
 * averaging", Biometrika 107(4):791–808, 2020. This is the combination to use when lines of
 * evidence (watermark, fingerprints, canaries) share data and so cannot be assumed independent.
 */
import { LN10 } from './_log-space.ts';
import { log10sOfPValues } from './_read-p-values.ts';
import { type PValue, pValueFromLog10 } from './p-value.ts';

/** The harmonic-mean combination with its ingredients. */
export interface HarmonicMeanResult extends PValue {
  /** The raw harmonic mean H = L/Σ(1/pᵢ) — NOT itself a valid p-value (Wilson 2019 calibrates it
   * asymptotically; under arbitrary dependence only multiplier·H is). */
  readonly harmonicMean: PValue;
  /** The factor applied to H: 1 for L = 1, 2 for L = 2, e·ln L for L ≥ 3. */
  readonly multiplier: number;
}

/**
 * Combines L p-values into one that is valid under ARBITRARY dependence:
 * p = min(1, c_L·H), H = L/Σ(1/pᵢ).
 *
 * Definition: Vovk & Wang (2020) show that the harmonic mean scaled by e·ln L is a valid p-merging
 * function for every L ≥ 3 and every joint distribution of the inputs (and that the precise
 * constant grows like ln L, so little is lost). For L = 2 the factor 2 is used: 2H ≥ 2·min pᵢ, the
 * Bonferroni bound. For L = 1 the input is returned.
 * Method: log-sum-exp of −log₁₀ pᵢ, so inputs of 1e-500 work; any pᵢ = 0 gives p = 0.
 * Complexity: O(L).
 *
 * @param pValues - at least one {@link PValue}.
 * @throws {RangeError} if the list is empty or an entry is invalid.
 * @example
 * harmonicMeanCombine([1e-8, 0.5, 0.9].map(pValueFromProbability));
 * // { pValue: 8.959013183700108e-8, log10PValue: -7.0477398243195495,
 * //   harmonicMean: { pValue: 2.999999906666668e-8, log10PValue: -7.522878758791721 }, multiplier: 2.986337820808325 }
 */
export function harmonicMeanCombine(pValues: readonly PValue[]): HarmonicMeanResult {
  const logs = log10sOfPValues(pValues, 'pValues');
  const count = logs.length;
  if (count === 0) throw new RangeError('pValues must not be empty');
  // log₁₀ Σ 10^{−lᵢ} with the largest term factored out.
  let top = Number.NEGATIVE_INFINITY;
  for (const l of logs) top = Math.max(top, -l);
  let log10Mean: number;
  if (top === Number.POSITIVE_INFINITY) {
    log10Mean = Number.NEGATIVE_INFINITY;
  } else {
    let s = 0;
    for (const l of logs) s += Math.exp((-l - top) * LN10);
    log10Mean = Math.log10(count) - (top + Math.log10(s));
  }
  const multiplier = count === 1 ? 1 : count === 2 ? 2 : Math.E * Math.log(count);
  return {
    ...pValueFromLog10(log10Mean + Math.log10(multiplier)),
    harmonicMean: pValueFromLog10(log10Mean),
    multiplier,
  };
}
