/**
 * The one way tracemark writes a p-value for a reader, from its base-10 logarithm (so p = 3.2 ×
 * 10^-412 prints as that, never as 0: a double underflows below about 10^-324). The HTML report,
 * the audit verdicts, the fingerprint reasons and the CLI tables all call this, so the same p reads
 * the same everywhere; only the notation of the power of ten differs by medium.
 *
 * Rule (the HTML report's, kept because its wording is what people read and what its tests pin):
 * two significant digits; p ≥ 10^-4 as a decimal with trailing zeros dropped (`0.0011`, `0.5`);
 * smaller p as a mantissa with one decimal times a power of ten, a mantissa that rounds to 10.0
 * carrying into the exponent (`1.0 × 10^-4`, never `10.0 × 10^-5`); log10 p ≥ 0 as `1`.
 */
import { assertNumber } from './_assert.ts';

/** Below this log10 p the value is written in scientific notation. */
const SCIENTIFIC_BELOW_LOG10 = -4;

/** How a p-value is written, in parts, so that a renderer can set the exponent as a superscript. */
export type PValueParts =
  /** `n/a` (NaN: a value missing from a report read back), `1`, or a decimal such as `0.0011`. */
  | { readonly kind: 'plain'; readonly text: string }
  /** mantissa × 10^exponent, the mantissa with one decimal (`3.2`). */
  | { readonly kind: 'scientific'; readonly mantissa: string; readonly exponent: number }
  /** log10 p = −Infinity: smaller than a double's logarithm can say. */
  | { readonly kind: 'underflow' };

/** `power`: `3.2 × 10^-412` (reports, pages); `e`: `3.2e-412` (terminals, one-line statements). */
export type PValueNotation = 'power' | 'e';

/**
 * The parts of a p-value given as log10 p (see the file comment for the rule).
 *
 * @throws TypeError when `log10P` is not a number. NaN gives `n/a`, not an error: a page rendered
 *   from a report with a missing value should say so rather than fail.
 * @example
 * pValueParts(-411.49); // { kind: 'scientific', mantissa: '3.2', exponent: -412 }
 */
export function pValueParts(log10P: number): PValueParts {
  if (typeof log10P !== 'number') assertNumber(log10P, 'log10P');
  if (Number.isNaN(log10P)) return { kind: 'plain', text: 'n/a' };
  if (log10P >= 0) return { kind: 'plain', text: '1' };
  if (log10P === -Infinity) return { kind: 'underflow' };
  if (log10P > SCIENTIFIC_BELOW_LOG10) return { kind: 'plain', text: Number((10 ** log10P).toPrecision(2)).toString() };
  let exponent = Math.floor(log10P);
  let mantissa = (10 ** (log10P - exponent)).toFixed(1);
  // 9.96 rounds to "10.0": carry into the exponent.
  if (mantissa === '10.0') {
    mantissa = '1.0';
    exponent += 1;
  }
  return { kind: 'scientific', mantissa, exponent };
}

/**
 * A p-value given as log10 p, as text.
 *
 * @throws TypeError when `log10P` is not a number.
 * @example
 * formatPValue(-411.49); // '3.2 × 10^-412'
 * formatPValue(-411.49, 'e'); // '3.2e-412'
 * formatPValue(-2.95); // '0.0011'
 * formatPValue(-Infinity); // 'too small to compute (below 10^-308)'
 */
export function formatPValue(log10P: number, notation: PValueNotation = 'power'): string {
  const parts = pValueParts(log10P);
  const power = (exponent: number) => (notation === 'e' ? `e${exponent}` : ` × 10^${exponent}`);
  switch (parts.kind) {
    case 'plain':
      return parts.text;
    case 'scientific':
      return `${parts.mantissa}${power(parts.exponent)}`;
    case 'underflow':
      return `too small to compute (below ${notation === 'e' ? '1e-308' : '10^-308'})`;
  }
}
