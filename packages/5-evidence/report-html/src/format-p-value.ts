/**
 * Numbers for readers: p-values from their base-10 logarithm (so p = 3.2 × 10^-412 prints as that,
 * never as 0 — an IEEE double underflows below about 10^-324), odds phrases, rates and counts.
 */
import { formatPValue as formatStatsPValue, pValueParts } from '@tracemark/stats';
import { html, type SafeHtml } from './html.ts';

export interface FormattedPValue {
  /** Plain text, e.g. `3.2 × 10^-412`, `0.0011`. */
  readonly text: string;
  /** The same with the exponent as a superscript; its text content equals `text`. */
  readonly html: SafeHtml;
}

const NA: FormattedPValue = { text: 'n/a', html: html`n/a` };

function power(mantissa: string | null, exponent: number): FormattedPValue {
  const head = mantissa === null ? '10' : `${mantissa} × 10`;
  return { text: `${head}^${exponent}`, html: html`${head}<span class="vh">^</span><sup>${exponent}</sup>` };
}

/**
 * Format a p-value given as log10 p: the rule of `formatPValue` in `@tracemark/stats` (two
 * significant digits, scientific below 10^-4), with the exponent set as a superscript. A value
 * that is not a number (a field missing from the report) reads `n/a`.
 * @example formatPValue(-411.49).text // '3.2 × 10^-412'
 * @example formatPValue(-2.95).text // '0.0011'
 */
export function formatPValue(log10P: unknown): FormattedPValue {
  if (typeof log10P !== 'number') return NA;
  const parts = pValueParts(log10P);
  switch (parts.kind) {
    case 'plain':
      return { text: parts.text, html: html`${parts.text}` };
    case 'scientific':
      return power(parts.mantissa, parts.exponent);
    case 'underflow':
      return { text: formatStatsPValue(log10P), html: html`too small to compute (below 10<span class="vh">^</span><sup>-308</sup>)` };
  }
}

/**
 * "How rare by chance" for a p-value: `less than 1 in 10^N` for tiny p (N = ⌊−log10 p⌋, so the
 * statement is exact), `about 1 in 910` for moderate p.
 */
export function formatChance(log10P: unknown): FormattedPValue {
  if (typeof log10P !== 'number' || Number.isNaN(log10P)) return NA;
  if (log10P >= -0.3) return { text: 'quite likely', html: html`quite likely` };
  if (log10P <= -6) {
    const n = log10P === -Infinity ? 308 : Math.floor(-log10P);
    const p = power(null, n);
    return { text: `less than 1 in ${p.text}`, html: html`less than 1 in ${p.html}` };
  }
  const odds = Number((10 ** -log10P).toPrecision(2));
  const text = `about 1 in ${formatCount(odds)}`;
  return { text, html: html`${text}` };
}

/** An integer with thousands separators (locale-independent, so pages are byte-identical everywhere). */
export function formatCount(n: unknown): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return 'n/a';
  const s = Math.round(Math.abs(n)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${s}` : s;
}

/** A proportion as a percentage with one decimal, e.g. 0.3289 → `32.9%`. */
export function formatPercent(x: unknown, digits = 1): string {
  if (typeof x !== 'number' || !Number.isFinite(x)) return 'n/a';
  return `${(x * 100).toFixed(digits)}%`;
}

export function formatNumber(x: unknown, digits = 3): string {
  if (typeof x !== 'number' || !Number.isFinite(x)) return 'n/a';
  return x.toFixed(digits);
}

/** Unicode superscript for axis labels inside SVG text, e.g. `10⁻²⁵`. */
export function superscript(n: number): string {
  const map: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };
  return String(n).replace(/[-0-9]/g, (c) => map[c]!);
}
