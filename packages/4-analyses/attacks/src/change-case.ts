/**
 * Case changes: rewrite the letter case of some words. Byte-level BPE vocabularies give " The",
 * " the" and " THE" different ids, so a case change replaces a word's tokens and the watermark
 * contexts around them without changing what the text says.
 */
import { attackRandom, checkStrength, checkText, chooseIndices, countFor, joinWords, pick, rate, segmentWords } from './_attack-kit.ts';
import { type AttackOptions, type AttackResult, type AttackStats } from './types.ts';

export type CaseMode = 'upper' | 'lower' | 'capitalize' | 'random';

export interface ChangeCaseStats extends AttackStats {
  readonly unit: 'word';
  /** Words whose case can change (they contain a cased letter). */
  readonly eligible: number;
}

export interface ChangeCaseOptions extends AttackOptions {
  /**
   * How a chosen word is rewritten: `upper` (WORD), `lower` (word), `capitalize` (Word),
   * `random` (per letter, wOrD); `mixed` (default) picks per word among those that change it.
   */
  readonly mode?: CaseMode | 'mixed';
}

const KIND = 'case';
const MODES: readonly CaseMode[] = ['upper', 'lower', 'capitalize', 'random'];

function rewrite(word: string, mode: CaseMode, random: () => number): string {
  switch (mode) {
    case 'upper':
      return word.toUpperCase();
    case 'lower':
      return word.toLowerCase();
    case 'capitalize':
      return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
    case 'random': {
      // Alternate-ish random case that is guaranteed to differ from both all-lower and the original when possible.
      let out = '';
      for (const ch of word) out += random() < 0.5 ? ch.toUpperCase() : ch.toLowerCase();
      return out;
    }
  }
}

/**
 * Change the case of round(strength · n) of the n words (at most all words with a cased letter),
 * each rewritten by `mode`. In `mixed` mode a word gets one of the rewrites that actually change
 * it, so `changed` counts real edits. O(length).
 *
 * @throws RangeError when strength is outside [0, 1] or the mode is unknown.
 * @example
 * changeCase('We the People', { strength: 1, seed: 1, mode: 'upper' }).text; // 'WE THE PEOPLE'
 */
export function changeCase(text: string, options: ChangeCaseOptions): AttackResult<ChangeCaseStats> {
  checkText(KIND, text);
  const strength = checkStrength(KIND, options.strength);
  const mode = options.mode ?? 'mixed';
  if (mode !== 'mixed' && !MODES.includes(mode)) throw new RangeError(`${KIND}: mode must be one of mixed, ${MODES.join(', ')}; got ${JSON.stringify(mode)}`);
  const seg = segmentWords(text);
  const n = seg.words.length;
  const random = attackRandom(KIND, options.seed);
  const eligible: number[] = [];
  for (let i = 0; i < n; i++) {
    const w = seg.words[i]!;
    if (w.toUpperCase() !== w.toLowerCase()) eligible.push(i);
  }
  const chosen = chooseIndices(random, eligible.length, countFor(strength, n));
  const words = [...seg.words];
  let changed = 0;
  for (const j of chosen) {
    const i = eligible[j]!;
    const w = words[i]!;
    let next = w;
    if (mode !== 'mixed') {
      next = rewrite(w, mode, random);
      // A random rewrite that happens to reproduce the word is drawn again (bounded: one-letter words may never differ).
      for (let t = 0; mode === 'random' && next === w && t < 8; t++) next = rewrite(w, mode, random);
    } else {
      const options = MODES.map((m) => rewrite(w, m, random)).filter((r) => r !== w);
      if (options.length > 0) next = pick(random, options);
    }
    if (next !== w) changed++;
    words[i] = next;
  }
  return {
    text: joinWords({ words, gaps: seg.gaps }),
    stats: { unit: 'word', total: n, changed, rate: rate(changed, n), eligible: eligible.length },
  };
}
