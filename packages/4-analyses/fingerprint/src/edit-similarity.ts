/**
 * Normalised edit similarity: 1 − Levenshtein(a, b) / max(|a|, |b|), via `fast-levenshtein`
 * (V. I. Levenshtein, "Binary codes capable of correcting deletions, insertions and reversals",
 * 1966). It rewards copied templates and phrasings character for character.
 */
import levenshtein from 'fast-levenshtein';
import { normalizeText } from './text-features.ts';

/**
 * UTF-16 units compared per answer. The opening of an answer carries the template ("I'm sorry,
 * but…", "As an AI language model…"); the cap bounds the quadratic cost per pair.
 */
export const EDIT_MAX_CHARS = 400;

/** `editSimilarity` on texts already normalised and cut (as `ResponseFeatures.editText`). */
export function preparedEditSimilarity(x: string, y: string): number {
  // fast-levenshtein counts UTF-16 code units, so normalise by code units too.
  const longest = Math.max(x.length, y.length);
  if (longest === 0) return 1;
  return 1 - levenshtein.get(x, y) / longest;
}

/**
 * Edit similarity in [0, 1] of two texts (after `normalizeText`, each cut to `EDIT_MAX_CHARS`);
 * 1 for two empty texts. O(|a|·|b|) at worst.
 *
 * @example
 * editSimilarity('kitten', 'sitting'); // 1 − 3/7 = 0.5714285714285714
 */
export function editSimilarity(a: string, b: string): number {
  return preparedEditSimilarity(normalizeText(a).slice(0, EDIT_MAX_CHARS), normalizeText(b).slice(0, EDIT_MAX_CHARS));
}
