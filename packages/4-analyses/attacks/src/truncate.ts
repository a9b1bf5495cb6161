/**
 * Truncation: keep only part of the text, cut at a word boundary — what a user does who quotes a
 * passage, and what a length limit does. Fewer tokens means less evidence.
 */
import { attackRandom, checkStrength, checkText, countFor, randomInt, rate, WORD_PATTERN } from './_attack-kit.ts';
import { type AttackOptions, type AttackResult, type AttackStats } from './types.ts';

export interface TruncateStats extends AttackStats {
  readonly unit: 'word';
  /** Words kept. */
  readonly kept: number;
}

export interface TruncateOptions extends AttackOptions {
  /** Which part is kept: the beginning (default), the end, or a passage at a seeded random place. */
  readonly keep?: 'start' | 'end' | 'middle';
}

const KIND = 'truncate';

/**
 * Remove round(strength · n) of the n words, keeping one contiguous run of the rest (its
 * original characters, from the first kept word's start to the last kept word's end, plus the
 * text before the first word when keeping the start). O(length).
 *
 * @throws RangeError when strength is outside [0, 1] or `keep` is unknown.
 * @example
 * truncate('one two three four', { strength: 0.5, seed: 0 }).text; // 'one two'
 */
export function truncate(text: string, options: TruncateOptions): AttackResult<TruncateStats> {
  checkText(KIND, text);
  const strength = checkStrength(KIND, options.strength);
  const keep = options.keep ?? 'start';
  if (!['start', 'end', 'middle'].includes(keep)) throw new RangeError(`${KIND}: keep must be start, end or middle; got ${JSON.stringify(keep)}`);
  const spans = Array.from(text.matchAll(WORD_PATTERN), (m) => [m.index, m.index + m[0].length] as const);
  const n = spans.length;
  const removed = countFor(strength, n);
  const kept = n - removed;
  const stats = { unit: 'word' as const, total: n, changed: removed, rate: rate(removed, n), kept };
  if (removed === 0) return { text, stats };
  if (kept === 0) return { text: '', stats };
  const first = keep === 'start' ? 0 : keep === 'end' ? removed : randomInt(attackRandom(KIND, options.seed), removed + 1);
  const from = first === 0 ? 0 : spans[first]![0];
  const to = first + kept === n ? text.length : spans[first + kept - 1]![1];
  return { text: text.slice(from, to), stats };
}
