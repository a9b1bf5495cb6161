import { describe, expect, it } from 'vitest';
import { chiSquareUpperTail } from './chi-square-upper-tail.ts';
import { LOG10_RELATIVE_TOLERANCE, close } from './testing.ts';
import { CHI_SQUARE_VECTORS } from './test-vectors/normal-vectors.ts';

describe('chiSquareUpperTail', () => {
  it.each(CHI_SQUARE_VECTORS)('matches mpmath at x = $x, df = $df', ({ x, df, log10Upper }) => {
    expect(close(chiSquareUpperTail(x, df).log10PValue, log10Upper, LOG10_RELATIVE_TOLERANCE)).toBe(true);
  });

  it('reproduces its doc example, and χ²₂ is Exp(½)', () => {
    expect(Math.abs(chiSquareUpperTail(3.841458820694124, 1).pValue - 0.05)).toBeLessThan(1e-15);
    expect(close(chiSquareUpperTail(10, 2).pValue, Math.exp(-5), 1e-15)).toBe(true);
    expect(chiSquareUpperTail(0, 4).pValue).toBe(1);
  });
});
