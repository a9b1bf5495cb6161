/**
 * The multiplicity correction a screening run applies across its documents' verdicts. Testing D
 * documents at α each flags about α·D innocent ones by design; a lab that screens a thousand
 * documents and reports "3 flagged at 1e-3" has reported noise. Holm (family-wise error, any
 * dependence; Holm 1979) bounds the chance of flagging even one innocent document by α; BH (false
 * discovery rate; Benjamini & Hochberg 1995) bounds the expected share of innocent documents among
 * those flagged by α, which is valid here because per-document scores are independent under the
 * key once shared tuples are excluded (see `DetectionSession`).
 */
import { bhAdjust, holmAdjust, type PValue } from '@tracemark/stats';

export type DocumentCorrection = 'none' | 'holm' | 'bh';
export const DOCUMENT_CORRECTIONS: readonly DocumentCorrection[] = ['none', 'holm', 'bh'];

/**
 * Adjusted p-values, in input order: unchanged for `none`, Holm or BH otherwise (log space, so
 * 1e-500 stays exact). O(D log D).
 *
 * @throws {RangeError} for an unknown correction.
 * @example
 * correctAcrossDocuments([{ pValue: 0.01, log10PValue: -2 }, { pValue: 0.5, log10PValue: Math.log10(0.5) }], 'holm')[0].pValue; // 0.02
 */
export function correctAcrossDocuments(pValues: readonly PValue[], correction: DocumentCorrection): PValue[] {
  switch (correction) {
    case 'none':
      return pValues.map((p) => ({ pValue: p.pValue, log10PValue: p.log10PValue }));
    case 'holm':
      return holmAdjust(pValues);
    case 'bh':
      return bhAdjust(pValues);
    default:
      throw new RangeError(`correction must be one of ${DOCUMENT_CORRECTIONS.join(', ')}, got ${JSON.stringify(correction)}`);
  }
}
