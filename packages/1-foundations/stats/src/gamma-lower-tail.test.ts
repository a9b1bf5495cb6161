import { describe, expect, it } from 'vitest';
import { gammaLowerTail } from './gamma-lower-tail.ts';
import { close } from './testing.ts';

describe('gammaLowerTail', () => {
  it('reproduces its doc example, 1 − e⁻¹', () => {
    expect(close(gammaLowerTail(1, 1).pValue, -Math.expm1(-1), 1e-15)).toBe(true);
  });

  it('P(a, x) ≈ xᵃ/Γ(a + 1) deep in the left tail', () => {
    // P(3, 1e-100) = 1e-300/6·(1 − O(1e-100)).
    expect(close(gammaLowerTail(1e-100, 3).log10PValue, -300 - Math.log10(6), 1e-15)).toBe(true);
  });

  it('is 0 at x ≤ 0 and 1 at +Infinity', () => {
    expect(gammaLowerTail(0, 2).pValue).toBe(0);
    expect(gammaLowerTail(Number.POSITIVE_INFINITY, 2)).toEqual({ pValue: 1, log10PValue: 0 });
  });
});
