import { describe, expect, it } from 'vitest';
import { bonferroniCombine } from './bonferroni-combine.ts';
import { pValueFromLog10, pValueFromProbability } from './p-value.ts';
import { close } from './testing.ts';

describe('bonferroniCombine', () => {
  it('is min(1, L·min p) (doc example)', () => {
    expect(close(bonferroniCombine([1e-8, 0.5, 0.9].map(pValueFromProbability)).pValue, 3e-8, 1e-15)).toBe(true);
    expect(bonferroniCombine([0.4, 0.5, 0.9].map(pValueFromProbability)).pValue).toBe(1);
  });

  it('works in log space below 1e-308', () => {
    expect(close(bonferroniCombine([-500, -3].map(pValueFromLog10)).log10PValue, -500 + Math.log10(2), 1e-15)).toBe(true);
  });

  it('rejects an empty list', () => {
    expect(() => bonferroniCombine([])).toThrow(RangeError);
  });
});
