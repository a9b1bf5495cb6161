/**
 * The result of one line of evidence in an audit, and the wording rules that keep its verdict
 * honest: a detection names its p-value; a non-detection states how much was scored and the
 * smallest effect the test could have detected — never "not distilled".
 */
import { binomialMinimumDetectable, clopperPearson, formatPValue, gammaMinimumDetectable, gammaUpperQuantile, type PValue } from '@tracemark/stats';
import { scoreTail, type SchemeCore } from '@tracemark/watermark';

export type AuditTestName = 'closed-model' | 'closed-model-supervised' | 'open-model-reading' | 'open-model-mass';

export interface AuditTest extends PValue {
  readonly name: AuditTestName;
  readonly description: string;
  /** How the p-value was computed: an exact tail, or a valid (conservative) Chernoff bound. */
  readonly method: 'exact-binomial' | 'exact-gamma' | 'chernoff-bound';
  /** Distinct tuples (or distinct PRF inputs) scored. */
  readonly scored: number;
  readonly score: number;
  /** The observed rate: green rate, mean g-value, mean Gumbel score, or mean green probability mass. */
  readonly rate: number;
  /** The rate's expectation under the null hypothesis (no watermark learned). */
  readonly expectedRate: number;
  /** rate − expectedRate. */
  readonly effect: number;
  /** 95% interval for the rate (Clopper–Pearson for binomial counts; gamma-based for Gumbel; null when no exact interval applies). */
  readonly confidenceInterval: readonly [number, number] | null;
  /** Smallest true rate this test detects with 80% power at `alpha` with the achieved sample size (null where no closed form applies). */
  readonly minimumDetectableRate: number | null;
  readonly alpha: number;
  readonly detected: boolean;
  readonly verdict: string;
}

export const MDE_POWER = 0.8;

export function verdictText(detected: boolean, log10P: number, scored: number, mde: number | null, expected: number): string {
  if (detected) return `watermark evidence of training on the teacher's outputs (p = ${formatPValue(log10P, 'e')})`;
  const power =
    mde === null
      ? 'this bounded test reports no detectable-effect figure; see the exact tests'
      : !Number.isFinite(mde)
        ? 'too few tuples for this test to detect any effect at this alpha'
        : `this test would detect a rate ≥ ${mde.toFixed(4)} (null ${expected.toFixed(4)}) at this alpha with ${MDE_POWER * 100}% power`;
  return `no evidence in this test (${scored} tuples scored; ${power})`;
}

/** Build the result of an exact test (binomial or gamma) from its counts. */
export function exactTest(
  core: SchemeCore,
  name: AuditTestName,
  description: string,
  scored: number,
  score: number,
  alpha: number,
): AuditTest {
  const tail = scoreTail(core, scored, score);
  const binomial = core.statistic === 'binomial';
  const trials = binomial ? scored * core.trialsPerTuple : scored;
  const expectedRate = binomial ? core.nullProbability : 1;
  const rate = trials > 0 ? score / trials : 0;
  let ci: readonly [number, number] | null = null;
  let mde: number | null = null;
  if (trials > 0) {
    if (binomial) {
      const k = Math.round(score);
      const i = clopperPearson(k, trials, 0.95);
      ci = [i.lower, i.upper];
      mde = binomialMinimumDetectable(trials, core.nullProbability, alpha, MDE_POWER);
    } else {
      // Sum of n Exp(θ) scores is Gamma(n, θ): an exact interval when scores are exponential.
      ci = [score / gammaUpperQuantile(0.025, scored), score / gammaUpperQuantile(0.975, scored)];
      ci = [Math.min(ci[0], ci[1]), Math.max(ci[0], ci[1])];
      mde = gammaMinimumDetectable(scored, alpha, MDE_POWER);
    }
  }
  const detected = tail.log10PValue < Math.log10(alpha);
  return {
    name,
    description,
    method: binomial ? 'exact-binomial' : 'exact-gamma',
    scored,
    score,
    rate,
    expectedRate,
    effect: rate - expectedRate,
    confidenceInterval: ci,
    minimumDetectableRate: mde,
    pValue: tail.pValue,
    log10PValue: tail.log10PValue,
    alpha,
    detected,
    verdict: verdictText(detected, tail.log10PValue, scored, mde, expectedRate),
  };
}
