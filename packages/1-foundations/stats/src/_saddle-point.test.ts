import { describe, expect, it } from 'vitest';
import { bd0, lgamma1p, lnPoissonTerm, stirlerr } from './_saddle-point.ts';
import { relativeError } from './testing.ts';
import { LGAMMA1P_VECTORS, STIRLERR_VECTORS } from './test-vectors/saddle-point-vectors.ts';

/**
 * stirlerr enters ln P additively, so its absolute error is what matters: the lgamma-based branch
 * below x = 6 cancels ~28 → 0.014 and leaves a few 1e-16 (measured worst 3.7e-16 at x = 5.9).
 */
const STIRLERR_ABSOLUTE_TOLERANCE = 1e-15;
const LGAMMA1P_RELATIVE_TOLERANCE = 1e-14;

describe('stirlerr', () => {
  it.each(STIRLERR_VECTORS)('matches mpmath at x = $x', ({ x, value }) => {
    expect(Math.abs(stirlerr(x) - value)).toBeLessThan(STIRLERR_ABSOLUTE_TOLERANCE);
  });
});

describe('lgamma1p', () => {
  it.each(LGAMMA1P_VECTORS)('matches mpmath at a = $a', ({ a, value }) => {
    expect(relativeError(lgamma1p(a), value)).toBeLessThan(LGAMMA1P_RELATIVE_TOLERANCE);
  });
});

describe('bd0', () => {
  it('is zero at the saddle point and positive elsewhere', () => {
    expect(bd0(5, 5, 0)).toBe(0);
    expect(bd0(4, 5, -1)).toBeGreaterThan(0);
    // (M + 1)·ln(1 + 1/M) − 1 = 1/(2M) − 1/(6M²) + O(M⁻³), computed without cancellation.
    const M = 1e9;
    expect(relativeError(bd0(M + 1, M, 1), 1 / (2 * M) - 1 / (6 * M * M))).toBeLessThan(1e-15);
  });
});

describe('lnPoissonTerm', () => {
  it('is −λ at count 0 and ln(λᶜe^{−λ}/c!) at integers', () => {
    expect(lnPoissonTerm(0, 3)).toBe(-3);
    // ln(3²·e⁻³/2) = 2 ln 3 − 3 − ln 2
    expect(relativeError(lnPoissonTerm(2, 3), 2 * Math.log(3) - 3 - Math.log(2))).toBeLessThan(1e-15);
  });
});
