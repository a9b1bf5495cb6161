/**
 * Loader's saddle-point building blocks for binomial and Poisson probabilities (C. Loader, "Fast
 * and Accurate Computation of Binomial Probabilities", 2000; the algorithm of R's dbinom_raw and
 * dpois_raw). A probability is written as exp(−stirlerr − bd0)/√(2πx): stirlerr is the error of
 * Stirling's formula and bd0 the deviance x·ln(x/M) + M − x, both computed without the cancellation
 * that makes lgamma differences lose ~log10(n) digits at n = 10⁹.
 */
import { LN_2PI, LN_SQRT_2PI } from './_log-space.ts';
import { gammaln } from './_stdlib.ts';

/** stirlerr(k/2) for k = 0..30, from mpmath at 40 digits: loggamma(n+1) − (n+½)·ln n + n − ln √(2π). */
const STIRLERR_HALVES = [
  0, 0.15342640972002734529, 0.08106146679532725822, 0.054814121051917653896, 0.041340695955409294094,
  0.033162873519936287485, 0.027677925684998339149, 0.023746163656297495971, 0.020790672103765093112,
  0.018488450532673185231, 0.016644691189821192163, 0.015134973221917378874, 0.013876128823070747999,
  0.012810465242920226924, 0.011896709945891770095, 0.011104559758206917327, 0.010411265261972096497,
  0.0097994161261588032984, 0.0092554621827127329177, 0.008768700134139385463, 0.0083305634333628712565,
  0.0079341145643140205472, 0.007573675487951840795, 0.0072445543013203831795, 0.0069428401072095298657,
  0.0066652470327076824424, 0.0064089941880042070684, 0.0061717122630394576475, 0.0059513701127588477356,
  0.005746216513010115682, 0.005554733551962801371,
];

/**
 * Stirling-series coefficients B₂ₖ/(2k(2k − 1)), k = 1..17 (mpmath bernoulli). The series is
 * asymptotic: at x ≥ 15 seven terms leave < 1e-19 absolute; at 6 ≤ x < 15 seventeen terms leave
 * < 1e-17 (the smallest term near k ≈ πx is ≈ e^{−2πx}).
 */
const STIRLING = [
  0.08333333333333333333333, -0.002777777777777777777778, 0.0007936507936507936507937,
  -0.0005952380952380952380952, 0.0008417508417508417508418, -0.001917526917526917526918,
  0.00641025641025641025641, -0.02955065359477124183007, 0.1796443723688305731649, -1.392432216905901116427,
  13.40286404416839199448, -156.8482846260020173064, 2193.103333333333333333, -36108.77125372498935717,
  691472.2688513130671084, -15238221.53940741619228, 382900751.3914141414141,
];

function stirlingSeries(x: number, terms: number): number {
  const inv2 = 1 / (x * x);
  let s = STIRLING[terms - 1]!;
  for (let k = terms - 2; k >= 0; k--) s = STIRLING[k]! + s * inv2;
  return s / x;
}

/**
 * stirlerr(x) = ln Γ(x + 1) − (x + ½)·ln x + x − ln √(2π), the error of Stirling's approximation to
 * ln x!. Exact table at half-integers ≤ 15, the Stirling series at x ≥ 6, and the defining formula
 * (with lgamma) below 6, where the cancellation costs < 1e-15 absolute.
 */
export function stirlerr(x: number): number {
  if (x <= 15) {
    const twice = x + x;
    if (twice === Math.floor(twice)) return STIRLERR_HALVES[twice]!;
    if (x < 6) {
      if (x < 1) return lgamma1p(x) - (x + 0.5) * Math.log(x) + x - LN_SQRT_2PI;
      return gammaln(x + 1) - (x + 0.5) * Math.log(x) + x - LN_SQRT_2PI;
    }
    return stirlingSeries(x, 17);
  }
  if (x > 1e8) return stirlingSeries(x, 1);
  if (x > 1e4) return stirlingSeries(x, 2);
  if (x > 200) return stirlingSeries(x, 3);
  return stirlingSeries(x, 7);
}

