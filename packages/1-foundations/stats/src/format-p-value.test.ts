import { describe, expect, it } from 'vitest';
import { formatPValue, pValueParts } from './format-p-value.ts';

describe('formatPValue', () => {
  it('writes tiny p-values from log10 p as mantissa × 10^exponent, never 0', () => {
    // p = 10^-411.49 = 3.236… × 10^-412, far below the smallest double (about 4.9 × 10^-324).
    expect(formatPValue(-411.49)).toBe('3.2 × 10^-412');
    expect(formatPValue(-411.49, 'e')).toBe('3.2e-412');
    expect(formatPValue(-1e6)).toBe('1.0 × 10^-1000000');
    expect(formatPValue(-94.3, 'e')).toBe('5.0e-95');
    expect(formatPValue(-Infinity)).toBe('too small to compute (below 10^-308)');
    expect(formatPValue(-Infinity, 'e')).toBe('too small to compute (below 1e-308)');
  });

  it('carries a mantissa that rounds to 10 into the exponent', () => {
    // 10^-4.0001 = 9.9977 × 10^-5 → "10.0 × 10^-5" unless carried.
    expect(formatPValue(-4.0001)).toBe('1.0 × 10^-4');
    expect(formatPValue(-4.0001, 'e')).toBe('1.0e-4');
    expect(formatPValue(-4)).toBe('1.0 × 10^-4');
    expect(pValueParts(-7.0001)).toEqual({ kind: 'scientific', mantissa: '1.0', exponent: -7 });
  });

  it('writes moderate p-values as decimals with two significant digits, the same in both notations', () => {
    expect(formatPValue(Math.log10(0.0011176))).toBe('0.0011');
    expect(formatPValue(Math.log10(0.41), 'e')).toBe('0.41');
    expect(formatPValue(Math.log10(0.1))).toBe('0.1');
    expect(formatPValue(0)).toBe('1');
    expect(formatPValue(0.2, 'e')).toBe('1');
  });

  it('answers n/a for NaN and rejects what is not a number', () => {
    expect(formatPValue(Number.NaN)).toBe('n/a');
    expect(() => formatPValue('0.01' as unknown as number)).toThrow(/log10P must be a number/);
  });
});
