import { describe, expect, it } from 'vitest';
import { formatChance, formatCount, formatPValue, superscript } from './format-p-value.ts';

describe('formatPValue', () => {
  it('writes tiny p-values from log10 p as mantissa × 10^exponent, never 0', () => {
    // p = 10^-411.49 = 3.236… × 10^-412, far below the smallest double (about 4.9 × 10^-324).
    expect(formatPValue(-411.49).text).toBe('3.2 × 10^-412');
    expect(formatPValue(-411.49).html.value).toBe('3.2 × 10<span class="vh">^</span><sup>-412</sup>');
    expect(formatPValue(-1e6).text).toBe('1.0 × 10^-1000000');
    expect(formatPValue(-Infinity).text).not.toMatch(/^0/);
  });

  it('carries a mantissa that rounds to 10 into the exponent', () => {
    // 10^-4.0001 = 9.9977 × 10^-5 → "10.0 × 10^-5" unless carried.
    expect(formatPValue(-4.0001).text).toBe('1.0 × 10^-4');
    expect(formatPValue(-4).text).toBe('1.0 × 10^-4');
  });

  it('writes moderate p-values as decimals with two significant digits', () => {
    expect(formatPValue(Math.log10(0.0011176)).text).toBe('0.0011');
    expect(formatPValue(Math.log10(0.41)).text).toBe('0.41');
    expect(formatPValue(0).text).toBe('1');
    expect(formatPValue(0.2).text).toBe('1');
  });

  it('answers n/a for what is not a number', () => {
    expect(formatPValue(Number.NaN).text).toBe('n/a');
    expect(formatPValue('0.01').text).toBe('n/a');
    expect(formatPValue(undefined).text).toBe('n/a');
  });
});

describe('formatChance', () => {
  it('states tiny p as "less than 1 in 10^N" with N = floor(-log10 p), which is exact', () => {
    expect(formatChance(-22.7).text).toBe('less than 1 in 10^22');
    expect(formatChance(-6).text).toBe('less than 1 in 10^6');
  });
  it('states moderate p as rounded odds', () => {
    expect(formatChance(Math.log10(0.0011)).text).toBe('about 1 in 910');
    expect(formatChance(-0.1).text).toBe('quite likely');
  });
});

describe('formatCount and superscript', () => {
  it('groups thousands without the locale', () => {
    expect(formatCount(19069)).toBe('19,069');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(12)).toBe('12');
    expect(formatCount(Number.NaN)).toBe('n/a');
  });
  it('writes superscript exponents for SVG labels', () => {
    expect(superscript(-30)).toBe('⁻³⁰');
  });
});
