/**
 * The p-value type every test in tracemark returns. A watermark test over a long document easily
 * reaches p = 1e-2000, which a double cannot hold; the base-10 logarithm can, so `log10PValue` is
 * the authoritative field and `pValue` its (possibly underflowed) convenience copy.
 */
import { assertNumber } from './_assert.ts';
import { LN10 } from './_log-space.ts';

/**
 * A p-value with its base-10 logarithm.
 *
 * Invariants: `log10PValue` ∈ [−Infinity, 0] and is accurate even when `pValue` underflows to 0;
 * `pValue` ∈ [0, 1] equals 10^`log10PValue` rounded to a double. Neither is ever NaN.
 */
export interface PValue {
  readonly pValue: number;
  readonly log10PValue: number;
}

/**
 * Builds a {@link PValue} from its base-10 logarithm, clamping to [−Infinity, 0].
 *
 * Method: pValue = 10^log10, computed as exp(log10·ln 10). O(1).
 *
 * @param log10PValue - log₁₀ p; values above 0 (rounding noise) are clamped to 0.
 * @throws {RangeError} if `log10PValue` is NaN.
 * @example
 * pValueFromLog10(-1234.5); // { pValue: 0, log10PValue: -1234.5 }
 */
export function pValueFromLog10(log10PValue: number): PValue {
  assertNumber(log10PValue, 'log10PValue');
  // `+ 0` turns −0 into 0.
  const l = log10PValue > 0 ? 0 : log10PValue + 0;
  return { pValue: l === 0 ? 1 : 10 ** l, log10PValue: l };
}

/**
 * Builds a {@link PValue} from its natural logarithm, clamping to [−Infinity, 0]. The pValue field
 * is exp(ln p) directly, which is more accurate than going through log₁₀.
 *
 * Method: O(1).
 *
 * @param lnPValue - ln p; values above 0 are clamped to 0.
 * @throws {RangeError} if `lnPValue` is NaN.
 * @example
 * pValueFromLn(Math.log(0.05)); // { pValue: 0.05, log10PValue: -1.3010299956639813 }
 */
export function pValueFromLn(lnPValue: number): PValue {
  assertNumber(lnPValue, 'lnPValue');
  const l = lnPValue > 0 ? 0 : lnPValue;
  return { pValue: Math.exp(l), log10PValue: l / LN10 + 0 };
}

/**
 * Builds a {@link PValue} from an ordinary probability.
 *
 * Method: O(1).
 *
 * @param pValue - a probability in [0, 1].
 * @throws {RangeError} if `pValue` is NaN or outside [0, 1].
 * @example
 * pValueFromProbability(0.01); // { pValue: 0.01, log10PValue: -2 }
 */
export function pValueFromProbability(pValue: number): PValue {
  assertNumber(pValue, 'pValue');
  if (!(pValue >= 0 && pValue <= 1)) throw new RangeError(`pValue must be in [0, 1], got ${pValue}`);
  return { pValue, log10PValue: Math.log10(pValue) + 0 };
}
