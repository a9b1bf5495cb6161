/**
 * Normalised edit similarity: 1 − Levenshtein(a, b) / max(|a|, |b|), via `fast-levenshtein`
 * (V. I. Levenshtein, "Binary codes capable of correcting deletions, insertions and reversals",
 * 1966). It rewards copied templates and phrasings character for character.
 */
import levenshtein from 'fast-levenshtein';
import { normalizeText } from './text-features.ts';

/**
 * Characters compared per response. The opening of an answer carries the template ("I'm sorry,
 * but…", "As an AI language model…"); capping it bounds the quadratic cost: 400² cells take
 * ~0.1 ms where 4000² would take ~10 ms, times samples² per probe per model (measured).
 */
export const EDIT_MAX_CHARS = 400;

/**
 * Edit similarity in [0, 1] of two texts (after `normalizeText`, each cut to `EDIT_MAX_CHARS`
 * code points); 1 for two empty texts. O(|a|·|b|) at worst.
 *
 * @example
 * editSimilarity('kitten', 'sitting'); // 1 − 3/7 = 0.5714285714285714
 */
export function editSimilarity(a: string, b: string): number {
  const x = Array.from(normalizeText(a)).slice(0, EDIT_MAX_CHARS).join('');
  const y = Array.from(normalizeText(b)).slice(0, EDIT_MAX_CHARS).join('');
  // fast-levenshtein counts UTF-16 code units, so normalise by code units too.
  const longest = Math.max(x.length, y.length);
  if (longest === 0) return 1;
  return 1 - levenshtein.get(x, y) / longest;
}
