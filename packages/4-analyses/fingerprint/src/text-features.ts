/**
 * Text features for the wording measures: a normalisation that removes what transport and
 * rendering change (Unicode compatibility forms, runs of whitespace), word tokens that keep
 * punctuation (a model's punctuation is part of its style), and word and character n-gram bags.
 */

/** NFKC, whitespace runs collapsed to one space, trimmed. Case is kept: casing is style. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').replace(/\s+/gu, ' ').trim();
}

/** Letters/digits runs (with an inner apostrophe), or single punctuation marks. */
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*|[^\s\p{L}\p{N}]/gu;

/**
 * Word tokens of a text, lower-cased (word n-grams measure word choice; case is left to the
 * character measures). CJK runs without spaces come out as one token; the character n-grams
 * cover those languages.
 */
export function wordTokens(text: string): string[] {
  return normalizeText(text).toLowerCase().match(WORD) ?? [];
}

/** Counts of a bag of string features. */
export type FeatureBag = Map<string, number>;

function bump(bag: FeatureBag, key: string): void {
  bag.set(key, (bag.get(key) ?? 0) + 1);
}

/**
 * Word n-grams of orders `minN`…`maxN` (default unigrams and bigrams), joined by a space.
 *
 * @example
 * wordNgrams('I am. I am!'); // Map { 'i' => 2, 'am' => 2, '.' => 1, '!' => 1, 'i am' => 2, 'am .' => 1, '. i' => 1, 'am !' => 1 }
 */
export function wordNgrams(text: string, minN = 1, maxN = 2, into: FeatureBag = new Map()): FeatureBag {
  const words = wordTokens(text);
  for (let n = minN; n <= maxN; n++) {
    for (let i = 0; i + n <= words.length; i++) bump(into, words.slice(i, i + n).join(' '));
  }
  return into;
}

/**
 * Character n-grams of orders `minN`…`maxN` (default 3–4) of the normalised text, padded with a
 * space at both ends so that word starts and ends are features. Counted over code points, so an
 * astral character is one character.
 */
export function charNgrams(text: string, minN = 3, maxN = 4, into: FeatureBag = new Map()): FeatureBag {
  const chars = Array.from(` ${normalizeText(text)} `);
  for (let n = minN; n <= maxN; n++) {
    for (let i = 0; i + n <= chars.length; i++) bump(into, chars.slice(i, i + n).join(''));
  }
  return into;
}
