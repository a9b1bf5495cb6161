import { describe, expect, it } from 'vitest';
import { holmAdjust } from './holm-adjust.ts';
import { pValueFromLog10, pValueFromProbability } from './p-value.ts';
import { close } from './testing.ts';

/** Same double arithmetic as statsmodels' multipletests(method='holm'): a few ulps. */
const HAND_RELATIVE_TOLERANCE = 1e-15;

/** statsmodels-style step-down by hand (sort, (m − j)·p, running max, clamp, unsort). */
function holmByHand(ps: readonly number[]): number[] {
  const m = ps.length;
  const order = ps.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach(([p, i], j) => {
    running = Math.max(running, Math.min(1, (m - j) * p));
    out[i] = running;
  });
  return out;
}

describe('holmAdjust', () => {
  it.each([
    [[0.01, 0.04, 0.03, 0.005]],
    [[0.2, 0.001, 0.04, 0.04, 0.5, 0.012]],
    [[0.9]],
    [[0.3, 0.3, 0.3]],
  ])('matches the hand computation for %j', (ps) => {
    const got = holmAdjust(ps.map(pValueFromProbability)).map((p) => p.pValue);
    const expected = holmByHand(ps);
    got.forEach((v, i) => expect(close(v, expected[i]!, HAND_RELATIVE_TOLERANCE)).toBe(true));
  });

  it('reproduces its doc example: [0.03, 0.06, 0.06, 0.02]', () => {
    const got = holmAdjust([0.01, 0.04, 0.03, 0.005].map(pValueFromProbability)).map((p) => p.pValue);
    [0.03, 0.06, 0.06, 0.02].forEach((v, i) => expect(close(got[i]!, v, 1e-15)).toBe(true));
  });

  it('is monotone in the raw p-values and never below them', () => {
    const ps = [0.04, 0.001, 0.3, 0.02, 0.2, 0.0005, 0.07];
    const adjusted = holmAdjust(ps.map(pValueFromProbability)).map((p) => p.pValue);
    for (let i = 0; i < ps.length; i++) {
      expect(adjusted[i]).toBeGreaterThanOrEqual(ps[i]!);
      for (let j = 0; j < ps.length; j++) if (ps[i]! < ps[j]!) expect(adjusted[i]).toBeLessThanOrEqual(adjusted[j]!);
    }
  });

  it('works in log space with 1e-500 and p = 0 inputs', () => {
    const got = holmAdjust([pValueFromLog10(-500), pValueFromLog10(-700), pValueFromProbability(0), pValueFromProbability(0.5)]);
    expect(got[2]!.log10PValue).toBe(Number.NEGATIVE_INFINITY);
    expect(close(got[1]!.log10PValue, -700 + Math.log10(3), 1e-15)).toBe(true);
    expect(close(got[0]!.log10PValue, -500 + Math.log10(2), 1e-15)).toBe(true);
    expect(got[3]!.pValue).toBeCloseTo(0.5, 15);
    expect(holmAdjust([])).toEqual([]);
  });
});
