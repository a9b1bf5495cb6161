import { describe, expect, it } from 'vitest';
import { harmonicMeanCombine } from './harmonic-mean-combine.ts';
import { pValueFromLog10, pValueFromProbability } from './p-value.ts';
import { close } from './testing.ts';

/** Plain double arithmetic by hand on the same inputs: a few ulps. */
const HAND_RELATIVE_TOLERANCE = 1e-14;

describe('harmonicMeanCombine', () => {
  it('computes H = L/Σ(1/pᵢ) and applies e·ln L for L ≥ 3 (Vovk & Wang 2020)', () => {
    const ps = [1e-8, 0.5, 0.9];
    const h = 3 / (1e8 + 2 + 1 / 0.9);
    const r = harmonicMeanCombine(ps.map(pValueFromProbability));
    expect(close(r.harmonicMean.pValue, h, HAND_RELATIVE_TOLERANCE)).toBe(true);
    expect(close(r.multiplier, Math.E * Math.log(3), 1e-15)).toBe(true);
    expect(close(r.pValue, Math.E * Math.log(3) * h, HAND_RELATIVE_TOLERANCE)).toBe(true);
    // The doc example.
    expect(close(r.pValue, 8.959013183700108e-8, 1e-14)).toBe(true);
  });

  it('uses multiplier 1 for one input and 2 (Bonferroni bound) for two', () => {
    const one = harmonicMeanCombine([pValueFromProbability(0.03)]);
    expect(one.multiplier).toBe(1);
    expect(close(one.pValue, 0.03, 1e-15)).toBe(true);
    const two = harmonicMeanCombine([0.01, 0.04].map(pValueFromProbability));
    expect(two.multiplier).toBe(2);
    expect(close(two.pValue, 2 * (2 / (100 + 25)), HAND_RELATIVE_TOLERANCE)).toBe(true);
  });

  it('works with inputs of 1e-500 and 1e-100000', () => {
    const r = harmonicMeanCombine([-500, -100000, -1].map(pValueFromLog10));
    // H ≈ 3·1e-100000, so log10 H = log10 3 − 100000 up to 1e-99500 relative.
    expect(close(r.harmonicMean.log10PValue, Math.log10(3) - 100000, 1e-15)).toBe(true);
    expect(close(r.log10PValue, Math.log10(3 * Math.E * Math.log(3)) - 100000, 1e-15)).toBe(true);
  });

  it('clamps at 1, is 0 when an input is 0, and is at least as large as min p', () => {
    expect(harmonicMeanCombine([0.5, 0.9, 0.7, 0.8].map(pValueFromProbability)).pValue).toBe(1);
    expect(harmonicMeanCombine([0, 0.5, 0.9].map(pValueFromProbability)).pValue).toBe(0);
    const ps = [0.001, 0.2, 0.03, 0.5, 0.04];
    expect(harmonicMeanCombine(ps.map(pValueFromProbability)).pValue).toBeGreaterThanOrEqual(0.001);
  });
});
