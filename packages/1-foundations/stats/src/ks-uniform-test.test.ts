import { describe, expect, it } from 'vitest';
import { ksUniformTest } from './ks-uniform-test.ts';
import { lnKolmogorovSurvival } from './_kolmogorov.ts';
import { createRng } from './create-rng.ts';
import { close, hashUniforms, relativeError } from './testing.ts';
import { KOLMOGOROV_VECTORS } from './test-vectors/kolmogorov-vectors.ts';
import { KS_VECTORS } from './test-vectors/ks-vectors.ts';

/**
 * Exact regions (closed forms, Durbin matrix, Birnbaum–Tingey): the matrix's 1 − cdf costs ~1e-15
 * absolute and 2·P(D⁺ ≥ d) omits < 4e-11 relative at nD² ≥ 4; the 'durbin' references carry ~1e-15
 * absolute too. Measured worst: 3.4e-11 relative.
 */
const KS_EXACT_RELATIVE_TOLERANCE = 1e-10;
const KS_EXACT_ABSOLUTE_SLACK = 1e-14;
/** Pelz–Good region (n > 1000, matrix order > 140): absolute error < 1e-7 (measured 6e-11 at n = 5000). */
const KS_ASYMPTOTIC_ABSOLUTE_TOLERANCE = 1e-7;
/** Against mpmath's exact matrix: log10 survival, relative (measured worst ~1e-13). */
const KOLMOGOROV_LOG10_RELATIVE_TOLERANCE = 1e-11;

describe('ksUniformTest against scipy', () => {
  it.each(KS_VECTORS)('n = $n, offset $offset, sqrt every $sqrtEvery ($source)', (v) => {
    const r = ksUniformTest(hashUniforms(v.n, v.offset, v.sqrtEvery));
    expect(relativeError(r.statistic, v.statistic)).toBeLessThan(1e-15);
    const order = 2 * Math.ceil(v.n * v.statistic) - 1;
    const asymptotic = v.n > 1000 && order > 140 && v.n * v.statistic ** 2 < 4;
    if (asymptotic) expect(Math.abs(r.pValue - v.pValue)).toBeLessThan(KS_ASYMPTOTIC_ABSOLUTE_TOLERANCE);
    else expect(close(r.pValue, v.pValue, KS_EXACT_RELATIVE_TOLERANCE, KS_EXACT_ABSOLUTE_SLACK)).toBe(true);
  });
});

describe('Kolmogorov distribution against mpmath', () => {
  it.each(KOLMOGOROV_VECTORS)('P(D_$n ≥ $d)', ({ n, d, log10Survival }) => {
    expect(close(lnKolmogorovSurvival(n, d) / Math.LN10, log10Survival, KOLMOGOROV_LOG10_RELATIVE_TOLERANCE)).toBe(true);
  });
});

describe('ksUniformTest', () => {
  it('reproduces its doc example', () => {
    const r = ksUniformTest([0.1, 0.4, 0.7]);
    expect(r.statistic).toBeCloseTo(0.3, 15);
    expect(close(r.pValue, 0.886222222222222, 1e-13)).toBe(true);
  });

  it('gives p = 1 for a perfectly spread sample and tiny p for a clump', () => {
    const spread = Array.from({ length: 100 }, (_, i) => (i + 0.5) / 100);
    expect(ksUniformTest(spread).pValue).toBe(1);
    const clump = Array.from({ length: 100 }, () => 0.01);
    expect(ksUniformTest(clump).log10PValue).toBeLessThan(-150);
  });

  it('p-values of uniform samples are themselves uniform (fixed seed)', () => {
    const random = createRng(7);
    const pValues: number[] = [];
    for (let rep = 0; rep < 300; rep++) {
      const sample = Array.from({ length: 30 }, random);
      pValues.push(ksUniformTest(sample).pValue);
    }
    // KS of the KS p-values: a miscalibrated distribution would show up here at n = 300.
    expect(ksUniformTest(pValues).pValue).toBeGreaterThan(0.001);
  });

  it('rejects empty samples and values outside [0, 1], naming the index', () => {
    expect(() => ksUniformTest([])).toThrow(/values/);
    expect(() => ksUniformTest([0.2, 1.5])).toThrow(/values\[1\]/);
    expect(() => ksUniformTest([Number.NaN])).toThrow(/values\[0\]/);
  });
});
