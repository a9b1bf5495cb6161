/**
 * A safeguarded Newton solver (Numerical Recipes §9.4 "rtsafe"): Newton steps while they stay
 * inside the bracket, bisection otherwise (geometric when the bracket spans orders of magnitude).
 * Used to invert monotone tail functions (quantiles, Clopper–Pearson bounds, detectable effects) on
 * the logarithm of the tail, which is close to linear in the unknown, so Newton usually finishes in
 * a handful of steps. The unknown itself (x or p, not ln x or logit p) is iterated so that its last
 * bits are resolved: at x = 10⁷ an ulp of ln x is 20 ulps of x.
 */

/** Value and derivative of the function whose root is sought. */
export type ValueAndSlope = (x: number) => readonly [value: number, slope: number];

/**
 * The root of a monotone f on [lo, hi] (f(lo) and f(hi) on opposite sides of 0, or equal to it),
 * to a relative step |Δx| ≤ tolerance·|x| (roots here are never 0). `increasing` says which way f
 * goes.
 */
export function findRoot(
  f: ValueAndSlope,
  lo: number,
  hi: number,
  increasing: boolean,
  start = 0.5 * (lo + hi),
  tolerance = 4e-16,
): number {
  let x = Math.min(hi, Math.max(lo, start));
  for (let i = 0; i < 400; i++) {
    const [v, slope] = f(x);
    if (v === 0) return x;
    // Keep [lo, hi] bracketing the root: below it f < 0 when increasing.
    if (v < 0 === increasing) lo = x;
    else hi = x;
    const step = v / slope;
    // A Newton step below the resolution of x means x is the root to working precision.
    if (Math.abs(step) <= tolerance * Math.abs(x)) return x - step >= lo && x - step <= hi ? x - step : x;
    let next = x - step;
    if (!(next > lo && next < hi)) {
      // Bisect geometrically across orders of magnitude (a p-value bound near 1e-12, say).
      next = lo > 0 && hi > 4 * lo ? Math.sqrt(lo) * Math.sqrt(hi) : 0.5 * (lo + hi);
    }
    if (hi - lo <= tolerance * Math.abs(hi)) return next;
    x = next;
  }
  return x;
}
