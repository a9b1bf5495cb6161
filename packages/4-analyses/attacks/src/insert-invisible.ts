/**
 * Invisible characters: zero-width space, zero-width (non-)joiner, word joiner, byte-order mark
 * and variation selectors inserted between characters. Nothing changes on screen; every
 * insertion inside a word splits it into other tokens.
 */
import { attackRandom, checkStrength, checkText, countFor, pick, randomInt, rate } from './_attack-kit.ts';
import { type AttackOptions, type AttackResult, type AttackStats } from './types.ts';

/** ZWSP, ZWNJ, ZWJ, WORD JOINER, BOM (ZWNBSP), VS1–VS16, and VS17 / VS256 from the supplement. */
export const INVISIBLE_CHARACTERS: readonly string[] = [
  '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff',
  ...Array.from({ length: 16 }, (_, i) => String.fromCodePoint(0xfe00 + i)),
  '\u{e0100}', '\u{e01ef}',
];

export interface InsertInvisibleStats extends AttackStats {
  readonly unit: 'character';
}

export interface InsertInvisibleOptions extends AttackOptions {
  /** Characters to insert, drawn uniformly; default `INVISIBLE_CHARACTERS`. */
  readonly characters?: readonly string[];
}

const KIND = 'invisible';

/**
 * Insert round(strength · n) invisible characters into a text of n visible characters (code
 * points), each after a uniformly drawn character (several may land together). O(length).
 *
 * @throws RangeError when strength is outside [0, 1] or `characters` is empty.
 * @example
 * insertInvisible('watermark', { strength: 0.2, seed: 1 }).text.length; // 11 (9 + 2 invisible)
 */
export function insertInvisible(text: string, options: InsertInvisibleOptions): AttackResult<InsertInvisibleStats> {
  checkText(KIND, text);
  const strength = checkStrength(KIND, options.strength);
  const characters = options.characters ?? INVISIBLE_CHARACTERS;
  if (characters.length === 0) throw new RangeError(`${KIND}: characters must not be empty`);
  const chars = Array.from(text);
  const n = chars.length;
  const k = countFor(strength, n);
  const random = attackRandom(KIND, options.seed);
  const extra: string[] = new Array<string>(n).fill('');
  for (let j = 0; j < k; j++) extra[randomInt(random, n)] += pick(random, characters);
  let out = '';
  for (let i = 0; i < n; i++) out += chars[i]! + extra[i]!;
  return { text: out, stats: { unit: 'character', total: n, changed: k, rate: rate(k, n) } };
}
