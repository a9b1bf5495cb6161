import { describe, expect, it } from 'vitest';
import { createRng } from '@tracemark/stats';
import { signedRankTest, SIGNED_RANK_MAX_EXACT, signTest } from './signed-rank-test.ts';

/** P(W⁺ ≥ w) by enumerating all 2ⁿ sign patterns with mid-ranks (the definition). */
function bruteForce(d: number[]): number {
  const nz = d.filter((x) => x !== 0);
  const abs = nz.map(Math.abs);
  const ranks = abs.map((a) => {
    const below = abs.filter((b) => b < a).length;
    const equal = abs.filter((b) => b === a).length;
    return below + (equal + 1) / 2;
  });
  const w = ranks.reduce((s, r, i) => s + (nz[i]! > 0 ? r : 0), 0);
  let count = 0;
  for (let mask = 0; mask < 1 << nz.length; mask++) {
    let s = 0;
    for (let i = 0; i < nz.length; i++) if (mask & (1 << i)) s += ranks[i]!;
    if (s >= w - 1e-9) count++;
  }
  return count / 2 ** nz.length;
}

describe('signedRankTest', () => {
  it('matches enumeration of all sign patterns, with zeros and tied magnitudes', () => {
    const random = createRng(7);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(random() * 14);
      // Values on a coarse grid so that ties and zeros occur often.
      const d = Array.from({ length: n }, () => Math.round((random() - 0.35) * 6) / 2);
      const r = signedRankTest(d);
      expect(r.pValue.pValue).toBeCloseTo(bruteForce(d), 12);
      expect(r.ties).toBe(d.filter((x) => x === 0).length);
    }
  });

  it('gives the textbook value and effect size', () => {
    // Ranks 1 (negative) … 5: W⁺ = 14 of 15; only {} and {1} have W⁻ ≤ 1 → 2/32.
    const r = signedRankTest([1.5, 2, 0.5, 3, -0.25]);
    expect(r.pValue.pValue).toBe(0.0625);
    expect(r.effectSize).toBeCloseTo((14 - 1) / 15, 12);
    expect(r.minimumPValue.pValue).toBeCloseTo(1 / 32, 15);
  });

  it('stays exact far in the tail: all of 1000 positive gives 2^-1000', () => {
    const r = signedRankTest(Array.from({ length: SIGNED_RANK_MAX_EXACT }, (_, i) => i + 1));
    expect(r.pValue.log10PValue).toBeCloseTo(-1000 * Math.log10(2), 9);
  });

  it('falls back to the sign test above the exact limit', () => {
    const d = Array.from({ length: SIGNED_RANK_MAX_EXACT + 1 }, (_, i) => (i % 3 === 0 ? -1 : 1));
    expect(signedRankTest(d).test).toBe('sign');
  });

  it('rejects NaN', () => {
    expect(() => signedRankTest([1, Number.NaN])).toThrow(/difference 1 is NaN/);
  });
});

describe('signTest', () => {
  it('is the exact binomial tail over non-zero differences', () => {
    const r = signTest([0.2, 0.1, -0.05, 0.3, 0]);
    expect([r.wins, r.losses, r.ties, r.n]).toEqual([3, 1, 1, 4]);
    expect(r.pValue.pValue).toBeCloseTo(5 / 16, 14);
    expect(signTest([]).pValue.pValue).toBe(1);
  });
});
