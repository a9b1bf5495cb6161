/**
 * Log-space arithmetic shared by the tail functions: natural-log constants, ln(1 − eˣ), error-free
 * products (Dekker 1971, "A floating-point technique for extending the available precision",
 * Numer. Math. 18) and a Neumaier-compensated accumulator (Neumaier 1974, ZAMM 54). Tails far below
 * 1e-308 only exist here as logarithms, so every public result is assembled from these pieces.
 */

export const LN10 = Math.LN10;
export const LN2 = Math.LN2;
/** ln √(2π) */
export const LN_SQRT_2PI = 0.91893853320467274178032973640562;
/** ln(2π) */
export const LN_2PI = 1.8378770664093454835606594728112;

/**
 * ln(1 − eˣ) for x ≤ 0 without cancellation (Mächler 2012, "Accurately computing log(1 − exp(−|a|))",
 * Rmpfr vignette): log1p(−eˣ) when eˣ is small, ln(−expm1(x)) when it is close to 1.
 */
export function log1mexp(x: number): number {
  if (x > 0 || Number.isNaN(x)) return Number.NaN;
  if (x === 0) return Number.NEGATIVE_INFINITY;
  return x > -LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/** The two tails of a distribution at one point, as natural logarithms. */
export interface LnTails {
  /** ln P(upper event), e.g. ln P(X ≥ k) */
  readonly lnUpper: number;
  /** ln P(complementary event), e.g. ln P(X ≤ k − 1) */
  readonly lnLower: number;
}

/** Splits a double into two 26-bit halves (Veltkamp); 2²⁷ + 1. */
const SPLITTER = 134217729;

/**
 * The exact product a·b as hi + lo (Dekker's TwoProduct). Used to form x − n·p without the
 * rounding of n·p, which otherwise costs √n·ε relative accuracy in the saddle-point deviance.
 */
export function twoProduct(a: number, b: number): [hi: number, lo: number] {
  const hi = a * b;
  if (!Number.isFinite(hi)) return [hi, 0];
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const lo = al * bl - (hi - ah * bh - al * bh - ah * bl);
  return [hi, lo];
}

/**
 * Neumaier's compensated sum: error O(ε) independent of the number of terms, where plain summation
 * of the 10⁵ terms of a tail near the mean of Binom(10⁹, ½) would lose up to 10⁵·ε.
 */
export class CompensatedSum {
  private sum = 0;
  private compensation = 0;

  add(x: number): void {
    const t = this.sum + x;
    if (!Number.isFinite(t)) {
      // ±Infinity (a p-value of 0 upstream) absorbs everything; the compensation would be NaN.
      this.sum = t;
      return;
    }
    if (Math.abs(this.sum) >= Math.abs(x)) this.compensation += this.sum - t + x;
    else this.compensation += x - t + this.sum;
    this.sum = t;
  }

  value(): number {
    return Number.isFinite(this.sum) ? this.sum + this.compensation : this.sum;
  }
}

/** Stop summing once the geometric bound on the remainder is below 2⁻⁶⁰ ≈ 8.7e-19 of the sum. */
const SUM_TOLERANCE = 2 ** -60;

/**
 * ln Σ exp(lnTerm(j)) over j = first, first + step, … (at most `count` terms) for a log-concave
 * sequence, scaled by lnRef (which should be ≥ every term's log, e.g. the term nearest the mode).
 *
 * Once the terms decrease, log-concavity makes every later ratio t_{j+1}/t_j at most the current
 * one, r, so the remainder is at most t·r/(1 − r); summation stops when that bound is below 2⁻⁶⁰ of
 * the sum. Each term is evaluated independently (no recurrence), so no error accumulates.
 * Cost: O(distance to the mode + σ·√(ln 2⁶⁰)) evaluations of lnTerm.
 */
export function lnSumLogConcave(
  first: number,
  count: number,
  step: 1 | -1,
  lnTerm: (j: number) => number,
  lnRef: number,
): number {
  if (lnRef === Number.NEGATIVE_INFINITY || Number.isNaN(lnRef)) return lnRef;
  const sum = new CompensatedSum();
  let previous = Number.NEGATIVE_INFINITY;
  let j = first;
  for (let i = 0; i < count; i++, j += step) {
    const l = lnTerm(j);
    // A log-concave sequence that has reached 0 (or was never positive) stays there.
    if (!(l > Number.NEGATIVE_INFINITY)) break;
    const t = Math.exp(l - lnRef);
    sum.add(t);
    if (l < previous) {
      const r = Math.exp(l - previous);
      if (t * r <= (1 - r) * sum.value() * SUM_TOLERANCE) break;
    }
    previous = l;
  }
  return lnRef + Math.log(sum.value());
}
