/**
 * The scanner's numerics against exact references: the hypergeometric tail against a BigInt sum of
 * binomial coefficients (exact rational arithmetic), conformal p-values against their definition
 * (ties count against the account), Benjamini–Hochberg against its definition (R's p.adjust example, worked by hand), the conjunction and
 * content tests' validity by simulation of random groups, and the field-mapping parser's errors.
 */
import { bhAdjust as benjaminiHochberg, createRng, hypergeometricUpperTailLn, pValueFromProbability } from '@tracemark/stats';
import {
  conformalPValues,
  contentTest,
  extractionShape,
  parseFieldMapping,
  TrafficInputError,
} from '@tracemark/traffic';
import { describe, expect, it } from 'vitest';

function choose(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
}

/** log10 of P(X ≥ x) exactly: BigInt numerator and denominator, scaled before the float division. */
function exactLog10Tail(x: number, N: number, K: number, m: number): number {
  let num = 0n;
  for (let i = x; i <= Math.min(K, m); i++) num += choose(K, i) * choose(N - K, m - i);
  const den = choose(N, m);
  if (num === 0n) return -Infinity;
  const digits = (b: bigint) => b.toString().length;
  const shift = Math.max(0, Math.max(digits(num), digits(den)) - 300);
  const scale = 10n ** BigInt(shift);
  if (digits(num) <= shift) throw new Error('reference out of range');
  return Math.log10(Number(num / scale)) - Math.log10(Number(den / scale));
}

describe('hypergeometricUpperTailLn', () => {
  it.each([
    [3, 100, 5, 10],
    [1, 10, 3, 4],
    [12, 662, 40, 12],
    [10, 700, 70, 10],
    [20, 24000, 1200, 20],
    [5, 50, 25, 10],
    [0, 30, 10, 5],
  ])('P(X ≥ %i), N=%i, K=%i, m=%i matches exact rational arithmetic to 1e-9 relative', (x, N, K, m) => {
    const got = hypergeometricUpperTailLn(x, N, K, m) / Math.LN10;
    const want = exactLog10Tail(x, N, K, m);
    expect(Math.abs(got - want)).toBeLessThan(1e-9 * Math.max(1, Math.abs(want)));
  });

  it('is -Infinity beyond the support and 0 at its lower end', () => {
    expect(hypergeometricUpperTailLn(6, 100, 5, 10)).toBe(-Infinity);
    expect(hypergeometricUpperTailLn(0, 100, 5, 10)).toBe(0);
    expect(() => hypergeometricUpperTailLn(1, 10, 11, 2)).toThrow(RangeError);
  });
});

describe('conformalPValues', () => {
  it('is (1 + #{reference ≥ s}) / (n + 1), ties against the account', () => {
    expect(conformalPValues([3, 5, 0], [1, 2, 3, 4], false).map((p) => p.pValue)).toEqual([3 / 5, 1 / 5, 1]);
    // The population calibrating itself: #{≥ s} / n.
    expect(conformalPValues([1, 2, 2, 3], [1, 2, 2, 3], true).map((p) => p.pValue)).toEqual([1, 3 / 4, 3 / 4, 1 / 4]);
  });

  it('is exactly valid under exchangeability: P(p ≤ u) ≤ u for every u (simulation)', () => {
    const rnd = createRng('conformal');
    let hits = 0;
    const trials = 20_000;
    for (let t = 0; t < trials; t++) {
      const ref = Array.from({ length: 19 }, () => Math.floor(rnd() * 4)); // heavy ties
      const p = conformalPValues([Math.floor(rnd() * 4)], ref, false)[0]!.pValue;
      if (p <= 0.1) hits++;
    }
    expect(hits / trials).toBeLessThanOrEqual(0.1 + 3 * Math.sqrt((0.1 * 0.9) / trials));
  });
});

describe('benjaminiHochberg', () => {
  it('gives q = (0.02, 0.04, 0.04, 0.02) for p = (0.01, 0.04, 0.03, 0.005), worked by hand from the definition', () => {
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.005].map(pValueFromProbability)).map((x) => x.pValue);
    [0.02, 0.04, 0.04, 0.02].forEach((want, i) => expect(q[i]).toBeCloseTo(want, 12));
  });
});

describe('cluster content test', () => {
  it('is valid for random groups: P(p ≤ 0.05) ≤ 0.05 over random members of a population (simulation)', () => {
    const rnd = createRng('content-test');
    const N = 300;
    let hits = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const pool = Float64Array.from({ length: N }, () => (rnd() < 0.6 ? 1 : rnd()));
      const m = 2 + Math.floor(rnd() * 10);
      const idx = new Set<number>();
      while (idx.size < m) idx.add(Math.floor(rnd() * N));
      const r = contentTest(Float64Array.from([...idx], (i) => pool[i]!), pool);
      if (r.log10PValue <= Math.log10(0.05)) hits++;
    }
    expect(hits / trials).toBeLessThanOrEqual(0.05 + 3 * Math.sqrt((0.05 * 0.95) / trials));
  });

  it('needs both legs of the extraction shape', () => {
    expect(extractionShape({ sweep: 0.001, distribution: 0.5, elicitation: 1, harvest: 1 })).toBe(1);
    expect(extractionShape({ sweep: 1, distribution: 1, elicitation: 0.001, harvest: 0.002 })).toBe(1);
    expect(extractionShape({ sweep: 0.01, distribution: 0.5, elicitation: 0.002, harvest: 1 })).toBeCloseTo(0.02, 12);
  });
});

describe('parseFieldMapping', () => {
  it('maps named fields and keeps the others canonical', () => {
    const m = parseFieldMapping('account=user_id, ip = client_ip');
    expect([m.account, m.ip, m.time]).toEqual(['user_id', 'client_ip', 'time']);
  });
  it.each(['account', 'acount=x', 'account=a,account=b', 'account=ip'])('rejects %s', (spec) => {
    expect(() => parseFieldMapping(spec)).toThrow(TrafficInputError);
  });
});
