/**
 * Perplexity of a token sequence under a language model (teacher forcing): exp of the mean
 * negative log-likelihood of each token given all tokens before it. Lower means the text looks
 * more like what the model was trained on — how tests check that a higher order fits held-out
 * text better, and how an audit compares a suspect's fit to a teacher's outputs.
 */
import { type LanguageModel } from './language-model.ts';

/** A model that can score one token without computing the whole distribution (`NgramModel` does). */
export interface TokenScorer {
  logProb(context: Uint32Array, token: number): number;
}

export interface PerplexityResult {
  /** Tokens scored. */
  readonly tokens: number;
  /** Mean negative natural-log likelihood per scored token (nats). */
  readonly meanNll: number;
  readonly perplexity: number;
}

/**
 * Score `tokens[startAt …]`, each given everything before it (tokens before `startAt` are
 * context only; startAt 0 scores the first token as the start of a document).
 *
 * Uses the model's `logProb` when it has one (O(order) per token for `NgramModel`), else its
 * dense `logProbs` (O(V) per token). The negative log-likelihoods are summed with Neumaier
 * compensation, so long texts do not lose digits.
 *
 * @throws RangeError when startAt is not an integer in [0, tokens.length).
 * @example
 * perplexity(model, tokenizer.encode(heldOutChapter)).perplexity; // ≈ 200 for moby-dick order 4
 */
export function perplexity(
  model: LanguageModel & Partial<TokenScorer>,
  tokens: Uint32Array,
  options: { readonly startAt?: number } = {},
): PerplexityResult {
  const startAt = options.startAt ?? 0;
  if (!Number.isInteger(startAt) || startAt < 0 || startAt >= tokens.length)
    throw new RangeError(`startAt must be an integer in [0, ${tokens.length}), got ${startAt}`);
  const scorer = typeof model.logProb === 'function' ? model.logProb.bind(model) : null;
  const dense = scorer === null ? new Float64Array(model.vocabSize) : null;
  let sum = 0;
  let compensation = 0;
  for (let i = startAt; i < tokens.length; i++) {
    const context = tokens.subarray(0, i);
    const lp = scorer !== null ? scorer(context, tokens[i]!) : model.logProbs(context, dense!)[tokens[i]!]!;
    const x = -lp;
    const t = sum + x;
    compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  const n = tokens.length - startAt;
  const meanNll = (sum + compensation) / n;
  return { tokens: n, meanNll, perplexity: Math.exp(meanNll) };
}
