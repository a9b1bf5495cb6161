import { binomialUpperTail, createRng, gammaUpperTail } from '@tracemark/stats';
import { describe, expect, it } from 'vitest';
import { chernoffUpperTail } from './chernoff-tail.ts';

describe('chernoffUpperTail', () => {
  it('bounds the exact binomial tail from above, within a polynomial factor, for equal weights', () => {
    for (const [n, k, p] of [[200, 80, 0.25], [10_000, 2_700, 0.25], [1_000, 900, 0.5]] as const) {
      const bound = chernoffUpperTail(new Float64Array(n).fill(1), k, { kind: 'bernoulli', p });
      const exact = binomialUpperTail(k, n, p);
      expect(bound.log10PValue).toBeGreaterThanOrEqual(exact.log10PValue);
      expect(bound.log10PValue - exact.log10PValue).toBeLessThan(Math.log10(10 * Math.sqrt(n)));
    }
  });

  it('bounds the exact gamma tail for Exp(1) scores', () => {
    const bound = chernoffUpperTail(new Float64Array(500).fill(1), 600, { kind: 'exponential' });
    const exact = gammaUpperTail(600, 500);
    expect(bound.log10PValue).toBeGreaterThanOrEqual(exact.log10PValue);
    expect(bound.log10PValue).toBeLessThan(-2);
  });

  it('is 1 at or below the mean and handles scaling of weights', () => {
    expect(chernoffUpperTail(Float64Array.of(1, 2, 3), 1.5, { kind: 'bernoulli', p: 0.25 }).pValue).toBe(1);
    const a = chernoffUpperTail(new Float64Array(100).fill(1), 40, { kind: 'bernoulli', p: 0.25 });
    const b = chernoffUpperTail(new Float64Array(100).fill(0.01), 0.4, { kind: 'bernoulli', p: 0.25 });
    expect(b.log10PValue).toBeCloseTo(a.log10PValue, 6);
  });

  it('is never anti-conservative: simulated weighted Bernoulli sums', () => {
    // Seeded draws; weights of very different sizes, as probability mass gives.
    const rand = createRng(12345);
    const w = Float64Array.from({ length: 300 }, (_, i) => 1 / (1 + (i % 17)));
    let rejections = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      let sum = 0;
      for (const x of w) if (rand() < 0.25) sum += x;
      if (chernoffUpperTail(w, sum, { kind: 'bernoulli', p: 0.25 }).pValue < 0.05) rejections++;
    }
    expect(rejections / trials).toBeLessThanOrEqual(0.05);
  });
});
