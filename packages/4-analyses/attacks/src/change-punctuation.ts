/**
 * Punctuation changes: delete punctuation marks or swap them for near neighbours (comma ↔
 * semicolon, straight ↔ typographic quotes, hyphen ↔ dashes). Meaning survives; the marks' tokens
 * and the contexts after them do not.
 */
import { attackRandom, checkStrength, checkText, chooseIndices, countFor, pick, rate } from './_attack-kit.ts';
import { type AttackOptions, type AttackResult, type AttackStats } from './types.ts';

export interface ChangePunctuationStats extends AttackStats {
  readonly unit: 'mark';
  readonly deleted: number;
  readonly replaced: number;
}

/** Replacements a reader would accept in place of each mark. */
export const PUNCTUATION_SWAPS: Readonly<Record<string, readonly string[]>> = {
  '.': ['!', ';', '…'],
  ',': [';', ' -', ':'],
  ';': [',', '.'],
  ':': [';', ' -'],
  '!': ['.'],
  '?': ['.', '?!'],
  "'": ['’'],
  '’': ["'"],
  '"': ['“', '”'],
  '“': ['"'],
  '”': ['"'],
  '-': ['–', '—', ' - '],
  '–': ['-', '—'],
  '—': ['--', ' - ', '–'],
  '(': ['['],
  ')': [']'],
};

const KIND = 'punctuation';
const PUNCT = /\p{P}/u;

/**
 * Change round(strength · n) of the n punctuation marks (Unicode category P): each is deleted
 * with probability ½, else replaced by one of its `PUNCTUATION_SWAPS` (marks without a swap are
 * deleted). O(length).
 *
 * @throws RangeError when strength is outside [0, 1].
 * @example
 * changePunctuation('Yes, we can.', { strength: 1, seed: 4 }).text; // e.g. 'Yes; we can!'
 */
export function changePunctuation(text: string, options: AttackOptions): AttackResult<ChangePunctuationStats> {
  checkText(KIND, text);
  const strength = checkStrength(KIND, options.strength);
  const chars = Array.from(text);
  const marks: number[] = [];
  chars.forEach((c, i) => PUNCT.test(c) && marks.push(i));
  const random = attackRandom(KIND, options.seed);
  const chosen = chooseIndices(random, marks.length, countFor(strength, marks.length));
  let deleted = 0;
  for (const j of chosen) {
    const i = marks[j]!;
    const swaps = PUNCTUATION_SWAPS[chars[i]!];
    if (swaps && random() >= 0.5) chars[i] = pick(random, swaps);
    else {
      chars[i] = '';
      deleted++;
    }
  }
  const changed = chosen.length;
  return {
    text: chars.join(''),
    stats: { unit: 'mark', total: marks.length, changed, rate: rate(changed, marks.length), deleted, replaced: changed - deleted },
  };
}
