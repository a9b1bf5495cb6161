import { describe, expect, it } from 'vitest';
import { bonferroniBound } from './bonferroni-bound.ts';
import { bonferroniCombine } from './bonferroni-combine.ts';
import { pValueFromLog10, pValueFromProbability } from './p-value.ts';

describe('bonferroniBound', () => {
  it('multiplies the smallest p by the number of tests, capped at 1', () => {
    expect(bonferroniBound(pValueFromProbability(1e-8), 30).pValue).toBeCloseTo(3e-7, 20);
    expect(bonferroniBound(pValueFromProbability(0.2), 10)).toEqual({ pValue: 1, log10PValue: 0 });
    expect(bonferroniBound(pValueFromProbability(0.2), 1).pValue).toBeCloseTo(0.2, 15);
  });

  it('works in log space far below the double range', () => {
    expect(bonferroniBound(pValueFromLog10(-500), 100).log10PValue).toBeCloseTo(-498, 12);
  });

  it('agrees with bonferroniCombine over the family it stands for', () => {
    const family = [1e-6, 0.3, 0.04, 0.9].map(pValueFromProbability);
    expect(bonferroniBound(family[0]!, family.length)).toEqual(bonferroniCombine(family));
  });
});
