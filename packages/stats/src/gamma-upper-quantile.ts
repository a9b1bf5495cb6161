/**
 * The inverse of the Gamma(shape, 1) upper tail: the critical value of the summed-score watermark
 * test at a given false-positive rate, and the building block of {@link gammaMinimumDetectable}.
 */
import { assertNumber, assertPositive } from './_assert.ts';
import { findRoot } from './_find-root.ts';
import { lnGammaTails } from './_gamma-tails.ts';
import { LN10 } from './_log-space.ts';
import { normalUpperInverseLn } from './_normal.ts';
import { lnPoissonTerm } from './_saddle-point.ts';
import { type PValue, log10OfPValue } from './p-value.ts';

/**
 * The x with P(G ≥ x) = p for G ~ Gamma(shape, 1): the inverse of Q(shape, ·) (DLMF 8.2.4).
 *
 * Method: safeguarded Newton on ln Q(a, x) − ln p from the Wilson–Hilferty approximation, with
 * slope −(a/x)·x^a·e^{−x}/Γ(a + 1)/Q (a Loader saddle-point term), bracketed by bisection. Each step costs
 * one {@link gammaUpperTail}. Relative accuracy ~1e-15 in x (limited by the tail's own accuracy
 * divided by the slope). Complexity: ~5–10 tail evaluations.
 *
 * @param p - upper-tail probability as a number in [0, 1] or a {@link PValue} (log10PValue used).
 * @param shape - shape a > 0 (finite).
 * @returns x ≥ 0; 0 for p = 1, +Infinity for p = 0.
 * @throws {RangeError} if p is NaN or outside [0, 1], or shape is not a finite number > 0.
 * @example
 * gammaUpperQuantile(0.05, 1); // 2.995732273553991 (= ln 20)
 */
export function gammaUpperQuantile(p: number | PValue, shape: number): number {
  let lnP: number;
  if (typeof p === 'number') {
    assertNumber(p, 'p');
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
    lnP = Math.log(p);
  } else {
    lnP = log10OfPValue(p, 'p') * LN10;
  }
  assertPositive(shape, 'shape');
  return lnGammaUpperInverse(lnP, shape);
}

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
