/**
 * Conformal (empirical) p-values: how extreme an account's score is among the scores of benign
 * accounts. p = (1 + #{reference ≥ s}) / (n + 1) is exactly valid — P(p ≤ u) ≤ u for every u —
 * when the tested account and the n reference accounts are exchangeable, i.e. when the tested
 * account is benign and drawn like the reference ones (V. Vovk, A. Gammerman, G. Shafer,
 * Algorithmic Learning in a Random World, 2005, ch. 2; Bates et al., "Testing for outliers with
 * conformal p-values", Ann. Statist. 51(1), 2023). Ties count against the tested account, so
 * ties make the p-value conservative, never liberal.
 */
import { type PValue, pValueFromProbability } from '@tracemark/stats';

/** Index of the first element ≥ s in ascending `sorted`. */
function lowerBound(sorted: Float64Array, s: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * p-values of `scores` against `reference` (larger score = more extreme). With `includesSelf`,
 * each score is itself one of the reference entries (the population calibrates itself) and
 * p = #{reference ≥ s} / n, which is (1 + #{others ≥ s}) / ((n − 1) + 1): the same formula with
 * the account left out of its own reference.
 * O((n + k) log n).
 *
 * @throws {RangeError} for an empty reference or a NaN score.
 * @example
 * conformalPValues([3], [1, 2, 3, 4], false)[0].pValue; // (1 + 2) / 5 = 0.6
 */
export function conformalPValues(scores: ArrayLike<number>, reference: ArrayLike<number>, includesSelf: boolean): PValue[] {
  const n = reference.length;
  if (n === 0) throw new RangeError('the reference is empty');
  const sorted = Float64Array.from(reference).sort();
  if (Number.isNaN(sorted[n - 1])) throw new RangeError('reference scores must not be NaN');
  const out: PValue[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (Number.isNaN(s)) throw new RangeError('scores must not be NaN');
    const atLeast = n - lowerBound(sorted, s);
    out.push(pValueFromProbability(includesSelf ? atLeast / n : (1 + atLeast) / (n + 1)));
  }
  return out;
}
