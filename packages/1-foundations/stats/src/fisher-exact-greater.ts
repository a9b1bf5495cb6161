/**
 * The one-sided Fisher exact test for a 2×2 table (R. A. Fisher, "The Logic of Inductive
 * Inference", JRSS 98(1), 1935): is the suspect's rate of a behaviour (naming the teacher's
 * vendor) higher than the reference panel's? Conditional on both margins the suspect's count is
 * hypergeometric, so the p-value is exact whatever the unknown common rate. (It lived in
 * `@tracemark/fingerprint` until statistics were gathered here.)
 */
import { type PValue, pValueFromLn } from './p-value.ts';

function lnChoose(n: number, k: number): number {
  if (k < 0 || k > n) return -Infinity;
  let s = 0;
  // Σ ln((n − k + i)/i): exact enough for the table sizes of a probe suite (n ≲ 10⁵) and no lgamma needed.
  const kk = Math.min(k, n - k);
  for (let i = 1; i <= kk; i++) s += Math.log((n - kk + i) / i);
  return s;
}

function logSumExp(values: number[]): number {
  const max = Math.max(...values);
  if (max === -Infinity) return -Infinity;
  let s = 0;
  for (const v of values) s += Math.exp(v - max);
  return max + Math.log(s);
}

/**
 * P(X ≥ a) for X ~ Hypergeometric: a successes of n1 trials in group 1, b of n2 in group 2.
 *
 * Method: sum of C(n1, x)·C(n2, K − x)/C(n1 + n2, K) over x ≥ a with K = a + b, in log space.
 * O(min(n1, K)·(n1 + n2)) at worst, trivial at probe-suite sizes.
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
  const k = a + b;
  const n = n1 + n2;
  const lnTotal = lnChoose(n, k);
  const terms: number[] = [];
  for (let x = a; x <= Math.min(n1, k); x++) terms.push(lnChoose(n1, x) + lnChoose(n2, k - x) - lnTotal);
  return pValueFromLn(Math.min(0, logSumExp(terms)));
}
