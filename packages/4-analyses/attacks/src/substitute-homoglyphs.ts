/**
 * Homoglyphs: Latin letters replaced by Cyrillic or Greek letters that look the same (UTS #39
 * confusables), or by their fullwidth or mathematical forms (compatibility characters that
 * NFKC folds). The reader sees the same word; the tokenizer sees other bytes.
 */
import { attackRandom, checkStrength, checkText, chooseIndices, countFor, pick, rate } from './_attack-kit.ts';
import { type AttackOptions, type AttackResult, type AttackStats } from './types.ts';

/** Latin letter → its Cyrillic and Greek look-alikes (from Unicode's confusables.txt). */
export const HOMOGLYPHS: Readonly<Record<string, readonly string[]>> = {
  a: ['а'], c: ['с', 'ϲ'], d: ['ԁ'], e: ['е'], h: ['һ'], i: ['і'], j: ['ј'], o: ['о', 'ο'], p: ['р', 'ρ'], q: ['ԛ'], s: ['ѕ'], v: ['ν'], w: ['ԝ'], x: ['х'], y: ['у'],
  A: ['А', 'Α'], B: ['В', 'Β'], C: ['С'], E: ['Е', 'Ε'], H: ['Н', 'Η'], I: ['І', 'Ι'], J: ['Ј'], K: ['К', 'Κ'], M: ['М', 'Μ'], N: ['Ν'], O: ['О', 'Ο'], P: ['Р', 'Ρ'],
  S: ['Ѕ'], T: ['Т', 'Τ'], X: ['Х', 'Χ'], Y: ['У', 'Υ'], Z: ['Ζ'],
};

/**
 * `confusable`: Cyrillic/Greek look-alikes from `HOMOGLYPHS` (default); `fullwidth`: U+FF21…
 * (Ａ…ｚ); `math`: mathematical sans-serif letters U+1D5A0… (𝖠…𝗓). The last two exist for
 * every ASCII letter.
 */
export type HomoglyphStyle = 'confusable' | 'fullwidth' | 'math';

export interface SubstituteHomoglyphsOptions extends AttackOptions {
  readonly style?: HomoglyphStyle;
}

function styled(ch: string, style: 'fullwidth' | 'math'): string {
  const upper = ch <= 'Z';
  const offset = ch.charCodeAt(0) - (upper ? 0x41 : 0x61);
  if (style === 'fullwidth') return String.fromCodePoint((upper ? 0xff21 : 0xff41) + offset);
  return String.fromCodePoint((upper ? 0x1d5a0 : 0x1d5ba) + offset);
}

export interface SubstituteHomoglyphsStats extends AttackStats {
  readonly unit: 'letter';
  /** Letters with a look-alike. */
  readonly eligible: number;
}

const KIND = 'homoglyphs';

/**
 * Replace round(strength · n) of the n ASCII letters (at most all letters that have a
 * look-alike in the chosen style) by a look-alike, drawn uniformly from `HOMOGLYPHS` in the
 * default `confusable` style. O(length).
 *
 * @throws RangeError when strength is outside [0, 1].
 * @example
 * substituteHomoglyphs('pace', { strength: 1, seed: 1 }).text; // 'расе' (all Cyrillic)
 */
export function substituteHomoglyphs(text: string, options: SubstituteHomoglyphsOptions): AttackResult<SubstituteHomoglyphsStats> {
  checkText(KIND, text);
  const strength = checkStrength(KIND, options.strength);
  const style = options.style ?? 'confusable';
  if (!['confusable', 'fullwidth', 'math'].includes(style)) throw new RangeError(`${KIND}: style must be confusable, fullwidth or math; got ${JSON.stringify(style)}`);
  const chars = Array.from(text);
  let letters = 0;
  const eligible: number[] = [];
  chars.forEach((c, i) => {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      letters++;
      if (style !== 'confusable' || HOMOGLYPHS[c]) eligible.push(i);
    }
  });
  const random = attackRandom(KIND, options.seed);
  const chosen = chooseIndices(random, eligible.length, countFor(strength, letters));
  for (const j of chosen) {
    const i = eligible[j]!;
    chars[i] = style === 'confusable' ? pick(random, HOMOGLYPHS[chars[i]!]!) : styled(chars[i]!, style);
  }
  return {
    text: chars.join(''),
    stats: { unit: 'letter', total: letters, changed: chosen.length, rate: rate(chosen.length, letters), eligible: eligible.length },
  };
}
