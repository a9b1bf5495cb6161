import { describe, expect, it } from 'vitest';
import { gammaUpperQuantile } from './gamma-upper-quantile.ts';
import { gammaUpperTail } from './gamma-upper-tail.ts';
import { relativeError } from './testing.ts';
import { GAMMA_QUANTILE_VECTORS } from './test-vectors/normal-vectors.ts';

/**
 * Newton stops at the resolution of x; the tail's own ~1e-15 relative error moves the root by
 * that divided by |d ln Q/d ln x| (≥ ~1 here), so 1e-13 relative on x. Measured worst 1.7e-15.
 */
const QUANTILE_RELATIVE_TOLERANCE = 1e-13;

describe('gammaUpperQuantile', () => {
  it.each(GAMMA_QUANTILE_VECTORS)('matches mpmath at p = $p, shape = $shape', ({ p, shape, x }) => {
    expect(relativeError(gammaUpperQuantile(p, shape), x)).toBeLessThan(QUANTILE_RELATIVE_TOLERANCE);
  });

  it('reproduces its doc example, ln 20', () => {
    expect(relativeError(gammaUpperQuantile(0.05, 1), Math.log(20))).toBeLessThan(1e-15);
  });

  it('inverts the tail far below 1e-308 and at shape 10⁷', () => {
    const x = gammaUpperQuantile({ pValue: 0, log10PValue: -5000 }, 10);
    expect(relativeError(gammaUpperTail(x, 10).log10PValue, -5000)).toBeLessThan(1e-14);
    const y = gammaUpperQuantile(1e-10, 1e7);
    expect(relativeError(gammaUpperTail(y, 1e7).log10PValue, -10)).toBeLessThan(1e-11);
    expect(gammaUpperQuantile(1, 3)).toBe(0);
    expect(gammaUpperQuantile(0, 3)).toBe(Number.POSITIVE_INFINITY);
  });
});
