/**
 * Inverting the Gamma(a, 1) upper tail in x by safeguarded Newton on ln Q(a, x), shared by
 * gammaUpperQuantile and gammaMinimumDetectable.
 */
import { findRoot } from './_find-root.ts';
import { lnGammaTails } from './_gamma-tails.ts';
import { normalUpperInverseLn } from './_normal.ts';
import { lnPoissonTerm } from './_saddle-point.ts';

/** x with ln Q(a, x) = lnP. */
export function lnGammaUpperInverse(lnP: number, a: number): number {
  if (lnP === 0) return 0;
  if (lnP === Number.NEGATIVE_INFINITY) return Number.POSITIVE_INFINITY;
  const lnA = Math.log(a);
  const f = (x: number): readonly [number, number] => {
    const lnQ = lnGammaTails(x, a).lnUpper;
    // d ln Q/dx = −x^{a−1}e^{−x}/(Γ(a)·Q) = −(a/x)·x^a e^{−x}/Γ(a + 1)/Q.
    return [lnQ - lnP, -Math.exp(lnA - Math.log(x) + lnPoissonTerm(a, x) - lnQ)];
  };
  // Start from the Wilson–Hilferty cube-root normal approximation (clamped to the bracket).
  const z = normalUpperInverseLn(lnP);
  const wh = a * (1 - 1 / (9 * a) + (z / 3) * Math.sqrt(1 / a)) ** 3;
  const start = wh > 0 && Number.isFinite(wh) ? wh : a;
  return findRoot(f, Number.MIN_VALUE, Number.MAX_VALUE, false, start);
}
