/**
 * The order that sorts log-p-values ascending, shared by the step-down (Holm) and step-up (BH)
 * adjustments: stable, so ties keep their input order.
 */

/** Indices of `logs` from the smallest value to the largest; ties in input order. O(m log m). */
export function ascendingOrder(logs: Float64Array): number[] {
  // Explicit comparisons: subtraction would give NaN for two −Infinity entries (p = 0).
  return Array.from({ length: logs.length }, (_, i) => i).sort((a, b) => (logs[a]! < logs[b]! ? -1 : logs[a]! > logs[b]! ? 1 : a - b));
}
