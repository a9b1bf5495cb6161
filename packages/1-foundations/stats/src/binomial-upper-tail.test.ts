import { describe, expect, it } from 'vitest';
import { binomialLowerTail } from './binomial-lower-tail.ts';
import { binomialUpperTail } from './binomial-upper-tail.ts';
import { logBinomialPmf } from './log-binomial-pmf.ts';
import { createRng } from './create-rng.ts';
import { LOG10_RELATIVE_TOLERANCE, SUBNORMAL_SLACK, close } from './testing.ts';
import { BINOMIAL_TAIL_VECTORS } from './test-vectors/binomial-vectors.ts';

describe('binomialUpperTail against mpmath', () => {
  it.each(BINOMIAL_TAIL_VECTORS)(
    'P(X ≥ $k), n = $n, p = $p: log10 = $log10Upper',
    ({ k, n, p, log10Upper, log10Lower }) => {
      const upper = binomialUpperTail(k, n, p);
      expect(close(upper.log10PValue, log10Upper, LOG10_RELATIVE_TOLERANCE, SUBNORMAL_SLACK)).toBe(true);
      // The complement, from the same computation.
      const lower = binomialLowerTail(k - 1, n, p);
      expect(close(lower.log10PValue, log10Lower, LOG10_RELATIVE_TOLERANCE, SUBNORMAL_SLACK)).toBe(true);
      // pValue is 10^log10 where representable.
      if (log10Upper > -300) expect(close(upper.pValue, 10 ** log10Upper, 1e-12)).toBe(true);
      else expect(upper.pValue).toBeLessThan(1e-299);
    },
  );
});

describe('binomialUpperTail edge cases', () => {
  it('k ≤ 0 gives 1 and k > n gives 0 with log10 −Infinity', () => {
    expect(binomialUpperTail(0, 10, 0.3)).toEqual({ pValue: 1, log10PValue: 0 });
    expect(binomialUpperTail(-5, 10, 0.3)).toEqual({ pValue: 1, log10PValue: 0 });
    expect(binomialUpperTail(11, 10, 0.3)).toEqual({ pValue: 0, log10PValue: Number.NEGATIVE_INFINITY });
    expect(binomialUpperTail(1, 0, 0.3).log10PValue).toBe(Number.NEGATIVE_INFINITY);
  });

  it('is exact at p = 0 and p = 1', () => {
    expect(binomialUpperTail(1, 10, 0).pValue).toBe(0);
    expect(binomialUpperTail(0, 10, 0).pValue).toBe(1);
    expect(binomialUpperTail(10, 10, 1).pValue).toBe(1);
    expect(binomialUpperTail(10, 10, 1).log10PValue).toBe(0);
  });

  it('P(X ≥ n) = pⁿ exactly in log space', () => {
    expect(close(binomialUpperTail(1000, 1000, 0.5).log10PValue, 1000 * Math.log10(0.5), 1e-15)).toBe(true);
  });

  it('reproduces its doc example', () => {
    const r = binomialUpperTail(60, 100, 0.25);
    expect(r.log10PValue).toBeCloseTo(-12.877183187524956, 13);
  });
});

describe('binomialUpperTail properties', () => {
  it('is non-increasing in k (n = 1000, every k) and in the far tail (n = 10⁶)', () => {
    let previous = 0;
    for (let k = 0; k <= 1001; k++) {
      const l = binomialUpperTail(k, 1000, 0.3).log10PValue;
      expect(l).toBeLessThanOrEqual(previous);
      previous = l;
    }
    previous = 0;
    for (let k = 499_000; k <= 510_000; k += 250) {
      const l = binomialUpperTail(k, 1_000_000, 0.5).log10PValue;
      expect(l).toBeLessThanOrEqual(previous);
      previous = l;
    }
  });

  it('upper + lower = 1 in the body', () => {
    for (const [n, p] of [
      [50, 0.1],
      [1000, 0.5],
      [100_000, 0.25],
    ] as const) {
      const sd = Math.sqrt(n * p * (1 - p));
      for (let z = -3; z <= 3; z += 0.5) {
        const k = Math.round(n * p + z * sd);
        const total = binomialUpperTail(k, n, p).pValue + binomialLowerTail(k - 1, n, p).pValue;
        expect(Math.abs(total - 1)).toBeLessThan(1e-14);
      }
    }
  });

  it('agrees with a direct sum of probabilities at n = 60', () => {
    for (let k = 0; k <= 60; k++) {
      let s = 0;
      for (let j = k; j <= 60; j++) s += Math.exp(logBinomialPmf(j, 60, 0.35));
      expect(close(binomialUpperTail(k, 60, 0.35).pValue, s, 1e-13, 1e-300)).toBe(true);
    }
  });

  it('is super-uniform under the null, exactly: P(p-value ≤ a) ≤ a', () => {
    for (const [n, p] of [
      [10, 0.5],
      [37, 0.25],
      [200, 0.05],
    ] as const) {
      const pValues = Array.from({ length: n + 1 }, (_, k) => binomialUpperTail(k, n, p).pValue);
      const pmf = Array.from({ length: n + 1 }, (_, k) => Math.exp(logBinomialPmf(k, n, p)));
      for (const a of [1e-4, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.9]) {
        let mass = 0;
        for (let k = 0; k <= n; k++) if (pValues[k]! <= a) mass += pmf[k]!;
        expect(mass).toBeLessThanOrEqual(a * (1 + 1e-12));
      }
    }
  });

  it('is super-uniform under the null, by simulation with a fixed seed', () => {
    const n = 40;
    const p = 0.3;
    const draws = 20_000;
    const random = createRng(20240611);
    const table = Array.from({ length: n + 1 }, (_, k) => binomialUpperTail(k, n, p).pValue);
    const pValues: number[] = [];
    for (let i = 0; i < draws; i++) {
      let x = 0;
      for (let j = 0; j < n; j++) if (random() < p) x++;
      pValues.push(table[x]!);
    }
    for (const a of [0.001, 0.01, 0.05, 0.1, 0.25, 0.5]) {
      const fraction = pValues.filter((v) => v <= a).length / draws;
      // Three binomial standard errors of slack for sampling noise.
      expect(fraction).toBeLessThanOrEqual(a + 3 * Math.sqrt((a * (1 - a)) / draws));
    }
  });
});

describe('binomialUpperTail never returns NaN', () => {
  it('stays in [−Infinity, 0] for random and extreme arguments (fixed seed)', () => {
    const random = createRng(99);
    for (let i = 0; i < 1500; i++) {
      const n = Math.floor(10 ** (random() * 7));
      const p = [0, 1, 1e-300, 1e-12, 1 - 1e-12, random(), random() ** 8, 1 - random() ** 8][i % 8]!;
      const k = Math.floor(random() * (n + 3)) - 1;
      const r = binomialUpperTail(k, n, p);
      expect(r.log10PValue).toBeLessThanOrEqual(0);
      expect(r.pValue).toBeGreaterThanOrEqual(0);
      expect(r.pValue).toBeLessThanOrEqual(1);
    }
  });
});
