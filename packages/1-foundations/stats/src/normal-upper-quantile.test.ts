import { describe, expect, it } from 'vitest';
import { normalUpperQuantile } from './normal-upper-quantile.ts';
import { normalUpperTail } from './normal-upper-tail.ts';
import { pValueFromLog10 } from './p-value.ts';
import { NORMAL_QUANTILE_VECTORS } from './test-vectors/normal-vectors.ts';

/** Newton to the last bit of z: 1e-14 relative (absolute near z = 0). Measured worst 1.9e-16. */
const QUANTILE_TOLERANCE = 1e-14;

describe('normalUpperQuantile', () => {
  it.each(NORMAL_QUANTILE_VECTORS)('matches mpmath at log10 p = $log10P', ({ log10P, z }) => {
    const got = normalUpperQuantile(pValueFromLog10(log10P));
    expect(Math.abs(got - z)).toBeLessThan(QUANTILE_TOLERANCE * Math.max(1, Math.abs(z)));
  });

  it('reproduces its doc examples', () => {
    expect(Math.abs(normalUpperQuantile(0.025) - 1.959963984540054)).toBeLessThan(1e-14);
    expect(Math.abs(normalUpperQuantile({ pValue: 0, log10PValue: -500 }) - 47.88537067385346)).toBeLessThan(1e-12);
  });

  it('inverts normalUpperTail and maps 0 and 1 to ±Infinity', () => {
    for (const z of [-6, -1, 0.2, 3, 12, 300]) {
      expect(Math.abs(normalUpperQuantile(normalUpperTail(z)) - z)).toBeLessThan(1e-13 * Math.max(1, Math.abs(z)));
    }
    expect(normalUpperQuantile(0)).toBe(Number.POSITIVE_INFINITY);
    expect(normalUpperQuantile(1)).toBe(Number.NEGATIVE_INFINITY);
  });
});
