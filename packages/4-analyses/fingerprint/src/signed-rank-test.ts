/**
 * The exact one-sided Wilcoxon signed-rank test for paired differences (F. Wilcoxon, "Individual
 * comparisons by ranking methods", Biometrics Bulletin 1(6), 1945), conditional on the observed
 * absolute differences: under H0 each difference is symmetric about 0, so every sign pattern is
 * equally likely and P(W⁺ ≥ w) is a count of sign patterns over 2ⁿ. Zeros are dropped (Wilcoxon's
 * convention) and tied |d| get mid-ranks, handled exactly by counting over doubled ranks.
 */
import { binomialUpperTail, type PValue, pValueFromLn } from '@tracemark/stats';

/** |d| at or below this is a tie with zero: similarities are averages of doubles, not exact. */
export const DIFFERENCE_TOLERANCE = 1e-12;

/** Above this many non-zero differences the exact count would cost O(n³); the sign test is used instead. */
export const SIGNED_RANK_MAX_EXACT = 1000;

export interface PairedTestResult {
  readonly test: 'signed-rank' | 'sign';
  /** Non-zero differences used. */
  readonly n: number;
  /** Positive differences ("suspect closer to the teacher"). */
  readonly wins: number;
  readonly losses: number;
  readonly ties: number;
  /** One-sided p-value for "differences tend to be positive". */
  readonly pValue: PValue;
  /**
   * Matched-pairs rank-biserial correlation (W⁺ − W⁻)/(W⁺ + W⁻) ∈ [−1, 1] (Kerby 2014) for the
   * signed-rank test; (wins − losses)/n for the sign test. 0 when n = 0.
   */
  readonly effectSize: number;
  /** The smallest p-value n differences could ever give: 2⁻ⁿ. */
  readonly minimumPValue: PValue;
}

/**
 * The exact one-sided sign test: P(X ≥ wins) for X ~ Binomial(wins + losses, 1/2).
 *
 * @example
 * signTest([0.2, 0.1, -0.05, 0.3, 0]).pValue.pValue; // P(X ≥ 3 | n = 4) = 0.3125
 */
export function signTest(differences: ArrayLike<number>, tolerance = DIFFERENCE_TOLERANCE): PairedTestResult {
  let wins = 0;
  let losses = 0;
  let ties = 0;
  for (let i = 0; i < differences.length; i++) {
    const d = differences[i]!;
    if (Number.isNaN(d)) throw new RangeError(`difference ${i} is NaN`);
    if (Math.abs(d) <= tolerance) ties++;
    else if (d > 0) wins++;
    else losses++;
  }
  const n = wins + losses;
  return {
    test: 'sign',
    n,
    wins,
    losses,
    ties,
    pValue: binomialUpperTail(wins, n, 0.5),
    effectSize: n === 0 ? 0 : (wins - losses) / n,
    minimumPValue: pValueFromLn(-n * Math.LN2),
  };
}

/** Cumulative counts #{subsets of {1…n} with sum ≤ v}, v = 0 … n(n+1)/2, for the last few n asked. */
const untiedCache = new Map<number, Float64Array>();

function untiedLowerCounts(n: number): Float64Array {
  let c = untiedCache.get(n);
  if (c) return c;
  const top = (n * (n + 1)) / 2;
  c = new Float64Array(top + 1);
  c[0] = 1;
  for (let r = 1; r <= n; r++) for (let v = (r * (r + 1)) / 2; v >= r; v--) c[v]! += c[v - r]!;
  for (let v = 1; v <= top; v++) c[v]! += c[v - 1]!;
  // Analyses compare the same probes many times over: a handful of n values recur (measured).
  if (untiedCache.size >= 8) untiedCache.delete(untiedCache.keys().next().value!);
  untiedCache.set(n, c);
  return c;
}

/**
 * The exact one-sided signed-rank test of "the differences tend to be positive".
 *
 * Method: rank the non-zero |d| (mid-ranks for ties), doubled to integers a_i; W = Σ_{d_i>0} a_i.
 * By the symmetry of W about Σa_i/2, P(W ≥ w) = P(W ≤ Σa_i − w), counted by the subset-sum
 * recursion c_i(v) = c_{i−1}(v) + c_{i−1}(v − a_i) truncated at Σa_i − w — so the stronger the
 * evidence, the cheaper: O(n·(Σa − w)) ≤ O(n³). Counts stay below 2¹⁰⁰⁰ < 1.8e308, so doubles hold
 * them; their sum divided by 2ⁿ is the p-value, in log space. Without ties the counts depend on n
 * alone and are tabulated once per n (O(n³) once, then O(1) per test). Beyond `SIGNED_RANK_MAX_EXACT`
 * non-zero differences it falls back to `signTest`.
 *
 * @throws RangeError if a difference is NaN.
 * @example
 * signedRankTest([1.5, 2, 0.5, 3, -0.25]).pValue.pValue; // 0.0625: W⁺ = 14 of 15, and 2 of the 32 sign patterns reach it
 */
export function signedRankTest(differences: ArrayLike<number>, tolerance = DIFFERENCE_TOLERANCE): PairedTestResult {
  const nonzero: number[] = [];
  let ties = 0;
  for (let i = 0; i < differences.length; i++) {
    const d = differences[i]!;
    if (Number.isNaN(d)) throw new RangeError(`difference ${i} is NaN`);
    if (Math.abs(d) <= tolerance) ties++;
    else nonzero.push(d);
  }
  const n = nonzero.length;
  if (n > SIGNED_RANK_MAX_EXACT) return { ...signTest(differences, tolerance), ties };
  const order = nonzero.map((_, i) => i).sort((a, b) => Math.abs(nonzero[a]!) - Math.abs(nonzero[b]!));
  // Doubled mid-ranks: a tie group occupying ranks r+1 … r+g gets 2r + g + 1 each (an integer).
  const doubled = new Array<number>(n);
  let tied = false;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    const v = Math.abs(nonzero[order[start]!]!);
    while (end < n && Math.abs(nonzero[order[end]!]!) - v <= tolerance) end++;
    if (end - start > 1) tied = true;
    for (let j = start; j < end; j++) doubled[order[j]!] = start + end + 1;
    start = end;
  }
  let total = 0;
  let wPlus = 0;
  let wins = 0;
  for (let i = 0; i < n; i++) {
    total += doubled[i]!;
    if (nonzero[i]! > 0) {
      wPlus += doubled[i]!;
      wins++;
    }
  }
  const limit = total - wPlus;
  let sum: number;
  if (!tied) {
    // No ties: ranks are 1…n, whose null distribution depends on n only — looked up, not recounted.
    sum = untiedLowerCounts(n)[limit / 2]!;
  } else {
    const counts = new Float64Array(limit + 1);
    counts[0] = 1;
    let reach = 0;
    for (let i = 0; i < n; i++) {
      const a = doubled[i]!;
      reach = Math.min(limit, reach + a);
      for (let v = reach; v >= a; v--) counts[v]! += counts[v - a]!;
    }
    sum = 0;
    for (let v = 0; v <= limit; v++) sum += counts[v]!;
  }
  return {
    test: 'signed-rank',
    n,
    wins,
    losses: n - wins,
    ties,
    pValue: pValueFromLn(Math.log(sum) - n * Math.LN2),
    effectSize: total === 0 ? 0 : (2 * wPlus - total) / total,
    minimumPValue: pValueFromLn(-n * Math.LN2),
  };
}
