import { describe, expect, it } from 'vitest';
import { log10OfPValue } from './_read-p-values.ts';
import { pValueFromLn, pValueFromLog10, pValueFromProbability } from './p-value.ts';

describe('PValue constructors', () => {
  it('keeps the logarithm when the probability underflows (doc example)', () => {
    expect(pValueFromLog10(-1234.5)).toEqual({ pValue: 0, log10PValue: -1234.5 });
  });

  it('converts natural logs and probabilities (doc examples)', () => {
    const a = pValueFromLn(Math.log(0.05));
    expect(a.pValue).toBeCloseTo(0.05, 15);
    expect(a.log10PValue).toBeCloseTo(-1.3010299956639813, 14);
    expect(pValueFromProbability(0.01)).toEqual({ pValue: 0.01, log10PValue: -2 });
  });

  it('clamps rounding noise above 0 and maps 0 to −Infinity', () => {
    expect(pValueFromLog10(1e-17)).toEqual({ pValue: 1, log10PValue: 0 });
    expect(pValueFromLn(3e-16)).toEqual({ pValue: 1, log10PValue: 0 });
    expect(pValueFromProbability(0)).toEqual({ pValue: 0, log10PValue: Number.NEGATIVE_INFINITY });
    expect(pValueFromLog10(Number.NEGATIVE_INFINITY).pValue).toBe(0);
  });

  it('rejects NaN and out-of-range probabilities, naming the argument', () => {
    expect(() => pValueFromLog10(Number.NaN)).toThrow(/log10PValue/);
    expect(() => pValueFromLn(Number.NaN)).toThrow(/lnPValue/);
    expect(() => pValueFromProbability(1.5)).toThrow(RangeError);
    expect(() => pValueFromProbability(-0.1)).toThrow(/pValue/);
  });

  it('reads caller-supplied values, trusting log10PValue', () => {
    expect(log10OfPValue({ pValue: 0, log10PValue: -500 }, 'x')).toBe(-500);
    expect(log10OfPValue({ pValue: 0.1, log10PValue: Number.NaN }, 'x')).toBeCloseTo(-1, 15);
    expect(() => log10OfPValue({ pValue: 0.5, log10PValue: 0.3 }, 'x')).toThrow(/x\.log10PValue/);
  });
});
