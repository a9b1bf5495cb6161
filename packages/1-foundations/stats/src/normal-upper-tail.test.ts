import { describe, expect, it } from 'vitest';
import { normalUpperTail } from './normal-upper-tail.ts';
import { LOG10_RELATIVE_TOLERANCE, close } from './testing.ts';
import { NORMAL_TAIL_VECTORS } from './test-vectors/normal-vectors.ts';

describe('normalUpperTail', () => {
  it.each(NORMAL_TAIL_VECTORS)('matches mpmath at z = $z', ({ z, log10Upper }) => {
    expect(close(normalUpperTail(z).log10PValue, log10Upper, LOG10_RELATIVE_TOLERANCE)).toBe(true);
  });

  it('reproduces its doc example (z = 40 underflows pValue, not log10PValue)', () => {
    const r = normalUpperTail(40);
    expect(r.pValue).toBe(0);
    expect(close(r.log10PValue, -349.4370064593458, 1e-15)).toBe(true);
  });

  it('is symmetric: Q(z) + Q(−z) = 1', () => {
    for (const z of [0, 0.3, 1, 2.5, 7]) {
      expect(Math.abs(normalUpperTail(z).pValue + normalUpperTail(-z).pValue - 1)).toBeLessThan(1e-15);
    }
  });

  it('is non-increasing and handles ±Infinity', () => {
    let previous = 0;
    for (let z = -40; z <= 60; z += 0.125) {
      const l = normalUpperTail(z).log10PValue;
      expect(l).toBeLessThanOrEqual(previous);
      previous = l;
    }
    expect(normalUpperTail(Number.POSITIVE_INFINITY).log10PValue).toBe(Number.NEGATIVE_INFINITY);
    expect(normalUpperTail(Number.NEGATIVE_INFINITY)).toEqual({ pValue: 1, log10PValue: 0 });
  });
});
