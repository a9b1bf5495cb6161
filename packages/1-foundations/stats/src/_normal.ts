/**
 * The standard normal upper tail and its inverse in log space: ln Q(z) from erfc / erfcx (so that
 * z = 1000, where Q ≈ 1e-217000, is still exact), and z from ln Q by Newton's method on ln Q, which
 * is concave (the normal density is log-concave), so the iteration converges from any start.
 */
import { LN2, LN_SQRT_2PI, log1mexp, twoProduct } from './_log-space.ts';
import { erfc, erfcx } from './_stdlib.ts';

/**
 * Q(z) for z ≥ 0 as a plain number, to a few ulps wherever it is a normal double:
 * ½·erfcx(z/√2)·e^{−z²/2} with z² split exactly (Dekker), since rounding z² (or z/√2 inside erfc)
 * would cost z²·ε relative — 1e-13 at z = 30.
 */
function normalUpperLinear(z: number): number {
  if (z < 1) return 0.5 * erfc(z / Math.SQRT2);
  const [hi, lo] = twoProduct(z, z);
  return 0.5 * erfcx(z / Math.SQRT2) * Math.exp(-0.5 * hi) * (1 - 0.5 * lo);
}

/** ln Q(z) = ln P(Z ≥ z), Z ~ N(0, 1). */
export function lnNormalUpper(z: number): number {
  if (z === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  if (z === Number.NEGATIVE_INFINITY) return 0;
  if (z < 0) return Math.log1p(-normalUpperLinear(-z));
  if (z < 1) return Math.log(erfc(z / Math.SQRT2)) - LN2;
  // ln Q = ln(½·erfcx(z/√2)) − z²/2: nothing underflows, even at z = 10⁵.
  const [hi, lo] = twoProduct(z, z);
  return Math.log(erfcx(z / Math.SQRT2)) - LN2 - 0.5 * hi - 0.5 * lo;
}

/** ln φ(z), the log standard normal density. */
function lnNormalDensity(z: number): number {
  return -0.5 * z * z - LN_SQRT_2PI;
}

/**
 * z with ln Q(z) = lnP (lnP ≤ 0). Starts from the asymptotic inverse of Mills' ratio in the tails
 * and a logistic-style guess near the centre, then Newton steps on g(z) = ln Q(z) − lnP with
 * g′(z) = −φ(z)/Q(z). Because g is concave, after the first step the iterates approach the root
 * monotonically from above; typically 3–5 steps to full precision.
 */
export function normalUpperInverseLn(lnP: number): number {
  if (lnP === Number.NEGATIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (lnP === 0) return Number.NEGATIVE_INFINITY;
  // Symmetry keeps the solve in the upper half, where ln Q carries the information.
  if (lnP > -LN2) return -normalUpperInverseLn(log1mexp(lnP));
  let z: number;
  if (lnP < -3) {
    const t = -2 * lnP;
    z = Math.sqrt(t - Math.log(t) - Math.log(2 * Math.PI));
    if (!(z > 0)) z = 1;
  } else {
    // Q(z) ≈ 1/(1 + e^{1.702 z}) (Bowling et al. 2009, logistic approximation), inverted.
    z = Math.log(-Math.expm1(lnP) / Math.exp(lnP)) / 1.702;
  }
  for (let i = 0; i < 100; i++) {
    const lnQ = lnNormalUpper(z);
    const slope = -Math.exp(lnNormalDensity(z) - lnQ);
    const step = (lnQ - lnP) / slope;
    z -= step;
    if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(z))) break;
  }
  return z;
}
