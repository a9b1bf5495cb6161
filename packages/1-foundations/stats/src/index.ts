/**
 * @tracemark/stats — exact tail probabilities in log space, p-value combination and calibration
 * helpers. Everything an accusation rests on is computed exactly (no normal approximations) and
 * reported as a {@link PValue} whose log10PValue stays accurate far below 1e-308.
 */
export { type PValue, pValueFromLn, pValueFromLog10, pValueFromProbability } from './p-value.ts';
export { formatPValue, type PValueNotation, type PValueParts, pValueParts } from './format-p-value.ts';

export { logBinomialPmf } from './log-binomial-pmf.ts';
export { binomialUpperTail } from './binomial-upper-tail.ts';
export { binomialLowerTail } from './binomial-lower-tail.ts';
export { gammaUpperTail } from './gamma-upper-tail.ts';
export { gammaLowerTail } from './gamma-lower-tail.ts';
export { gammaUpperQuantile } from './gamma-upper-quantile.ts';
export { normalUpperTail } from './normal-upper-tail.ts';
export { normalUpperQuantile } from './normal-upper-quantile.ts';
export { chiSquareUpperTail } from './chi-square-upper-tail.ts';

export { type FisherResult, fisherCombine } from './fisher-combine.ts';
export { type StoufferResult, stoufferCombine } from './stouffer-combine.ts';
export { type HarmonicMeanResult, harmonicMeanCombine } from './harmonic-mean-combine.ts';
export { bonferroniCombine } from './bonferroni-combine.ts';
export { bonferroniBound } from './bonferroni-bound.ts';
export { bonferroniAdjust } from './bonferroni-adjust.ts';
export { holmAdjust } from './holm-adjust.ts';
export { bhAdjust } from './bh-adjust.ts';

export { type KsTestResult, ksUniformTest } from './ks-uniform-test.ts';
export { fisherExactGreater } from './fisher-exact-greater.ts';
export { binomialUpperCritical } from './binomial-upper-critical.ts';
export { type ProportionInterval, clopperPearson } from './clopper-pearson.ts';
export { binomialMinimumDetectable } from './binomial-minimum-detectable.ts';
export { gammaMinimumDetectable } from './gamma-minimum-detectable.ts';

export { createNormalRng, createRng } from './create-rng.ts';
export { hypergeometricUpperTailLn } from './hypergeometric-upper-tail.ts';
