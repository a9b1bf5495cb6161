import { describe, expect, it } from 'vitest';
import { stoufferCombine } from './stouffer-combine.ts';
import { pValueFromLog10, pValueFromProbability } from './p-value.ts';
import { LOG10_RELATIVE_TOLERANCE, close } from './testing.ts';
import { COMBINE_VECTORS, EXTREME_COMBINE_VECTORS, WEIGHTED_STOUFFER_VECTORS } from './test-vectors/combine-vectors.ts';

/** scipy's norm.isf/norm.sf in double precision: 1e-13 relative (measured 2.4e-14). */
const SCIPY_RELATIVE_TOLERANCE = 1e-13;
const Z_ABSOLUTE_TOLERANCE = 1e-13;

describe('stoufferCombine', () => {
  it.each(COMBINE_VECTORS)('matches scipy.stats.combine_pvalues for $pValues', (v) => {
    const r = stoufferCombine(v.pValues.map(pValueFromProbability));
    expect(close(r.pValue, v.stoufferPValue, SCIPY_RELATIVE_TOLERANCE)).toBe(true);
    expect(Math.abs(r.z - v.stoufferZ)).toBeLessThan(Z_ABSOLUTE_TOLERANCE);
  });

  it.each(WEIGHTED_STOUFFER_VECTORS)('matches scipy with weights $weights', (v) => {
    const r = stoufferCombine(v.pValues.map(pValueFromProbability), v.weights);
    expect(close(r.pValue, v.pValue, SCIPY_RELATIVE_TOLERANCE)).toBe(true);
    expect(Math.abs(r.z - v.z)).toBeLessThan(Z_ABSOLUTE_TOLERANCE);
  });

  it.each(EXTREME_COMBINE_VECTORS)('matches mpmath for log10 inputs $log10PValues', (v) => {
    const r = stoufferCombine(v.log10PValues.map(pValueFromLog10));
    expect(close(r.log10PValue, v.stoufferLog10, LOG10_RELATIVE_TOLERANCE)).toBe(true);
  });

  it('reproduces its doc example', () => {
    const r = stoufferCombine([0.01, 0.2, 0.3].map(pValueFromProbability));
    expect(close(r.pValue, 0.01651203260896293, 1e-14)).toBe(true);
  });

  it('treats infinite z-scores as documented (p = 1 wins: conservative)', () => {
    const zero = pValueFromProbability(0);
    const one = pValueFromProbability(1);
    const half = pValueFromProbability(0.5);
    expect(stoufferCombine([zero, half]).pValue).toBe(0);
    expect(stoufferCombine([one, half]).pValue).toBe(1);
    expect(stoufferCombine([zero, one]).pValue).toBe(1);
    // A zero weight removes an input entirely.
    expect(stoufferCombine([zero, half], [0, 1]).pValue).toBeCloseTo(0.5, 15);
  });

  it('validates weights, naming them', () => {
    const ps = [pValueFromProbability(0.1), pValueFromProbability(0.2)];
    expect(() => stoufferCombine(ps, [1])).toThrow(/weights/);
    expect(() => stoufferCombine(ps, [1, -1])).toThrow(/weights\[1\]/);
    expect(() => stoufferCombine(ps, [0, 0])).toThrow(/weights/);
    expect(() => stoufferCombine(ps, [1, Number.NaN])).toThrow(/weights\[1\]/);
    expect(() => stoufferCombine([])).toThrow(/pValues/);
  });
});
