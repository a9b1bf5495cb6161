/**
 * Word deletion: remove a fraction of the words, as in the robustness studies of Kirchenbauer
 * et al. 2023 (§7) and MarkLLM (Pan et al. 2024, "word deletion 30%").
 */
import { attackRandom, checkStrength, checkText, chooseIndices, countFor, rate, segmentWords } from './_attack-kit.ts';
import { type AttackOptions, type AttackResult, type AttackStats } from './types.ts';

export interface DeleteWordsStats extends AttackStats {
  readonly unit: 'word';
}

const KIND = 'delete-words';
const LEADING_SPACE = /^[^\S\n]+/u;
const TRAILING_SPACE = /[^\S\n]+$/u;

/**
 * Delete round(strength · n) of the n words, chosen uniformly without replacement. A deleted
 * word takes one of its two neighbouring spaces with it, so deletion does not also double the
 * spaces (a separate attack); punctuation stays. O(length).
 *
 * @throws RangeError when strength is outside [0, 1].
 * @example
 * deleteWords('the quick brown fox', { strength: 0.5, seed: 1 }).text; // e.g. 'quick fox'
 */
export function deleteWords(text: string, options: AttackOptions): AttackResult<DeleteWordsStats> {
  checkText(KIND, text);
  const strength = checkStrength(KIND, options.strength);
  const { words, gaps } = segmentWords(text);
  const n = words.length;
  const chosen = chooseIndices(attackRandom(KIND, options.seed), n, countFor(strength, n));
  const deleted = new Uint8Array(n);
  for (const i of chosen) deleted[i] = 1;
  // Parts are kept in an array so that trimming the end costs O(part), not O(output).
  const parts: string[] = [gaps[0]!];
  const trimEnd = () => {
    while (parts.length > 0) {
      const last = parts[parts.length - 1]!;
      const trimmed = last.replace(TRAILING_SPACE, '');
      if (trimmed === '') parts.pop();
      else {
        parts[parts.length - 1] = trimmed;
        return;
      }
    }
  };
  for (let i = 0; i < n; i++) {
    let gap = gaps[i + 1]!;
    if (deleted[i]) {
      // The word takes the space before it; at a line or text start, the space after it.
      trimEnd();
      const last = parts.length > 0 ? parts[parts.length - 1]! : '';
      if (last === '' || last.endsWith('\n')) gap = gap.replace(LEADING_SPACE, '');
    } else parts.push(words[i]!);
    parts.push(gap);
  }
  const out = parts.join('');
  return { text: out, stats: { unit: 'word', total: n, changed: chosen.length, rate: rate(chosen.length, n) } };
}
