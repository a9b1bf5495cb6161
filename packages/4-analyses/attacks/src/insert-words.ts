/**
 * Word insertion: add words drawn from a human vocabulary at random places (Kirchenbauer et al.
 * 2023, §7; Piet et al. 2023, "Mark My Words", random word insertion).
 */
import { attackRandom, checkStrength, checkText, countFor, randomInt, rate, segmentWords } from './_attack-kit.ts';
import { type CorpusVocabulary, corpusVocabulary, drawWord } from './corpus-vocabulary.ts';
import { type AttackOptions, type AttackResult, type AttackStats } from './types.ts';

export interface InsertWordsStats extends AttackStats {
  readonly unit: 'word';
  /** Words in the output. */
  readonly outputWords: number;
}

export interface InsertWordsOptions extends AttackOptions {
  /** Where inserted words come from; default the built-in corpora, drawn by frequency. */
  readonly vocabulary?: CorpusVocabulary;
}

const KIND = 'insert-words';

/**
 * Insert round(strength · n) words for n input words (strength may exceed 1: 2 triples the
 * word count). Each insertion goes after a uniformly chosen input word (or before the first),
 * preceded by one space; its word is drawn from the vocabulary by frequency, so most inserted
 * words are as common as real ones. O(length + insertions · log V).
 *
 * @throws RangeError when strength is outside [0, 4].
 * @example
 * insertWords('we the people', { strength: 1 / 3, seed: 2 }).text; // e.g. 'we the of people'
 */
export function insertWords(text: string, options: InsertWordsOptions): AttackResult<InsertWordsStats> {
  checkText(KIND, text);
  const strength = checkStrength(KIND, options.strength, 4);
  const vocabulary = options.vocabulary ?? corpusVocabulary();
  if (vocabulary.words.length === 0) throw new RangeError(`${KIND}: the vocabulary is empty`);
  const { words, gaps } = segmentWords(text);
  const n = words.length;
  const k = n === 0 ? 0 : countFor(strength, n);
  const random = attackRandom(KIND, options.seed);
  // after[i]: words inserted after input word i − 1 (after[0]: before the first word).
  const after: string[][] = Array.from({ length: n + 1 }, () => []);
  for (let j = 0; j < k; j++) {
    const slot = randomInt(random, n + 1);
    after[slot]!.push(drawWord(vocabulary, random()));
  }
  let out = gaps[0]!;
  if (after[0]!.length > 0) out += `${after[0]!.join(' ')} `;
  for (let i = 0; i < n; i++) {
    out += words[i]!;
    for (const w of after[i + 1]!) out += ` ${w}`;
    out += gaps[i + 1]!;
  }
  return { text: out, stats: { unit: 'word', total: n, changed: k, rate: rate(k, n), outputWords: n + k } };
}
