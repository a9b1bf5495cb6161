/**
 * Both tails of the Gamma(a, 1) distribution — the regularized incomplete gamma functions
 * P(a, x) and Q(a, x) — in log space.
 *
 * Every term is a Poisson-type saddle-point probability λ^c·e^{−λ}/Γ(c + 1) (Loader 2000), so no
 * term suffers the cancellation of a·ln x − x − lnΓ(a) at a = 10⁷ (each piece ≈ 1.5e8, the result
 * ≈ −10: eight digits lost). The identities used (DLMF 8.7.1, 8.8.5, 8.9.2):
 *   P(a, x) = Σ_{j≥0} x^{a+j}e^{−x}/Γ(a + j + 1)                        (x ≤ a: decreasing terms)
 *   Q(a, x) = Σ_{j=1}^{J} x^{a−j}e^{−x}/Γ(a − j + 1) + Q(a − J, x)      (x > a: decreasing terms)
 * with the remainder bounded by Γ(b, x) ≤ x^{b−1}e^{−x}·x/(x − b + 1) for b ≥ 1, and a final
 * Q(b, x), 0 < b ≤ 1, from the Legendre continued fraction (DLMF 8.9.2, modified Lentz) or, for
 * x ≤ 1.5, the small-shape series of Boost's tgamma_small_upper_part (DLMF 8.7.3).
 * Cost: O(1 + √a) terms near x ≈ a, O(1) in the far tails.
 */
import { CompensatedSum, type LnTails, lnSumLogConcave, log1mexp } from './_log-space.ts';
import { lgamma1p, lnPoissonTerm } from './_saddle-point.ts';

/** Relative tolerance of the continued fraction and series below. */
const EPS = 2 ** -56;
const TINY = 1e-300;

/** ln Q(b, x) for 0 < b < 1 and x > 1.5: Legendre's continued fraction by modified Lentz. */
function lnUpperContinuedFraction(b: number, x: number): number {
  let bj = x + 1 - b;
  let c = 1 / TINY;
  let d = 1 / bj;
  let h = d;
  for (let i = 1; i < 100_000; i++) {
    const an = -i * (i - b);
    bj += 2;
    d = an * d + bj;
    if (Math.abs(d) < TINY) d = TINY;
    c = bj + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  // x^b·e^{−x}/Γ(b) with lnΓ(b) = lnΓ(1 + b) − ln b.
  return b * Math.log(x) - x - lgamma1p(b) + Math.log(b) + Math.log(h);
}

/**
 * ln Q(b, x) for 0 < b < 1 and 0 < x ≤ 1.5:
 * Q = [Γ(b + 1) − x^b − b·x^b·Σ_{n≥1} (−x)ⁿ/(n!(b + n))]/Γ(b + 1), where Γ(b + 1) − x^b is formed
 * as expm1(lnΓ(1 + b)) − expm1(b·ln x) so that it keeps its relative accuracy as b → 0.
 */
function lnUpperSmallShape(b: number, x: number): number {
  let s = 0;
  let term = 1;
  for (let n = 1; n < 200; n++) {
    term *= -x / n;
    const add = term / (b + n);
    s += add;
    if (Math.abs(add) < Math.abs(s) * EPS) break;
  }
  const lnX = Math.log(x);
  const xb = Math.exp(b * lnX);
  const num = Math.expm1(lgamma1p(b)) - Math.expm1(b * lnX) - b * xb * s;
  return Math.log(num) - lgamma1p(b);
}

/** ln P(a, x) by the series of Poisson terms (any a > 0, x > 0). */
function lnLowerSeries(a: number, x: number): number {
  const term = (j: number): number => lnPoissonTerm(a + j, x);
  // The terms rise while a + j + 1 < x; that only happens here for a < 1 and x ≤ 1.5.
  let ref = term(0);
  if (x > a + 1) ref = Math.max(ref, term(1), term(2));
  return lnSumLogConcave(0, Number.POSITIVE_INFINITY, 1, term, ref);
}

/** ln Q(a, x) for x > a ≥ 1 by the downward Poisson sum plus the remainder Q(a − J, x). */
function lnUpperDownwardSum(a: number, x: number): number {
  const ref = lnPoissonTerm(a - 1, x);
  const sum = new CompensatedSum();
  let c = a;
  while (c > 1) {
    c -= 1;
    const t = Math.exp(lnPoissonTerm(c, x) - ref);
    sum.add(t);
    // Q(c, x) ≤ x^c·e^{−x}/Γ(c + 1) · c/(x − c + 1) for c ≥ 1.
    if (c >= 1 && t * c <= (x - c + 1) * sum.value() * EPS * 0.01) return ref + Math.log(sum.value());
  }
  const lnRemainder = c === 1 ? -x : x <= 1.5 ? lnUpperSmallShape(c, x) : lnUpperContinuedFraction(c, x);
  sum.add(Math.exp(lnRemainder - ref));
  return ref + Math.log(sum.value());
}

/**
 * ln Q(a, x) = ln P(G ≥ x) and ln P(a, x) = ln P(G < x) for G ~ Gamma(a, 1); a > 0 finite and
 * x not NaN assumed. The smaller of the two is computed directly, the other as ln(1 − it).
 */
export function lnGammaTails(x: number, a: number): LnTails {
  if (x <= 0) return { lnUpper: 0, lnLower: Number.NEGATIVE_INFINITY };
  if (x === Number.POSITIVE_INFINITY) return { lnUpper: Number.NEGATIVE_INFINITY, lnLower: 0 };
  if (a < 1) {
    if (x > 1.5) {
      const lnUpper = lnUpperContinuedFraction(a, x);
      return { lnUpper, lnLower: log1mexp(lnUpper) };
    }
    const lnUpper = lnUpperSmallShape(a, x);
    if (lnUpper <= -Math.LN2) return { lnUpper, lnLower: log1mexp(lnUpper) };
    const lnLower = lnLowerSeries(a, x);
    return { lnUpper: log1mexp(lnLower), lnLower };
  }
  if (x <= a) {
    const lnLower = lnLowerSeries(a, x);
    return { lnUpper: log1mexp(lnLower), lnLower };
  }
  const lnUpper = lnUpperDownwardSum(a, x);
  return { lnUpper, lnLower: log1mexp(lnUpper) };
}
