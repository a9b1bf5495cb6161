/**
 * Whitespace changes: the gaps between words become double spaces, tabs, look-alike Unicode
 * spaces (no-break, en, em, thin, ideographic …) or line breaks. Invisible to a reader; to a
 * byte-level BPE tokenizer " word" becomes "  word" or "\u00a0word", other ids.
 */
import { attackRandom, checkStrength, checkText, chooseIndices, countFor, pick, rate } from './_attack-kit.ts';
import { type AttackOptions, type AttackResult, type AttackStats } from './types.ts';

export type WhitespaceVariant = 'double' | 'tab' | 'unicode' | 'newline';

/** Space separators (Unicode category Zs) that render like a space. */
export const UNICODE_SPACES: readonly string[] = [
  '\u00a0', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200a', '\u202f', '\u205f', '\u3000',
];

export interface ChangeWhitespaceStats extends AttackStats {
  readonly unit: 'gap';
}

export interface ChangeWhitespaceOptions extends AttackOptions {
  /** Rewrites to draw from, uniformly per gap; default double, tab and unicode (line breaks change layout, so they are opt-in). */
  readonly variants?: readonly WhitespaceVariant[];
}

const KIND = 'whitespace';
const VARIANTS: readonly WhitespaceVariant[] = ['double', 'tab', 'unicode', 'newline'];
const DEFAULT_VARIANTS: readonly WhitespaceVariant[] = ['double', 'tab', 'unicode'];

/**
 * Rewrite round(strength · n) of the n single-space gaps (one U+0020 between two non-space
 * characters), each by a variant drawn uniformly from `variants`. O(length).
 *
 * @throws RangeError when strength is outside [0, 1] or a variant is unknown.
 * @example
 * changeWhitespace('a b c', { strength: 1, seed: 1, variants: ['double'] }).text; // 'a  b  c'
 */
export function changeWhitespace(text: string, options: ChangeWhitespaceOptions): AttackResult<ChangeWhitespaceStats> {
  checkText(KIND, text);
  const strength = checkStrength(KIND, options.strength);
  const variants = options.variants ?? DEFAULT_VARIANTS;
  if (variants.length === 0 || variants.some((v) => !VARIANTS.includes(v))) {
    throw new RangeError(`${KIND}: variants must be a non-empty list of ${VARIANTS.join(', ')}; got ${JSON.stringify(variants)}`);
  }
  const gaps: number[] = [];
  for (let i = 1; i + 1 < text.length; i++) {
    if (text.charCodeAt(i) === 0x20 && !/\s/u.test(text[i - 1]!) && !/\s/u.test(text[i + 1]!)) gaps.push(i);
  }
  const random = attackRandom(KIND, options.seed);
  const chosen = chooseIndices(random, gaps.length, countFor(strength, gaps.length));
  let out = '';
  let last = 0;
  for (const j of chosen) {
    const at = gaps[j]!;
    const variant = pick(random, variants);
    const replacement = variant === 'double' ? '  ' : variant === 'tab' ? '\t' : variant === 'newline' ? '\n' : pick(random, UNICODE_SPACES);
    out += text.slice(last, at) + replacement;
    last = at + 1;
  }
  out += text.slice(last);
  return { text: out, stats: { unit: 'gap', total: gaps.length, changed: chosen.length, rate: rate(chosen.length, gaps.length) } };
}
