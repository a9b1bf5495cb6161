/**
 * Inverting binomial tails in the success probability: the p at which P_p(X ≥ k) or P_p(X ≤ k)
 * equals a target. Both tails are beta distribution functions in p (DLMF 8.17.5) with
 * log-concave densities, so their logarithms are concave in p and safeguarded Newton converges
 * monotonically after at most one bracketing step. The slopes are closed-form:
 * d/dp P_p(X ≥ k) = n·P_{n−1,p}(X = k − 1), d/dp P_p(X ≤ k) = −n·P_{n−1,p}(X = k).
 */
import { binomialLnPmf, lnBinomialTails } from './_binomial-tails.ts';
import { findRoot } from './_find-root.ts';

/** p ∈ (0, 1) with ln P_p(X ≥ k) = lnTarget, for 1 ≤ k ≤ n and lnTarget < 0. */
export function binomialUpperTailInverse(k: number, n: number, lnTarget: number): number {
  const lnN = Math.log(n);
  const f = (p: number): readonly [number, number] => {
    const lnUpper = lnBinomialTails(k, n, p).lnUpper;
    return [lnUpper - lnTarget, Math.exp(lnN + binomialLnPmf(n - 1, p)(k - 1) - lnUpper)];
  };
  return findRoot(f, Number.MIN_VALUE, 1, true, k / n);
}

/** p ∈ (0, 1) with ln P_p(X ≤ k) = lnTarget, for 0 ≤ k < n and lnTarget < 0. */
export function binomialLowerTailInverse(k: number, n: number, lnTarget: number): number {
  const lnN = Math.log(n);
  const f = (p: number): readonly [number, number] => {
    const lnLower = lnBinomialTails(k + 1, n, p).lnLower;
    return [lnLower - lnTarget, -Math.exp(lnN + binomialLnPmf(n - 1, p)(k) - lnLower)];
  };
  return findRoot(f, 0, 1, false, (k + 1) / n);
}
