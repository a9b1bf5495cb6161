/**
 * The inverse of the Gamma(shape, 1) upper tail: the critical value of the summed-score watermark
 * test at a given false-positive rate, and the building block of {@link gammaMinimumDetectable}.
 */
import { assertNumber, assertPositive } from './_assert.ts';
import { lnGammaUpperInverse } from './_gamma-inverse.ts';
import { LN10 } from './_log-space.ts';
import { log10OfPValue } from './_read-p-values.ts';
import { type PValue } from './p-value.ts';

/**
 * The x with P(G ≥ x) = p for G ~ Gamma(shape, 1): the inverse of Q(shape, ·) (DLMF 8.2.4).
 *
 * Method: safeguarded Newton on ln Q(a, x) − ln p from the Wilson–Hilferty approximation, with
 * slope −(a/x)·x^a·e^{−x}/Γ(a + 1)/Q (a Loader saddle-point term), bracketed by
 * bisection. Each step costs one {@link gammaUpperTail}. Relative accuracy ~1e-15 in x
 * (limited by the tail's own accuracy divided by the slope). Complexity: ~5–10 tail evaluations.
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
