import { describe, expect, it } from 'vitest';
import { binomialUpperCritical } from './binomial-upper-critical.ts';
import { binomialUpperTail } from './binomial-upper-tail.ts';
import { BINOMIAL_DETECTABLE_VECTORS } from './test-vectors/inverse-vectors.ts';

/** Ties P(X > c) = level occur (n = 1, p = level): allow the last-bit rounding of exp(ln p). */
const TIE_RELATIVE_SLACK = 1e-14;

/** The defining property: P(X > c) ≤ level < P(X > c − 1). */
function expectCritical(n: number, p: number, level: number): void {
  const c = binomialUpperCritical(n, p, level);
  expect(binomialUpperTail(c + 1, n, p).pValue).toBeLessThanOrEqual(level * (1 + TIE_RELATIVE_SLACK));
  if (c > 0) expect(binomialUpperTail(c, n, p).pValue).toBeGreaterThan(level * (1 - TIE_RELATIVE_SLACK));
}

describe('binomialUpperCritical', () => {
  it('reproduces its doc example and scipy.stats.binom.isf', () => {
    expect(binomialUpperCritical(1000, 0.01, 0.01)).toBe(18);
    for (const v of BINOMIAL_DETECTABLE_VECTORS) expect(binomialUpperCritical(v.n, v.p0, v.alpha)).toBe(v.critical);
  });

  it('satisfies its definition across sizes, rates and levels', () => {
    for (const n of [1, 7, 100, 12_345, 10_000_000]) {
      for (const p of [1e-6, 0.01, 0.25, 0.5, 0.97]) {
        for (const level of [1e-300, 1e-9, 0.01, 0.5, 0.999]) expectCritical(n, p, level);
      }
    }
  });

  it('handles degenerate rates and n = 0', () => {
    expect(binomialUpperCritical(10, 0, 0.05)).toBe(0);
    expect(binomialUpperCritical(10, 1, 0.05)).toBe(10);
    expect(binomialUpperCritical(0, 0.5, 0.05)).toBe(0);
    expect(binomialUpperCritical(10, 0.5, 1e-300)).toBe(10);
  });
});
