import { describe, expect, it } from 'vitest';
import { gammaLowerTail } from './gamma-lower-tail.ts';
import { gammaUpperTail } from './gamma-upper-tail.ts';
import { LOG10_RELATIVE_TOLERANCE, SUBNORMAL_SLACK, close } from './testing.ts';
import { GAMMA_TAIL_VECTORS } from './test-vectors/gamma-vectors.ts';

describe('gammaUpperTail against mpmath', () => {
  it.each(GAMMA_TAIL_VECTORS)('Q($shape, $x): log10 = $log10Upper', ({ x, shape, log10Upper, log10Lower }) => {
    expect(close(gammaUpperTail(x, shape).log10PValue, log10Upper, LOG10_RELATIVE_TOLERANCE, SUBNORMAL_SLACK)).toBe(true);
    expect(close(gammaLowerTail(x, shape).log10PValue, log10Lower, LOG10_RELATIVE_TOLERANCE, SUBNORMAL_SLACK)).toBe(true);
  });
});

describe('gammaUpperTail', () => {
  it('reproduces its doc example', () => {
    expect(close(gammaUpperTail(150, 100).log10PValue, -5.227345339411859, 1e-14)).toBe(true);
  });

  it('Q(1, x) = e^{−x} exactly in log space, far below 1e-308', () => {
    for (const x of [0.5, 3, 700, 1e4, 1e7]) {
      expect(close(gammaUpperTail(x, 1).log10PValue, -x / Math.LN10, 1e-15)).toBe(true);
    }
  });

  it('handles x ≤ 0, x = ∞ and shape 10⁸ near the mean', () => {
    expect(gammaUpperTail(0, 5)).toEqual({ pValue: 1, log10PValue: 0 });
    expect(gammaUpperTail(-3, 5).pValue).toBe(1);
    expect(gammaUpperTail(Number.POSITIVE_INFINITY, 5)).toEqual({ pValue: 0, log10PValue: Number.NEGATIVE_INFINITY });
    // Q(a, a) = ½ − 1/(3√(2πa)) + O(a^{−3/2}) (Temme's uniform expansion at η = 0, DLMF 8.12.3).
    const a = 1e8;
    expect(Math.abs(gammaUpperTail(a, a).pValue - (0.5 - 1 / (3 * Math.sqrt(2 * Math.PI * a))))).toBeLessThan(1e-11);
  });

  it('is non-increasing in x and non-decreasing in shape', () => {
    for (const shape of [0.3, 1, 7.5, 1000]) {
      let previous = 0;
      for (let i = 0; i <= 400; i++) {
        const x = (i / 100) * (shape + 10 * Math.sqrt(shape) + 10);
        const l = gammaUpperTail(x, shape).log10PValue;
        expect(l).toBeLessThanOrEqual(previous);
        previous = l;
      }
    }
    let previous = Number.NEGATIVE_INFINITY;
    for (let shape = 1; shape <= 200; shape += 0.5) {
      const l = gammaUpperTail(120, shape).log10PValue;
      expect(l).toBeGreaterThanOrEqual(previous);
      previous = l;
    }
  });

  it('upper + lower = 1 in the body', () => {
    for (const shape of [0.5, 1, 12.25, 1e4, 1e7]) {
      for (let z = -3; z <= 3; z += 0.75) {
        const x = Math.max(1e-3, shape + z * Math.sqrt(shape));
        const total = gammaUpperTail(x, shape).pValue + gammaLowerTail(x, shape).pValue;
        expect(Math.abs(total - 1)).toBeLessThan(1e-14);
      }
    }
  });
});

describe('gammaUpperTail never returns NaN', () => {
  it('stays in [−Infinity, 0] over a grid of extreme shapes and points', () => {
    const shapes = [1e-300, 1e-17, 1e-8, 0.001, 0.5, 1, 1.5, 17.3, 1e3, 1e6 + 0.5, 1e9];
    const points = [0, 1e-300, 1e-20, 1e-5, 0.1, 1, 1.4, 1.6, 10, 1e4, 1e9, 1e12, 1e300, Number.POSITIVE_INFINITY];
    for (const shape of shapes) {
      for (const x of points) {
        for (const r of [gammaUpperTail(x, shape), gammaLowerTail(x, shape)]) {
          expect(r.log10PValue).toBeLessThanOrEqual(0);
          expect(r.pValue).toBeGreaterThanOrEqual(0);
          expect(r.pValue).toBeLessThanOrEqual(1);
        }
      }
    }
  });
});
