/**
 * Both tails of the binomial distribution in log space, by direct summation of saddle-point
 * (Loader 2000) probabilities. The tail on the far side of the mode is a sum of geometrically
 * decreasing terms, so it is summed directly; its complement is 1 minus it, or — when the far tail
 * exceeds ½ and the subtraction would lose the small complement — summed directly too.
 */
import { LN2, LN_2PI, type LnTails, lnSumLogConcave, log1mexp, twoProduct } from './_log-space.ts';
import { bd0, stirlerr } from './_saddle-point.ts';

/** ln P(X = x) for X ~ Binom(n, p), as a closure that precomputes what does not depend on x. */
export function binomialLnPmf(n: number, p: number): (x: number) => number {
  if (p === 0) return (x) => (x === 0 ? 0 : Number.NEGATIVE_INFINITY);
  if (p === 1) return (x) => (x === n ? 0 : Number.NEGATIVE_INFINITY);
  const q = 1 - p;
  // x − n·p must be exact: an error of ε·np in it is a relative error of ε·√n in the deviance.
  const [npHi, npLo] = twoProduct(n, p);
  const nq = n * q;
  const sn = stirlerr(n);
  const lnP = Math.log(p);
  const lnQ = Math.log1p(-p);
  return (x) => {
    if (x < 0 || x > n) return Number.NEGATIVE_INFINITY;
    if (x === 0) return n * lnQ;
    if (x === n) return n * lnP;
    const d = x - npHi - npLo;
    const lc = sn - stirlerr(x) - stirlerr(n - x) - bd0(x, npHi, d) - bd0(n - x, nq, -d);
    // ln(x(n − x)/n) is symmetric in x ↔ n − x; taking the smaller keeps log1p's argument ≤ ½,
    // where log1p(−x/n) at x/n = 0.999998 would lose five digits to the rounding of x/n.
    const small = Math.min(x, n - x);
    return lc - 0.5 * (LN_2PI + Math.log(small) + Math.log1p(-small / n));
  };
}

/**
 * ln P(X ≥ k) and ln P(X ≤ k − 1) for X ~ Binom(n, p); integers assumed valid (0 ≤ p ≤ 1, n ≥ 0).
 * Each is accurate to a few ulps relative to the probability, hence to ~1e-16 relative to its log
 * when the probability is ≤ ½ and via log1p when it is close to 1.
 */
export function lnBinomialTails(k: number, n: number, p: number): LnTails {
  if (k <= 0) return { lnUpper: 0, lnLower: Number.NEGATIVE_INFINITY };
  if (k > n) return { lnUpper: Number.NEGATIVE_INFINITY, lnLower: 0 };
  if (p === 0) return { lnUpper: Number.NEGATIVE_INFINITY, lnLower: 0 };
  if (p === 1) return { lnUpper: 0, lnLower: Number.NEGATIVE_INFINITY };
  const pmf = binomialLnPmf(n, p);
  const mode = Math.min(n, Math.max(0, Math.floor((n + 1) * p)));
  if (k > mode) {
    // {X ≥ k} lies beyond the mode: its terms fall from pmf(k).
    const lnUpper = lnSumLogConcave(k, n - k + 1, 1, pmf, pmf(k));
    if (lnUpper <= -LN2) return { lnUpper, lnLower: log1mexp(lnUpper) };
    const lnLower = lnSumLogConcave(k - 1, k, -1, pmf, pmf(mode));
    return { lnUpper: log1mexp(lnLower), lnLower };
  }
  // {X ≤ k − 1} lies below the mode: its terms fall from pmf(k − 1).
  const lnLower = lnSumLogConcave(k - 1, k, -1, pmf, pmf(k - 1));
  if (lnLower <= -LN2) return { lnUpper: log1mexp(lnLower), lnLower };
  const lnUpper = lnSumLogConcave(k, n - k + 1, 1, pmf, pmf(mode));
  return { lnUpper, lnLower: log1mexp(lnUpper) };
}
