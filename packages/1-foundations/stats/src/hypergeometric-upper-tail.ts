/**
 * The exact upper tail of the hypergeometric distribution in log space: the probability that a
 * random group of m accounts drawn without replacement from N contains at least x of the K that
 * carry a mark. It is the exact null distribution of "how many members of a cluster are marked"
 * when, under the null, the cluster is a random group of the population (Fisher's exact test,
 * one-sided; e.g. Johnson, Kemp & Kotz, Univariate Discrete Distributions, 3rd ed., ch. 6). Used by
 * the campaign scanner's cluster tests and by `fisherExactGreater`.
 */
import { logBinomialPmf } from './log-binomial-pmf.ts';

/** ln C(n, k), exact to a few ulps through Loader's binomial pmf at p = ½: C(n,k)/2ⁿ. */
function lnChoose(n: number, k: number): number {
  if (k < 0 || k > n) return Number.NEGATIVE_INFINITY;
  return logBinomialPmf(k, n, 0.5) + n * Math.LN2;
}

/**
 * ln P(X ≥ x) for X ~ Hypergeometric(N, K, m).
 *
 * Method: the terms C(K,i)·C(N−K,m−i)/C(N,m) for i = x…min(K,m), summed from the largest
 * (the first: the pmf decreases beyond the mode, and x is above it where the tail is small) with
 * the log-sum-exp trick; stops when a term falls below 1e-17 of the sum. O(min(K,m) − x) at worst.
 *
 * @throws {TypeError} for a non-number; {RangeError} unless 0 ≤ K ≤ N, 0 ≤ m ≤ N, all safe integers.
 * @example
 * Math.exp(hypergeometricUpperTailLn(3, 100, 5, 10)); // 0.006637912897117627 (exact: 0.0066379128971176095, Python math.comb)
 */
export function hypergeometricUpperTailLn(x: number, N: number, K: number, m: number): number {
  if (typeof x !== 'number' || Number.isNaN(x)) throw new TypeError(`x must be a number, got ${typeof x === 'number' ? 'NaN' : typeof x}`);
  for (const [name, v] of [['N', N], ['K', K], ['m', m]] as const) {
    if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${typeof v}`);
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
  }
  if (K > N || m > N) throw new RangeError(`need K ≤ N and m ≤ N, got N=${N}, K=${K}, m=${m}`);
  const lo = Math.max(Math.ceil(x), 0, m - (N - K));
  const hi = Math.min(K, m);
  if (lo > hi) return Number.NEGATIVE_INFINITY;
  if (lo <= Math.max(0, m - (N - K))) return 0;
  const lnTotal = lnChoose(N, m);
  const term = (i: number) => lnChoose(K, i) + lnChoose(N - K, m - i) - lnTotal;
  // Sum from the mode side outward: the largest term in [lo, hi] is at max(lo, mode).
  const mode = Math.floor(((m + 1) * (K + 1)) / (N + 2));
  const start = Math.min(hi, Math.max(lo, mode));
  const top = term(start);
  let s = 1;
  for (let i = start + 1; i <= hi; i++) {
    const r = Math.exp(term(i) - top);
    s += r;
    if (r < 1e-17 * s) break;
  }
  for (let i = start - 1; i >= lo; i--) {
    const r = Math.exp(term(i) - top);
    s += r;
    if (r < 1e-17 * s) break;
  }
  return Math.min(0, top + Math.log(s));
}
