import { describe, expect, it } from 'vitest';
import { fisherCombine } from './fisher-combine.ts';
import { pValueFromLog10, pValueFromProbability } from './p-value.ts';
import { LOG10_RELATIVE_TOLERANCE, close } from './testing.ts';
import { COMBINE_VECTORS, EXTREME_COMBINE_VECTORS } from './test-vectors/combine-vectors.ts';

/** scipy's chi2.sf is itself a double-precision computation: 1e-13 relative (measured 8.4e-15). */
const SCIPY_RELATIVE_TOLERANCE = 1e-13;

describe('fisherCombine', () => {
  it.each(COMBINE_VECTORS)('matches scipy.stats.combine_pvalues for $pValues', (v) => {
    const r = fisherCombine(v.pValues.map(pValueFromProbability));
    expect(close(r.pValue, v.fisherPValue, SCIPY_RELATIVE_TOLERANCE)).toBe(true);
    expect(close(r.statistic, v.fisherStatistic, SCIPY_RELATIVE_TOLERANCE)).toBe(true);
    expect(r.degreesOfFreedom).toBe(2 * v.pValues.length);
  });

  it.each(EXTREME_COMBINE_VECTORS)('matches mpmath for log10 inputs $log10PValues', (v) => {
    const r = fisherCombine(v.log10PValues.map(pValueFromLog10));
    expect(close(r.log10PValue, v.fisherLog10, LOG10_RELATIVE_TOLERANCE)).toBe(true);
  });

  it('reproduces its doc example and handles p = 0 and p = 1', () => {
    expect(close(fisherCombine([0.01, 0.2, 0.3].map(pValueFromProbability)).pValue, 0.02156175132483463, 1e-14)).toBe(true);
    expect(fisherCombine([pValueFromProbability(0), pValueFromProbability(0.5)]).log10PValue).toBe(Number.NEGATIVE_INFINITY);
    expect(fisherCombine([pValueFromProbability(1), pValueFromProbability(1)]).pValue).toBe(1);
  });

  it('rejects an empty list', () => {
    expect(() => fisherCombine([])).toThrow(/pValues/);
  });
});
