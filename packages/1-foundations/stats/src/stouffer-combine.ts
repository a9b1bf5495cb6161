/**
 * Stouffer's weighted z-method for combining independent p-values (S. A. Stouffer et al., "The
 * American Soldier", vol. 1, 1949; weighted form: D. V. Mosteller and R. R. Bush, 1954; M. C.
 * Whitlock, J. Evol. Biol. 18, 2005), with z-scores obtained from log p so inputs of 1e-500 work.
 */
import { assertNumber } from './_assert.ts';
import { LN10 } from './_log-space.ts';
import { lnNormalUpper, normalUpperInverseLn } from './_normal.ts';
import { log10sOfPValues } from './_read-p-values.ts';
import { type PValue, pValueFromLn } from './p-value.ts';

/** Stouffer's combined p-value with its z-score. */
export interface StoufferResult extends PValue {
  /** Z = Σ wᵢzᵢ/√(Σ wᵢ²), zᵢ = Q⁻¹(pᵢ). */
  readonly z: number;
}

/**
 * Combines L one-sided p-values by Stouffer's method: Z = Σ wᵢ·Q⁻¹(pᵢ)/√(Σ wᵢ²) ~ N(0, 1).
 *
 * Assumption: the p-values are INDEPENDENT and uniform under the null; dependence makes the method
 * anti-conservative (prefer {@link harmonicMeanCombine} then).
 * Method: zᵢ = {@link normalUpperQuantile}(pᵢ) from log10PValue (Newton on ln Q), then the exact
 * normal tail of Z. Matches scipy.stats.combine_pvalues(method='stouffer'). Complexity: O(L).
 * Infinite z-scores: a pᵢ = 0 (zᵢ = +∞) makes Z = +∞ and p = 0; a pᵢ = 1 (zᵢ = −∞) makes p = 1;
 * both at once is undefined (∞ − ∞), and the conservative p = 1 is returned.
 *
 * @param pValues - at least one {@link PValue}.
 * @param weights - optional non-negative finite weights, one per p-value, not all zero (default
 *   all 1). Inputs with weight 0 are ignored.
 * @throws {RangeError} if the list is empty, an entry is invalid, the weights' length differs, a
 *   weight is negative or not finite, or all weights are 0.
 * @example
 * stoufferCombine([0.01, 0.2, 0.3].map(pValueFromProbability));
 * // { pValue: 0.01651203260896293, log10PValue: -1.7821994623809665, z: 2.131790594240386 }
 */
export function stoufferCombine(pValues: readonly PValue[], weights?: ArrayLike<number>): StoufferResult {
  const logs = log10sOfPValues(pValues, 'pValues');
  const count = logs.length;
  if (count === 0) throw new RangeError('pValues must not be empty');
  if (weights !== undefined && weights.length !== count) {
    throw new RangeError(`weights must have one entry per p-value (${count}), got ${weights.length}`);
  }
  let numerator = 0;
  let sumSquares = 0;
  let plus = false;
  let minus = false;
  for (let i = 0; i < count; i++) {
    const w = weights === undefined ? 1 : weights[i]!;
    assertNumber(w, `weights[${i}]`);
    if (!(w >= 0 && Number.isFinite(w))) throw new RangeError(`weights[${i}] must be finite and ≥ 0, got ${w}`);
    if (w === 0) continue;
    const z = normalUpperInverseLn(logs[i]! * LN10);
    if (z === Number.POSITIVE_INFINITY) plus = true;
    else if (z === Number.NEGATIVE_INFINITY) minus = true;
    else numerator += w * z;
    sumSquares += w * w;
  }
  if (sumSquares === 0) throw new RangeError('weights must not all be 0');
  const z = minus ? Number.NEGATIVE_INFINITY : plus ? Number.POSITIVE_INFINITY : numerator / Math.sqrt(sumSquares);
  return { ...pValueFromLn(lnNormalUpper(z)), z };
}
