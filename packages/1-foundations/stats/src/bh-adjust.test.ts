import { describe, expect, it } from 'vitest';
import { bhAdjust } from './bh-adjust.ts';
import { pValueFromLog10, pValueFromProbability } from './p-value.ts';
import { close } from './testing.ts';

/** Same double arithmetic as statsmodels' multipletests(method='fdr_bh') up to the log round trip: a few ulps. */
const HAND_RELATIVE_TOLERANCE = 1e-14;

/** statsmodels-style step-up by hand (sort, m/j·p, running min from the top, clamp, unsort). */
function bhByHand(ps: readonly number[]): number[] {
  const m = ps.length;
  const order = ps.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(m);
  let running = 1;
  for (let j = m - 1; j >= 0; j--) {
    const [p, i] = order[j]!;
    running = Math.min(running, (m / (j + 1)) * p);
    out[i] = running;
  }
  return out;
}

describe('bhAdjust', () => {
  it.each([
    [[0.01, 0.04, 0.03, 0.005]],
    [[0.2, 0.001, 0.04, 0.04, 0.5, 0.012]],
    [[0.9]],
    [[0.3, 0.3, 0.3]],
    [[0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216, 0.222, 0.251, 0.269, 0.275, 0.34, 0.341, 0.384, 0.569, 0.594, 0.696, 0.762, 0.94, 0.942, 0.975, 0.986]],
  ])('matches the hand computation for %j', (ps) => {
    const got = bhAdjust(ps.map(pValueFromProbability)).map((p) => p.pValue);
    const expected = bhByHand(ps);
    got.forEach((v, i) => expect(close(v, expected[i]!, HAND_RELATIVE_TOLERANCE)).toBe(true));
  });

  it('reproduces its doc example: [0.02, 0.04, 0.04, 0.02] (R p.adjust(c(.01,.04,.03,.005), "BH"))', () => {
    const got = bhAdjust([0.01, 0.04, 0.03, 0.005].map(pValueFromProbability)).map((p) => p.pValue);
    [0.02, 0.04, 0.04, 0.02].forEach((v, i) => expect(close(got[i]!, v, 1e-14)).toBe(true));
  });

  it('is monotone in the raw p-values, never below them, and never above Holm (m·p)', () => {
    const ps = [0.04, 0.001, 0.3, 0.02, 0.2, 0.0005, 0.07];
    const adjusted = bhAdjust(ps.map(pValueFromProbability)).map((p) => p.pValue);
    for (let i = 0; i < ps.length; i++) {
      // 10^log10(p) may round one ulp below p.
      expect(adjusted[i]).toBeGreaterThanOrEqual(ps[i]! * (1 - 1e-15));
      expect(adjusted[i]).toBeLessThanOrEqual(Math.min(1, ps.length * ps[i]!) * (1 + 1e-15));
      for (let j = 0; j < ps.length; j++) if (ps[i]! < ps[j]!) expect(adjusted[i]).toBeLessThanOrEqual(adjusted[j]!);
    }
  });

  it('works in log space with 1e-500 and p = 0 inputs', () => {
    const got = bhAdjust([pValueFromLog10(-500), pValueFromLog10(-700), pValueFromProbability(0), pValueFromProbability(0.5)]);
    expect(got[2]!.log10PValue).toBe(Number.NEGATIVE_INFINITY);
    // ranks: p=0 → 1, 1e-700 → 2, 1e-500 → 3, 0.5 → 4 (m = 4)
    expect(close(got[1]!.log10PValue, -700 + Math.log10(4 / 2), 1e-15)).toBe(true);
    expect(close(got[0]!.log10PValue, -500 + Math.log10(4 / 3), 1e-15)).toBe(true);
    expect(got[3]!.pValue).toBeCloseTo(0.5, 15);
    expect(bhAdjust([])).toEqual([]);
  });
});
