/**
 * Internals shared by the attacks: argument checks with titled messages, the seeded stream of an
 * attack, drawing k of n positions, and the segmentation of text into words and the gaps
 * between them.
 */
import { createRng } from '@tracemark/stats';

/** @throws RangeError naming the attack when strength is not a finite number in [0, max]. */
export function checkStrength(kind: string, strength: number, max = 1): number {
  if (typeof strength !== 'number' || !Number.isFinite(strength) || strength < 0 || strength > max) {
    throw new RangeError(`${kind}: strength must be a number in [0, ${max}], got ${JSON.stringify(strength)}`);
  }
  return strength;
}

/** @throws TypeError naming the attack when text is not a string. */
export function checkText(kind: string, text: unknown, what = 'text'): string {
  if (typeof text !== 'string') throw new TypeError(`${kind}: ${what} must be a string, got ${typeof text}`);
  return text;
}

/**
 * The uniform stream of one attack for one seed. The attack's name is part of the seed, so the
 * same user seed gives unrelated streams to different attacks applied one after another.
 */
export function attackRandom(kind: string, seed: number | string): () => number {
  if (typeof seed !== 'number' && typeof seed !== 'string') throw new TypeError(`${kind}: seed must be a number or a string, got ${typeof seed}`);
  return createRng(`tracemark.attack/${kind}\u0000${typeof seed}:${String(seed)}`);
}

/** A uniform integer in [0, n). */
export function randomInt(random: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[randomInt(random, items.length)]!;
}

/** k distinct indices of 0 … n − 1 chosen uniformly (partial Fisher–Yates), in increasing order. O(n). */
export function chooseIndices(random: () => number, n: number, k: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  const m = Math.min(k, n);
  for (let i = 0; i < m; i++) {
    const j = i + randomInt(random, n - i);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a.subarray(0, m).sort();
}

/** round(strength · n): how many of n units an attack of this strength changes. */
export function countFor(strength: number, n: number): number {
  return Math.round(strength * n);
}

export function rate(changed: number, total: number): number {
  return total > 0 ? changed / total : 0;
}

/**
 * A word: letters and digits, with inner apostrophes (don't, nation's) and combining marks.
 * Hyphenated compounds are two words. Everything between words is a gap.
 */
export const WORD_PATTERN = /[\p{L}\p{N}](?:[\p{L}\p{M}\p{N}]|['’](?=[\p{L}\p{N}]))*/gu;

/** The text as gap₀ word₀ gap₁ word₁ … word_{n−1} gap_n; `gaps.length === words.length + 1`. */
export interface Segmented {
  readonly words: string[];
  readonly gaps: string[];
}

export function segmentWords(text: string): Segmented {
  const words: string[] = [];
  const gaps: string[] = [];
  let last = 0;
  for (const m of text.matchAll(WORD_PATTERN)) {
    gaps.push(text.slice(last, m.index));
    words.push(m[0]);
    last = m.index + m[0].length;
  }
  gaps.push(text.slice(last));
  return { words, gaps };
}

/** Inverse of `segmentWords`. */
export function joinWords(s: Segmented): string {
  let out = s.gaps[0]!;
  for (let i = 0; i < s.words.length; i++) out += s.words[i]! + s.gaps[i + 1]!;
  return out;
}

/** Match the capitalisation of `model`: ALL CAPS, Capitalised, or as given (lower case). */
export function matchCase(word: string, model: string): string {
  if (model.length > 1 && model === model.toUpperCase() && model !== model.toLowerCase()) return word.toUpperCase();
  const first = model.charAt(0);
  if (first !== first.toLowerCase() && first === first.toUpperCase()) return word.charAt(0).toUpperCase() + word.slice(1);
  return word;
}
