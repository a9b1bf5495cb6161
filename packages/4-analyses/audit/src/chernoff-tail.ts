/**
 * A valid upper bound on P(S ≥ s) for S = Σ_u w_u·X_u, with fixed weights w_u ≥ 0 and X_u
 * independent draws of one per-tuple null distribution (Bernoulli(γ), Binomial(m, ½), Exp(1)).
 * No exact tail is tractable for such a weighted sum, so the open-model probability-mass test uses
 * the Chernoff bound  P(S ≥ s) ≤ inf_{λ>0} exp(−λs + Σ_u log M(λ·w_u)),  M the null MGF
 * (Chernoff 1952; e.g. Boucheron, Lugosi & Massart, "Concentration Inequalities", §2.2). It is
 * never anti-conservative, and its log is exact to the optimizer's tolerance, so tiny p-values are
 * reported in log space like every other test.
 */
import { pValueFromLn, type PValue } from '@tracemark/stats';

export type NullDistribution =
  | { readonly kind: 'bernoulli'; readonly p: number }
  | { readonly kind: 'binomial'; readonly trials: number; readonly p: number }
  | { readonly kind: 'exponential' };

function logMgf(d: NullDistribution, t: number): number {
  switch (d.kind) {
    case 'bernoulli':
      return Math.log1p(d.p * Math.expm1(t));
    case 'binomial':
      return d.trials * Math.log1p(d.p * Math.expm1(t));
    case 'exponential':
      return -Math.log1p(-t);
  }
}

function dLogMgf(d: NullDistribution, t: number): number {
  switch (d.kind) {
    case 'bernoulli': {
      const e = d.p * Math.exp(t);
      return e / (1 - d.p + e);
    }
    case 'binomial': {
      const e = d.p * Math.exp(t);
      return (d.trials * e) / (1 - d.p + e);
    }
    case 'exponential':
      return 1 / (1 - t);
  }
}

export function nullMean(d: NullDistribution): number {
  return d.kind === 'bernoulli' ? d.p : d.kind === 'binomial' ? d.trials * d.p : 1;
}

/**
 * @returns the bound as a PValue (1 when s ≤ E[S]).
 * Complexity: O(U · 100) for U weights (bisection on the convex exponent's derivative).
 */
export function chernoffUpperTail(weights: Float64Array, s: number, d: NullDistribution): PValue {
  let mean = 0;
  let wMax = 0;
  for (const w of weights) {
    if (!(w >= 0)) throw new RangeError('weights must be non-negative numbers');
    mean += w * nullMean(d);
    if (w > wMax) wMax = w;
  }
  if (!(s > mean) || wMax === 0) return pValueFromLn(0);
  const deriv = (l: number) => {
    let g = -s;
    for (const w of weights) if (w > 0) g += w * dLogMgf(d, l * w);
    return g;
  };
  const exponent = (l: number) => {
    let f = -l * s;
    for (const w of weights) if (w > 0) f += logMgf(d, l * w);
    return f;
  };
  // λ* solves Σ w·(log M)'(λw) = s; bracket it, then bisect. Exp(1) needs λ·w_max < 1.
  let lo = 0;
  let hi = d.kind === 'exponential' ? (1 - 1e-12) / wMax : 1 / wMax;
  if (d.kind !== 'exponential') while (deriv(hi) < 0 && hi < 1e12) (lo = hi), (hi *= 2);
  for (let it = 0; it < 100 && hi - lo > 1e-14 * hi; it++) {
    const mid = 0.5 * (lo + hi);
    if (deriv(mid) < 0) lo = mid;
    else hi = mid;
  }
  const best = Math.min(exponent(lo), exponent(hi), 0);
  return pValueFromLn(best);
}