/**
 * The deviance term bd0(x, M) = x·ln(x/M) + M − x ≥ 0, given d = x − M computed exactly by the
 * caller. Near x = M the Taylor series in v = d/(x + M) avoids the cancellation of the closed form
 * (Loader 2000, §2); elsewhere x·log1p(d/M) − d or x·ln(x/M) + M − x loses at most one digit.
 */
export function bd0(x: number, M: number, d: number): number {
  if (d === 0) return 0;
  if (Math.abs(d) < 0.1 * (x + M)) {
    const v = d / (x + M);
    let s = d * v;
    if (Math.abs(s) < Number.MIN_VALUE * 1e16) return s;
    let ej = 2 * x * v;
    const v2 = v * v;
    for (let j = 1; j < 1000; j++) {
      ej *= v2;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
    return s;
  }
  if (M === 0) return Number.POSITIVE_INFINITY;
  const ratio = x / M;
  if (ratio > 0.5 && ratio < 2) return x * Math.log1p(d / M) - d;
  // Far from the saddle point the logarithm is ≥ ln 2 in size and needs no log1p; x/M itself may
  // overflow or underflow (x = 10⁹, M = 1e-300), hence the fallback to a difference of logs.
  const logRatio =
    ratio > 0 && ratio < Number.POSITIVE_INFINITY ? Math.log(ratio) : Math.log(x) - Math.log(M);
  return x * logRatio + M - x;
}

/**
 * ln(λ^c·e^{−λ}/Γ(c + 1)) for real c ≥ 0 and λ > 0: the Poisson "probability" at a real count, the
 * prefactor of the incomplete gamma function (R's dpois_raw, in logs).
 */
export function lnPoissonTerm(c: number, lambda: number): number {
  if (c === 0) return -lambda;
  if (lambda === 0) return Number.NEGATIVE_INFINITY;
  if (lambda === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  // Below c = 1 the defining formula has no cancellation to speak of and stays exact as c → 0.
  if (c < 1) return c * Math.log(lambda) - lambda - lgamma1p(c);
  return -stirlerr(c) - bd0(c, lambda, c - lambda) - 0.5 * (LN_2PI + Math.log(c));
}

/** (ζ(k) − 1)/k for k = 2..41 (mpmath, 40 digits). */
const LGAMMA1P = [
  0.32246703342411321824, 0.067352301053198095133, 0.020580808427784547879, 0.0073855510286739852663,
  0.0028905103307415232858, 0.0011927539117032609771, 0.00050966952474304242234, 0.00022315475845357937976,
  0.000099457512781808533715, 0.0000449262367381331417, 0.000020507212775670691553, 9.439488275268395904e-6,
  4.3748667899074878042e-6, 2.0392157538013662368e-6, 9.5514121304074198329e-7, 4.4924691987645660433e-7,
  2.1207184805554665869e-7, 1.0043224823968099609e-7, 4.7698101693639805658e-8, 2.271109460894316491e-8,
  1.0838659214896954091e-8, 5.1834750419700466551e-9, 2.4836745438024783172e-9, 1.1921401405860912074e-9,
  5.7313672416788620133e-10, 2.7595228851242331452e-10, 1.3304764374244489481e-10, 6.4229645638381000221e-11,
  3.1044247747322272762e-11, 1.5021384080754142171e-11, 7.2759744802390796625e-12, 3.5277424765759150836e-12,
];
const EULER_GAMMA = 0.5772156649015328606065;

/**
 * ln Γ(1 + a), accurate relative to its value as a → 0 (where lgamma(1 + a) loses the low bits of
 * a). For |a| ≤ ½: −γa + a − log1p(a) + Σ_{k≥2} (−1)ᵏ(ζ(k) − 1)aᵏ/k (Abramowitz & Stegun 6.1.33).
 */
export function lgamma1p(a: number): number {
  if (Math.abs(a) > 0.5) return gammaln(1 + a);
  // Horner over Σ_{k≥2} (−1)ᵏ·c_k·a^{k−2}; the a² goes back on at the end.
  let s = 0;
  for (let i = LGAMMA1P.length - 1; i >= 0; i--) s = (i % 2 === 0 ? LGAMMA1P[i]! : -LGAMMA1P[i]!) + a * s;
  return -EULER_GAMMA * a + (a - Math.log1p(a)) + a * a * s;
}
