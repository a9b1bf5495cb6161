/**
 * The critical count of an exact one-sided binomial test: how many "hits" out of n trials are still
 * consistent with rate p at a given level. Calibration tests use it as "the false-positive count out
 * of n trials at rate α must be ≤ c", which fails by chance with probability ≤ level.
 */
import { assertIntegerAtLeast, assertOpenProbability, assertProbability } from './_assert.ts';
import { lnBinomialTails } from './_binomial-tails.ts';
import { normalUpperInverseLn } from './_normal.ts';

/**
 * The smallest c ∈ {0, …, n} with P(X > c) ≤ level for X ~ Binom(n, p).
 *
 * Definition: the (1 − level) quantile of Binom(n, p) in the right-continuous sense; rejecting
 * "rate ≤ p" when X > c is then an exact level-`level` test (Lehmann & Romano, "Testing
 * Statistical Hypotheses", 3rd ed., §3.4).
 * Method: start at the normal approximation np + z·√(npq), gallop outward to bracket, then bisect,
 * comparing the exact log tail ln P(X ≥ c + 1) with ln(level). Complexity: O(log √(npq))
 * evaluations of the exact tail, each O(1) to O(√(npq)).
 *
 * @param n - trials, an integer ≥ 0.
 * @param p - per-trial rate under the null, in [0, 1].
 * @param level - tolerated probability of exceeding c, in (0, 1), e.g. 0.01.
 * @throws {RangeError} if n is not a safe integer ≥ 0, p is outside [0, 1], or level is outside
 *   (0, 1).
 * @example
 * binomialUpperCritical(1000, 0.01, 0.01); // 18 (P(X > 18) = 0.006905, P(X > 17) = 0.013833)
 */
export function binomialUpperCritical(n: number, p: number, level: number): number {
  assertIntegerAtLeast(n, 0, 'n');
  assertProbability(p, 'p');
  assertOpenProbability(level, 'level');
  if (p === 0 || n === 0) return 0;
  if (p === 1) return n;
  const lnLevel = Math.log(level);
  // ok(c) ⇔ P(X > c) ≤ level; monotone in c, ok(n) always, ok(−1) never.
  const ok = (c: number): boolean => lnBinomialTails(c + 1, n, p).lnUpper <= lnLevel;
  const z = normalUpperInverseLn(lnLevel);
  const guess = Math.round(n * p + z * Math.sqrt(n * p * (1 - p)));
  let c = Math.min(n, Math.max(0, Number.isFinite(guess) ? guess : 0));
  let lo: number;
  let hi: number;
  if (ok(c)) {
    hi = c;
    lo = c - 1;
    for (let step = 1; lo >= 0 && ok(lo); step *= 2) {
      hi = lo;
      lo = Math.max(-1, lo - step);
    }
  } else {
    lo = c;
    hi = c + 1;
    for (let step = 1; hi < n && !ok(hi); step *= 2) {
      lo = hi;
      hi = Math.min(n, hi + step);
    }
  }
  // Invariant: not ok(lo) (or lo = −1), ok(hi).
  while (hi - lo > 1) {
    c = lo + Math.floor((hi - lo) / 2);
    if (ok(c)) hi = c;
    else lo = c;
  }
  return hi;
}
