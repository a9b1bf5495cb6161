/**
 * The one-sided Fisher exact test for a 2×2 table (R. A. Fisher, "The Logic of Inductive
 * Inference", JRSS 98(1), 1935): is the suspect's rate of a behaviour (naming the teacher's
 * vendor) higher than the reference panel's? Conditional on both margins the suspect's count is
 * hypergeometric, so the p-value is exact whatever the unknown common rate. (It lived in
 * `@tracemark/fingerprint` until statistics were gathered here.)
 */
import { hypergeometricUpperTailLn } from './hypergeometric-upper-tail.ts';
import { type PValue, pValueFromLn } from './p-value.ts';

/**
 * P(X ≥ a) for X ~ Hypergeometric: a successes of n1 trials in group 1, b of n2 in group 2.
 *
 * Method: the exact hypergeometric upper tail (`hypergeometricUpperTailLn`), in log space.
 *
 * @throws RangeError unless 0 ≤ a ≤ n1 and 0 ≤ b ≤ n2 are integers.
 * @example
 * fisherExactGreater(8, 10, 1, 10).pValue; // 0.0027…
 */
export function fisherExactGreater(a: number, n1: number, b: number, n2: number): PValue {
  for (const [v, name] of [[a, 'a'], [n1, 'n1'], [b, 'b'], [n2, 'n2']] as const) {
    if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${typeof v}`);
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
  }
  if (a > n1 || b > n2) throw new RangeError(`successes exceed trials (${a}/${n1}, ${b}/${n2})`);
  // Given both margins, group 1's count is Hypergeometric(N = n1 + n2, K = a + b marked, n1 drawn).
  return pValueFromLn(hypergeometricUpperTailLn(a, n1 + n2, a + b, n1));
}
