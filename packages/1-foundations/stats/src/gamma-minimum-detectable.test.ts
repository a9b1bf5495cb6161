import { describe, expect, it } from 'vitest';
import { gammaMinimumDetectable } from './gamma-minimum-detectable.ts';
import { gammaUpperQuantile } from './gamma-upper-quantile.ts';
import { gammaUpperTail } from './gamma-upper-tail.ts';
import { relativeError } from './testing.ts';
import { GAMMA_DETECTABLE_VECTORS } from './test-vectors/inverse-vectors.ts';

/** Ratio of two quantiles, each to ~1e-15 (measured worst 2e-16). */
const MEAN_RELATIVE_TOLERANCE = 1e-13;

describe('gammaMinimumDetectable', () => {
  it.each(GAMMA_DETECTABLE_VECTORS)('matches mpmath for n = $n, alpha = $alpha, power = $power', (v) => {
    expect(relativeError(gammaMinimumDetectable(v.n, v.alpha, v.power), v.mu)).toBeLessThan(MEAN_RELATIVE_TOLERANCE);
  });

  it('gives the requested power under the scale model Gamma(n, μ)', () => {
    const n = 500;
    const mu = gammaMinimumDetectable(n, 1e-8, 0.95);
    const threshold = gammaUpperQuantile(1e-8, n);
    // P(S ≥ s_α) for S ~ Gamma(n, μ) is Q(n, s_α/μ).
    expect(relativeError(gammaUpperTail(threshold / mu, n).pValue, 0.95)).toBeLessThan(1e-13);
    expect(mu).toBeGreaterThan(1);
  });

  it('shrinks toward 1 as n grows', () => {
    expect(gammaMinimumDetectable(100, 1e-6, 0.8)).toBeGreaterThan(gammaMinimumDetectable(10_000, 1e-6, 0.8));
    expect(gammaMinimumDetectable(1e8, 1e-6, 0.8)).toBeLessThan(1.001);
  });
});
