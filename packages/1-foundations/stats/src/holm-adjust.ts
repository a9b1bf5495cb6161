/**
 * Holm's step-down adjustment of a family of p-values (S. Holm, "A simple sequentially rejective
 * multiple test procedure", Scand. J. Statist. 6(2), 1979): uniformly more powerful than
 * Bonferroni and, like it, valid under any dependence.
 */
import { ascendingOrder } from './_ascending-order.ts';
import { log10sOfPValues } from './_read-p-values.ts';
import { type PValue, pValueFromLog10 } from './p-value.ts';

/**
 * Holm-adjusted p-values, in input order.
 *
 * Definition: sort p₍₁₎ ≤ … ≤ p₍ₘ₎; adjusted p₍ᵢ₎ = min(1, maxⱼ≤ᵢ (m − j + 1)·p₍ⱼ₎). Rejecting
 * those ≤ α controls the family-wise error rate at α under arbitrary dependence (Holm 1979).
 * Matches statsmodels multipletests(method='holm') and R p.adjust(method = "holm").
 * Method: in log₁₀ (inputs of 1e-500 work); a stable sort, so ties keep their order; the running
 * maximum makes the adjusted values monotone in the raw ones. Complexity: O(m log m).
 *
 * @param pValues - the family (may be empty).
 * @throws {RangeError} if an entry is invalid.
 * @example
 * holmAdjust([0.01, 0.04, 0.03, 0.005].map(pValueFromProbability)).map((p) => p.pValue);
 * // [0.029999999999999995, 0.06, 0.06, 0.020000000000000004]
 */
export function holmAdjust(pValues: readonly PValue[]): PValue[] {
  const logs = log10sOfPValues(pValues, 'pValues');
  const m = logs.length;
  const order = ascendingOrder(logs);
  const out: PValue[] = new Array<PValue>(m);
  let running = Number.NEGATIVE_INFINITY;
  for (let rank = 0; rank < m; rank++) {
    const i = order[rank]!;
    running = Math.max(running, Math.min(0, logs[i]! + Math.log10(m - rank)));
    out[i] = pValueFromLog10(running);
  }
  return out;
}
