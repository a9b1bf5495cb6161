/**
 * Benjamini–Hochberg step-up adjustment of a family of p-values (Y. Benjamini and Y. Hochberg,
 * "Controlling the false discovery rate: a practical and powerful approach to multiple testing",
 * J. R. Statist. Soc. B 57(1), 1995): controls the expected share of false discoveries among the
 * rejections, which is what a screening run over many documents wants; valid for independent or
 * positively dependent p-values (Benjamini & Yekutieli 2001).
 */
import { ascendingOrder } from './_ascending-order.ts';
import { log10sOfPValues } from './_read-p-values.ts';
import { type PValue, pValueFromLog10 } from './p-value.ts';

/**
 * BH-adjusted p-values (q-values), in input order.
 *
 * Definition: sort p₍₁₎ ≤ … ≤ p₍ₘ₎; adjusted p₍ᵢ₎ = min(1, minⱼ≥ᵢ (m / j)·p₍ⱼ₎). Rejecting those ≤ α
 * controls the false discovery rate at α·m₀/m ≤ α for independent p-values (BH 1995). Matches
 * statsmodels multipletests(method='fdr_bh') and R p.adjust(method = "BH").
 * Method: in log₁₀ (inputs of 1e-500 work); a stable sort, so ties keep their order; the running
 * minimum from the largest p-value down makes the adjusted values monotone in the raw ones.
 * Complexity: O(m log m).
 *
 * @param pValues - the family (may be empty).
 * @throws {RangeError} if an entry is invalid.
 * @example
 * bhAdjust([0.01, 0.04, 0.03, 0.005].map(pValueFromProbability)).map((p) => p.pValue);
 * // [0.02, 0.04, 0.04, 0.02]
 */
export function bhAdjust(pValues: readonly PValue[]): PValue[] {
  const logs = log10sOfPValues(pValues, 'pValues');
  const m = logs.length;
  const order = ascendingOrder(logs);
  const out: PValue[] = new Array<PValue>(m);
  let running = 0;
  for (let rank = m - 1; rank >= 0; rank--) {
    const i = order[rank]!;
    running = Math.min(running, logs[i]! + Math.log10(m / (rank + 1)));
    out[i] = pValueFromLog10(running);
  }
  return out;
}
