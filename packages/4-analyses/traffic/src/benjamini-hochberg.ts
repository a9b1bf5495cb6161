/**
 * Benjamini–Hochberg q-values (Y. Benjamini and Y. Hochberg, "Controlling the false discovery
 * rate", JRSS B 57(1), 1995): reported beside Holm's family-wise flags so a reviewer can read the
 * false-discovery view too. Valid under independence and positive regression dependence (PRDS);
 * the flags themselves use Holm, valid under any dependence.
 */
import { type PValue, pValueFromLog10 } from '@tracemark/stats';

/**
 * q₍ᵢ₎ = minⱼ≥ᵢ min(1, m·p₍ⱼ₎/j), in input order, computed in log₁₀ so p = 1e-500 works.
 * The definition of R's p.adjust(method = "BH"). O(m log m).
 *
 * @example
 * benjaminiHochberg([0.01, 0.04, 0.03, 0.005].map(pValueFromProbability)).map((q) => q.pValue);
 * // [0.020000000000000004, 0.04000000000000001, 0.039999999999999994, 0.020000000000000004]
 */
export function benjaminiHochberg(pValues: readonly PValue[]): PValue[] {
  const m = pValues.length;
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => pValues[b]!.log10PValue - pValues[a]!.log10PValue || a - b);
  const out: PValue[] = new Array<PValue>(m);
  let running = 0;
  for (let r = 0; r < m; r++) {
    const i = order[r]!;
    const rank = m - r;
    running = Math.min(running, pValues[i]!.log10PValue + Math.log10(m / rank));
    out[i] = pValueFromLog10(Math.min(0, running));
  }
  return out;
}
