import { describe, expect, it } from 'vitest';
import { fisherExactGreater } from './fisher-exact-greater.ts';

describe('fisherExactGreater', () => {
  it('equals the hypergeometric tail computed by hand', () => {
    // N = 20, K = 9, n = 10: P(X ≥ 8) = (C(10,8)·C(10,1) + C(10,9)·C(10,0)) / C(20,9) = 460/167960
    // (= R's fisher.test(matrix(c(8, 2, 1, 9), 2), alternative = "greater")$p.value).
    expect(fisherExactGreater(8, 10, 1, 10).pValue).toBeCloseTo(460 / 167960, 14);
    // N = 20, K = 6, n = 10: P(X ≥ 3) = (120·120 + 210·45 + 252·10 + 210·1) / C(20,6) = 26580/38760.
    expect(fisherExactGreater(3, 10, 3, 10).pValue).toBeCloseTo(26580 / 38760, 14);
  });

  it('is 1 when nobody has the behaviour and tiny when only the suspect has it', () => {
    expect(fisherExactGreater(0, 50, 0, 200).pValue).toBe(1);
    // Only the suspect's 50 of 250: 1/C(250, 50).
    expect(fisherExactGreater(50, 50, 0, 200).log10PValue).toBeLessThan(-50);
  });

  it('rejects impossible tables', () => {
    expect(() => fisherExactGreater(5, 4, 0, 1)).toThrow(/exceed trials/);
    expect(() => fisherExactGreater(-1, 4, 0, 1)).toThrow(/non-negative integer/);
  });
});
