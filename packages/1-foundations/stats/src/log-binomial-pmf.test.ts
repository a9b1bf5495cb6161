import { describe, expect, it } from 'vitest';
import { logBinomialPmf } from './log-binomial-pmf.ts';
import { relativeError } from './testing.ts';
import { BINOMIAL_PMF_VECTORS } from './test-vectors/binomial-vectors.ts';

/** Loader's form is accurate to a few ulps of |ln P| (measured worst 1.9e-16). */
const PMF_RELATIVE_TOLERANCE = 1e-14;

describe('logBinomialPmf', () => {
  it.each(BINOMIAL_PMF_VECTORS)('matches mpmath at k = $k, n = $n, p = $p', ({ k, n, p, lnPmf }) => {
    expect(relativeError(logBinomialPmf(k, n, p), lnPmf)).toBeLessThan(PMF_RELATIVE_TOLERANCE);
  });

  it('reproduces its doc example, ln(120/1024)', () => {
    expect(relativeError(logBinomialPmf(3, 10, 0.5), Math.log(120 / 1024))).toBeLessThan(1e-15);
  });

  it('is −Infinity outside the support and exact at degenerate p', () => {
    expect(logBinomialPmf(-1, 10, 0.5)).toBe(Number.NEGATIVE_INFINITY);
    expect(logBinomialPmf(11, 10, 0.5)).toBe(Number.NEGATIVE_INFINITY);
    expect(logBinomialPmf(0, 10, 0)).toBe(0);
    expect(logBinomialPmf(10, 10, 1)).toBe(0);
    expect(logBinomialPmf(3, 10, 0)).toBe(Number.NEGATIVE_INFINITY);
    expect(logBinomialPmf(0, 0, 0.3)).toBe(0);
  });

  it('sums to 1 over the support', () => {
    let s = 0;
    for (let k = 0; k <= 300; k++) s += Math.exp(logBinomialPmf(k, 300, 0.37));
    expect(Math.abs(s - 1)).toBeLessThan(1e-14);
  });
});
