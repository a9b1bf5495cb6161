import { describe, expect, it } from 'vitest';
import { binomialMinimumDetectable } from './binomial-minimum-detectable.ts';
import { binomialUpperCritical } from './binomial-upper-critical.ts';
import { binomialUpperTail } from './binomial-upper-tail.ts';
import { relativeError } from './testing.ts';
import { BINOMIAL_DETECTABLE_VECTORS } from './test-vectors/inverse-vectors.ts';

/** Newton on the exact log tail (measured worst 1.5e-16). */
const RATE_RELATIVE_TOLERANCE = 1e-13;

describe('binomialMinimumDetectable', () => {
  it.each(BINOMIAL_DETECTABLE_VECTORS)('matches mpmath for n = $n, p0 = $p0, alpha = $alpha, power = $power', (v) => {
    expect(relativeError(binomialMinimumDetectable(v.n, v.p0, v.alpha, v.power), v.p1)).toBeLessThan(RATE_RELATIVE_TOLERANCE);
  });

  it('achieves exactly the requested power at the returned rate (n = 10⁷)', () => {
    const n = 10_000_000;
    const p1 = binomialMinimumDetectable(n, 0.25, 1e-9, 0.9);
    const c = binomialUpperCritical(n, 0.25, 1e-9);
    expect(relativeError(binomialUpperTail(c + 1, n, p1).pValue, 0.9)).toBeLessThan(1e-12);
    expect(p1).toBeGreaterThan(0.25);
  });

  it('is Infinity when no count can reach the level', () => {
    expect(binomialMinimumDetectable(10, 0.5, 1e-6, 0.8)).toBe(Number.POSITIVE_INFINITY);
  });

  it('requires power > alpha', () => {
    expect(() => binomialMinimumDetectable(100, 0.25, 0.05, 0.05)).toThrow(/power/);
  });
});
