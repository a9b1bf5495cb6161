/**
 * The emoji attack (Kirchenbauer et al. 2023, §7.3; Goodside's original prompt): the user asks
 * the model to write an emoji after every word, then deletes the emojis. A watermark seeded by
 * the previous token then sees, at every word start, an emoji the detector never sees, so each
 * word's first token is scored against the wrong context.
 *
 * With a model that cannot follow instructions (the reference n-gram model) the instruction is
 * simulated in the generation loop: whenever a word ends, an emoji's tokens are appended to the
 * context the watermarker sees before the next token is chosen. The language model itself is
 * given the emoji-free text by default — an instruction-following LLM keeps writing fluently
 * around its emojis, whereas an n-gram model would fall back to its unigram estimates after
 * every unseen emoji token and the comparison would measure fluency, not the watermark.
 */
import { type LanguageModel } from '@tracemark/models';
import { createRng } from '@tracemark/stats';
import { samplePlain, type Watermarker } from '@tracemark/watermark';
import { checkStrength, rate } from './_attack-kit.ts';
import { type AttackStats } from './types.ts';

export const DEFAULT_EMOJIS: readonly string[] = ['😀', '🙂', '🚀', '🌟', '🔥', '👍', '🎉', '💡'];

export interface EmojiAttackOptions {
  readonly prompt: Uint32Array;
  /** Tokens of text to generate (emoji tokens not counted). */
  readonly maxTokens: number;
  readonly seed: number | string;
  /** Share of word ends followed by an emoji; default 1 (every word). */
  readonly strength?: number;
  readonly watermarker?: Watermarker;
  /** Default 1; must be > 0. */
  readonly temperature?: number;
  /** Candidates per step; default 50. */
  readonly topK?: number;
  readonly emojis?: readonly string[];
  /** Give the language model the text with emojis too (default false; see the file comment). */
  readonly modelSeesEmoji?: boolean;
}

export interface EmojiAttackStats extends AttackStats {
  readonly unit: 'word';
}

export interface EmojiAttackResult {
  /** The generated text after the emojis were removed: what the detector is given. */
  readonly text: string;
  /** The generated text as the model wrote it, emojis included. */
  readonly withEmoji: string;
  /** The generated tokens without the emoji tokens. */
  readonly tokens: Uint32Array;
  readonly stats: EmojiAttackStats;
}

/**
 * One emoji and the one space before it: a character with emoji presentation, a pictograph made
 * emoji by VS16, or a flag's regional indicators, with its modifiers and ZWJ sequel. Pictographs
 * in text presentation (© ® ™ ↔) are text, not emoji, and stay.
 */
const EMOJI =
  /[^\S\n]?(?:\p{Emoji_Presentation}|\p{Extended_Pictographic}\ufe0f|\p{Regional_Indicator})(?:\p{Emoji_Modifier}|\ufe0f|\u200d(?:\p{Emoji_Presentation}|\p{Extended_Pictographic}\ufe0f?))*/gu;

/**
 * Delete emojis and the space before each — the attacker's clean-up step.
 *
 * @example
 * removeEmoji('We 🚀 the 🙂 people 🎉.'); // 'We the people.'
 */
