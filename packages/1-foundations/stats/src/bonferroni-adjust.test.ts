import { describe, expect, it } from 'vitest';
import { bonferroniAdjust } from './bonferroni-adjust.ts';
import { pValueFromLog10, pValueFromProbability } from './p-value.ts';
import { close } from './testing.ts';

describe('bonferroniAdjust', () => {
  it('multiplies by m and clamps, keeping order (statsmodels/R p.adjust by hand)', () => {
    const got = bonferroniAdjust([0.01, 0.04, 0.5].map(pValueFromProbability)).map((p) => p.pValue);
    const expected = [0.03, 0.12, 1];
    got.forEach((v, i) => expect(close(v, expected[i]!, 1e-15)).toBe(true));
  });

  it('keeps 1e-500 inputs and accepts an empty family', () => {
    expect(close(bonferroniAdjust([pValueFromLog10(-500), pValueFromLog10(-1)])[0]!.log10PValue, -500 + Math.log10(2), 1e-15)).toBe(true);
    expect(bonferroniAdjust([])).toEqual([]);
  });
});
