import { describe, expect, it } from 'vitest';
import { binomialLowerTail } from './binomial-lower-tail.ts';
import { close } from './testing.ts';

describe('binomialLowerTail', () => {
  it('reproduces its doc example, 56/1024', () => {
    expect(close(binomialLowerTail(2, 10, 0.5).pValue, 56 / 1024, 1e-15)).toBe(true);
  });

  it('is 0 below the support and 1 from n up', () => {
    expect(binomialLowerTail(-1, 10, 0.5).pValue).toBe(0);
    expect(binomialLowerTail(10, 10, 0.5)).toEqual({ pValue: 1, log10PValue: 0 });
    expect(binomialLowerTail(Number.MAX_SAFE_INTEGER, 10, 0.5).pValue).toBe(1);
  });

  it('P(X ≤ 0) = (1 − p)ⁿ in the deep tail', () => {
    expect(close(binomialLowerTail(0, 1_000_000, 0.5).log10PValue, 1e6 * Math.log10(0.5), 1e-15)).toBe(true);
  });
});
