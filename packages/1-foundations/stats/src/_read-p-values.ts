/**
 * Reading caller-supplied p-values at the public boundary of the combination functions: each entry
 * is checked and reduced to its base-10 logarithm, the field that survives underflow.
 */
import { type PValue } from './p-value.ts';

/**
 * Reads log₁₀ p out of a caller-supplied {@link PValue}, checking it. log10PValue is trusted over
 * pValue (it survives underflow); a missing or NaN log10PValue falls back to pValue.
 */
export function log10OfPValue(value: PValue, title: string): number {
  if (value === null || typeof value !== 'object') throw new TypeError(`${title} must be a PValue object`);
  const l = value.log10PValue;
  if (typeof l === 'number' && !Number.isNaN(l)) {
    if (l > 0) throw new RangeError(`${title}.log10PValue must be ≤ 0, got ${l}`);
    return l;
  }
  const p = value.pValue;
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new RangeError(`${title} must have log10PValue ≤ 0 or pValue in [0, 1]`);
  }
  return Math.log10(p);
}

/** Checks a list of p-values and returns their base-10 logarithms. */
export function log10sOfPValues(values: readonly PValue[], title: string): Float64Array {
  if (!Array.isArray(values)) throw new TypeError(`${title} must be an array of PValue`);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = log10OfPValue(values[i]!, `${title}[${i}]`);
  return out;
}
