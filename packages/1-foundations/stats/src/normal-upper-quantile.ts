/**
 * The inverse of the normal upper tail for p-values held as logarithms: Stouffer's method needs the
 * z-score of p = 1e-500, which no double-precision quantile function can take.
 */
import { assertNumber } from './_assert.ts';
import { LN10 } from './_log-space.ts';
import { normalUpperInverseLn } from './_normal.ts';
import { log10OfPValue } from './_read-p-values.ts';
import { type PValue } from './p-value.ts';

/**
 * The z with P(Z ≥ z) = p for Z ~ N(0, 1) (the inverse survival function, Φ⁻¹(1 − p)).
 *
 * Definition: Q⁻¹(p), Q(z) = ½·erfc(z/√2) (DLMF 7.17).
 * Method: Newton's method on ln Q(z) − ln p, which is concave in z and so converges monotonically
 * after one step; start from the asymptotic inverse z² ≈ −2 ln p − ln(−2 ln p) − ln 2π in the
 * tail. Relative accuracy ~1e-15. Complexity: O(1) (≤ 6 Newton steps in practice).
 *
 * @param p - the tail probability, as a number in [0, 1] or a {@link PValue} (whose log10PValue is
 *   used, so p = 1e-500 works).
 * @returns z; +Infinity for p = 0 and −Infinity for p = 1.
 * @throws {RangeError} if p is NaN, outside [0, 1], or a PValue with log10PValue > 0.
 * @example
 * normalUpperQuantile(0.025); // 1.9599639845400538
 * normalUpperQuantile({ pValue: 0, log10PValue: -500 }); // 47.88537067385346
 */
export function normalUpperQuantile(p: number | PValue): number {
  let lnP: number;
  if (typeof p === 'number') {
    assertNumber(p, 'p');
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
    lnP = Math.log(p);
  } else {
    lnP = log10OfPValue(p, 'p') * LN10;
  }
  return normalUpperInverseLn(lnP);
}