export function removeEmoji(text: string): string {
  return text.replace(EMOJI, '');
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

interface TokenShape {
  /** The token's text starts with a letter or digit (continues a word). */
  readonly continues: boolean;
  /** The token's text ends with a letter or digit (may end a word). */
  readonly wordy: boolean;
}

/**
 * Generate `maxTokens` tokens under the emoji attack. At each step, when the last token ends in a
 * letter or digit, the step first decides (by the model's own probability mass) whether the
 * word continues or ends; when it ends, an emoji follows with probability `strength`, its tokens
 * are appended to the watermarker's context, and the next token is drawn among the candidates
 * that start a new word. Splitting the draw this way samples exactly the model's distribution,
 * so only the watermark's context differs from plain generation.
 *
 * @throws RangeError for a bad strength, maxTokens, temperature or topK.
 * @example
 * const r = generateWithEmojiAttack(model, { prompt, maxTokens: 200, seed: 1, watermarker });
 * createDetector(key, { tokenizer }).detect(r.text); // the watermark is much weaker
 *
 * Why one long function: one generation loop whose per-step branches (emoji or not, watermarked
 * or plain draw) share the two seeded streams and the growing context; the steps only make sense
 * in that order.
 */
export function generateWithEmojiAttack(model: LanguageModel, options: EmojiAttackOptions): EmojiAttackResult {
  const { prompt, maxTokens, watermarker } = options;
  const strength = checkStrength('emoji', options.strength ?? 1);
  const temperature = options.temperature ?? 1;
  const topK = options.topK ?? 50;
  if (!(prompt instanceof Uint32Array)) throw new TypeError('emoji: prompt must be a Uint32Array of token ids');
  if (!Number.isInteger(maxTokens) || maxTokens < 0) throw new RangeError(`emoji: maxTokens must be a non-negative integer, got ${maxTokens}`);
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new RangeError(`emoji: temperature must be a finite number > 0, got ${temperature}`);
  if (!Number.isInteger(topK) || topK < 1) throw new RangeError(`emoji: topK must be a positive integer, got ${topK}`);
  const emojis = options.emojis ?? DEFAULT_EMOJIS;
  if (emojis.length === 0) throw new RangeError('emoji: emojis must not be empty');
  const tokenizer = model.tokenizer;
  const emojiTokens = emojis.map((e) => tokenizer.encode(` ${e}`));
  const sampler = createRng(`tracemark.attack/emoji/sample\u0000${String(options.seed)}`);
  const decide = createRng(`tracemark.attack/emoji/decide\u0000${String(options.seed)}`);
  const sampling = { temperature, random: sampler };

  const shapes = new Map<number, TokenShape>();
  const shapeOf = (id: number): TokenShape => {
    let s = shapes.get(id);
    if (!s) {
      const text = tokenizer.decode([id]);
      const chars = Array.from(text);
      s = { continues: chars.length > 0 && WORD_CHAR.test(chars[0]!), wordy: chars.length > 0 && WORD_CHAR.test(chars[chars.length - 1]!) };
      shapes.set(id, s);
    }
    return s;
  };

  const clean = new Uint32Array(prompt.length + maxTokens);
  clean.set(prompt);
  let cleanLength = prompt.length;
  let seen = new Uint32Array(prompt.length + 4 * maxTokens);
  seen.set(prompt);
  let seenLength = prompt.length;
  const pushSeen = (ids: ArrayLike<number>) => {
    if (seenLength + ids.length > seen.length) {
      const grown = new Uint32Array(2 * (seenLength + ids.length));
      grown.set(seen.subarray(0, seenLength));
      seen = grown;
    }
    for (let i = 0; i < ids.length; i++) seen[seenLength++] = ids[i]!;
  };

  let boundaries = 0;
  let inserted = 0;
  for (let step = 0; step < maxTokens; step++) {
    const modelContext = options.modelSeesEmoji ? seen.subarray(0, seenLength) : clean.subarray(0, cleanLength);
    const cand = model.topK(modelContext, topK);
    let ids = cand.ids;
    let logits = Float32Array.from(cand.logProbs);
    const last = cleanLength > 0 ? clean[cleanLength - 1]! : -1;
    if (step > 0 && last >= 0 && shapeOf(last).wordy) {
      // Probability (at this temperature) that the word ends here: mass of candidates that do not continue it.
      let max = -Infinity;
      for (const l of logits) if (l > max) max = l;
      let total = 0;
      let ends = 0;
      for (let i = 0; i < ids.length; i++) {
        const p = Math.exp((logits[i]! - max) / temperature);
        total += p;
        if (!shapeOf(ids[i]!).continues) ends += p;
      }
      const wordEnds = decide() * total < ends;
      const keep: number[] = [];
      for (let i = 0; i < ids.length; i++) if (shapeOf(ids[i]!).continues !== wordEnds) keep.push(i);
      if (keep.length > 0 && keep.length < ids.length) {
        ids = Uint32Array.from(keep, (i) => ids[i]!);
        logits = Float32Array.from(keep, (i) => logits[i]!);
      }
      if (wordEnds) {
        boundaries++;
        if (decide() < strength) {
          pushSeen(emojiTokens[Math.min(emojiTokens.length - 1, Math.floor(decide() * emojiTokens.length))]!);
          inserted++;
        }
      }
    }
    const context = seen.subarray(0, seenLength);
    const token = watermarker ? watermarker.sampleCandidates(ids, logits, context, sampling) : samplePlain(ids, logits, sampling);
    clean[cleanLength++] = token;
    pushSeen([token]);
  }
  const tokens = clean.slice(prompt.length, cleanLength);
  const withEmoji = tokenizer.decode(seen.subarray(prompt.length, seenLength));
  return {
    text: removeEmoji(withEmoji),
    withEmoji,
    tokens,
    stats: { unit: 'word', total: boundaries, changed: inserted, rate: rate(inserted, boundaries) },
  };
}
