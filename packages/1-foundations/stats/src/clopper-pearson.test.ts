import { describe, expect, it } from 'vitest';
import { binomialLowerTail } from './binomial-lower-tail.ts';
import { binomialUpperTail } from './binomial-upper-tail.ts';
import { clopperPearson } from './clopper-pearson.ts';
import { relativeError } from './testing.ts';
import { CLOPPER_PEARSON_VECTORS } from './test-vectors/inverse-vectors.ts';

/** Newton on the exact log tail to the last bits of p (measured worst 2.7e-16). */
const BOUND_RELATIVE_TOLERANCE = 1e-13;

describe('clopperPearson', () => {
  it.each(CLOPPER_PEARSON_VECTORS)('matches mpmath for k = $k, n = $n at $confidence', (v) => {
    const r = clopperPearson(v.k, v.n, v.confidence);
    expect(relativeError(r.lower, v.lower)).toBeLessThan(BOUND_RELATIVE_TOLERANCE);
    expect(relativeError(r.upper, v.upper)).toBeLessThan(BOUND_RELATIVE_TOLERANCE);
  });

  it('reproduces its doc example', () => {
    const r = clopperPearson(3, 100, 0.95);
    expect(relativeError(r.lower, 0.006229971538306396)).toBeLessThan(1e-14);
    expect(relativeError(r.upper, 0.08517605297428003)).toBeLessThan(1e-14);
  });

  it('solves the defining equations at n = 10⁹ (k = 1)', () => {
    const { lower, upper } = clopperPearson(1, 1e9, 0.95);
    expect(relativeError(binomialUpperTail(1, 1e9, lower).pValue, 0.025)).toBeLessThan(1e-12);
    expect(relativeError(binomialLowerTail(1, 1e9, upper).pValue, 0.025)).toBeLessThan(1e-12);
    // mpmath: the root of n·log1p(−p) + log(1 + np/(1 − p)) = ln 0.025.
    expect(relativeError(upper, 5.57164337820311527e-9)).toBeLessThan(1e-13);
  });

  it('covers at least the nominal level for every true p (exact check, n = 30)', () => {
    const n = 30;
    const intervals = Array.from({ length: n + 1 }, (_, k) => clopperPearson(k, n, 0.9));
    for (const p of [0.01, 0.05, 0.13, 0.3, 0.5, 0.77, 0.95]) {
      let coverage = 0;
      for (let k = 0; k <= n; k++) {
        if (intervals[k]!.lower <= p && p <= intervals[k]!.upper) {
          coverage += binomialUpperTail(k, n, p).pValue - binomialUpperTail(k + 1, n, p).pValue;
        }
      }
      expect(coverage).toBeGreaterThanOrEqual(0.9 - 1e-12);
    }
  });

  it('validates its arguments', () => {
    expect(() => clopperPearson(5, 4, 0.95)).toThrow(/k/);
    expect(() => clopperPearson(1, 0, 0.95)).toThrow(/n/);
    expect(() => clopperPearson(1, 10, 1)).toThrow(/confidence/);
  });
});
