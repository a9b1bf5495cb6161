/**
 * Regeneration of random spans by an unwatermarked model: the paraphrase stand-in when no
 * paraphrasing model is at hand. Each chosen span of tokens is replaced by what the plain model
 * writes after the (already partly rewritten) text before it, as a paraphraser that rewrites
 * passage by passage would (cf. the span-level "substitution by a second LM" of Kirchenbauer et
 * al. 2023, §7, T5 span attack).
 */
import { generate, type LanguageModel } from '@tracemark/models';
import { attackRandom, checkStrength, chooseIndices, rate } from './_attack-kit.ts';
import { type AttackResult, type AttackStats } from './types.ts';

export interface RegenerateSpansStats extends AttackStats {
  readonly unit: 'token';
  /** Positions inside regenerated spans (some may have been regenerated to the same token). */
  readonly regenerated: number;
  readonly spans: number;
}

export interface RegenerateSpansOptions {
  /** Tokens per span; default 8 (about six words). */
  readonly spanLength?: number;
  /** Context before `tokens` (for example the prompt), seen by the model but never changed. */
  readonly prompt?: Uint32Array;
  /** Sampling of the plain model; defaults as `generate` (temperature 1, top-k 50). */
  readonly temperature?: number;
  readonly topK?: number;
}

export interface RegenerateSpansResult {
  readonly tokens: Uint32Array;
  readonly stats: RegenerateSpansStats;
}

const KIND = 'regenerate';
export const DEFAULT_SPAN_LENGTH = 8;

/**
 * Cut `tokens` into consecutive spans of `spanLength` (the last may be shorter), choose
 * round(fraction · spans) of them uniformly, and regenerate each, left to right, with `model`
 * unwatermarked: same length, conditioned on everything before it as rewritten so far. `changed`
 * counts the positions whose token differs. Cost: one `generate` step per regenerated token.
 *
 * @throws RangeError when fraction is outside [0, 1] or spanLength is not a positive integer.
 * @example
 * regenerateSpans(tokens, model, 0.3, 1).stats.regenerated; // ≈ 0.3 · tokens.length
 */
export function regenerateSpans(
  tokens: Uint32Array,
  model: LanguageModel,
  fraction: number,
  seed: number | string,
  options: RegenerateSpansOptions = {},
): RegenerateSpansResult {
  if (!(tokens instanceof Uint32Array)) throw new TypeError(`${KIND}: tokens must be a Uint32Array`);
  checkStrength(KIND, fraction);
  const spanLength = options.spanLength ?? DEFAULT_SPAN_LENGTH;
  if (!Number.isInteger(spanLength) || spanLength < 1) throw new RangeError(`${KIND}: spanLength must be a positive integer, got ${JSON.stringify(spanLength)}`);
  const prompt = options.prompt ?? new Uint32Array(0);
  const n = tokens.length;
  const slots = Math.ceil(n / spanLength);
  const random = attackRandom(KIND, seed);
  const chosen = chooseIndices(random, slots, Math.round(fraction * slots));
  const buffer = new Uint32Array(prompt.length + n);
  buffer.set(prompt);
  buffer.set(tokens, prompt.length);
  let regenerated = 0;
  for (const slot of chosen) {
    const start = slot * spanLength;
    const length = Math.min(spanLength, n - start);
    const context = buffer.subarray(0, prompt.length + start);
    const out = generate(model, {
      prompt: context,
      maxTokens: length,
      seed: `tracemark.attack/${KIND}\u0000${String(seed)}\u0000${slot}`,
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      ...(options.topK !== undefined ? { topK: options.topK } : {}),
    }).tokens;
    buffer.set(out, prompt.length + start);
    regenerated += length;
  }
  const result = buffer.slice(prompt.length);
  let changed = 0;
  for (let i = 0; i < n; i++) if (result[i] !== tokens[i]) changed++;
  return { tokens: result, stats: { unit: 'token', total: n, changed, rate: rate(changed, n), regenerated, spans: chosen.length } };
}

/** `regenerateSpans` on text: tokenized and decoded with the model's tokenizer. */
export function regenerateText(text: string, model: LanguageModel, fraction: number, seed: number | string, options: RegenerateSpansOptions = {}): AttackResult<RegenerateSpansStats> {
  if (typeof text !== 'string') throw new TypeError(`${KIND}: text must be a string, got ${typeof text}`);
  const r = regenerateSpans(model.tokenizer.encode(text), model, fraction, seed, options);
  return { text: model.tokenizer.decode(r.tokens), stats: r.stats };
}
