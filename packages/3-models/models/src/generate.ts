/**
 * Autoregressive generation from any `LanguageModel`, optionally watermarked: at each step the
 * model's top-k candidates (or its whole distribution) go either to a `Watermarker`, which picks
 * the token with its key, or to the plain sampler. The context handed to the model and the
 * watermarker is a view of one growing buffer, so a step never copies the history.
 */
import { createRng } from '@tracemark/stats';
import { checkSampleOptions, samplePlain, type Watermarker } from '@tracemark/watermark';
import { type LanguageModel } from './language-model.ts';

export interface GenerateOptions {
  /** Tokens before the first generated one (empty: start of a document). */
  readonly prompt: Uint32Array;
  readonly maxTokens: number;
  /** Default 1; 0 is greedy. */
  readonly temperature?: number;
  /** Candidates per step; default 50. 0 uses the whole vocabulary (the dense path, O(V) per step). */
  readonly topK?: number;
  /** Nucleus mass in (0, 1]; default 1. */
  readonly topP?: number;
  /** Seeds the sampler: the same model, options and seed give the same tokens. */
  readonly seed: number | string;
  /** Called with the generated tokens after each step; returning true stops (the last token is kept). */
  readonly stop?: (generated: Uint32Array) => boolean;
  /** Stop when one of these ids is drawn; the stop token is not included in the output. */
  readonly stopTokens?: readonly number[];
  readonly watermarker?: Watermarker;
}

export interface GenerateResult {
  /** The generated tokens only (the prompt is not repeated). */
  readonly tokens: Uint32Array;
  readonly stoppedBy: 'length' | 'stop';
}

export const DEFAULT_TOP_K = 50;

/**
 * Generate up to `maxTokens` tokens after `prompt`.
 *
 * Each step costs one `topK` query (or one dense `logProbs`, O(V), when topK is 0) plus the
 * sampler's O(k) — or the watermarker's `sampleCandidates` / `sample`. One `random()` draw feeds
 * each plain step, from `createRng(seed)`.
 *
 * @throws RangeError for a negative or fractional maxTokens or topK, a bad temperature or topP,
 *   or a watermarker returning an id outside the vocabulary.
 * @example
 * const { tokens } = generate(model, { prompt: tokenizer.encode('Call me'), maxTokens: 20, seed: 1 });
 * tokenizer.decode(tokens); // ' Ishmael. Some years ago …' (model-dependent)
 */
export function generate(model: LanguageModel, options: GenerateOptions): GenerateResult {
  const { prompt, maxTokens, stop, watermarker } = options;
  const temperature = options.temperature ?? 1;
  const topP = options.topP ?? 1;
  const V = model.vocabSize;
  let topK = options.topK ?? DEFAULT_TOP_K;
  if (!(prompt instanceof Uint32Array)) throw new TypeError('prompt must be a Uint32Array of token ids');
  if (!Number.isInteger(maxTokens) || maxTokens < 0) throw new RangeError(`maxTokens must be a non-negative integer, got ${maxTokens}`);
  if (!Number.isInteger(topK) || topK < 0) throw new RangeError(`topK must be a non-negative integer (0 = whole vocabulary), got ${topK}`);
  const random = createRng(options.seed);
  const sampling = { temperature, topP, random };
  checkSampleOptions(sampling);
  const stopSet = new Set(options.stopTokens ?? []);
  const dense = topK === 0 || topK >= V;
  if (dense) topK = V;

  const buffer = new Uint32Array(prompt.length + maxTokens);
  buffer.set(prompt);
  let length = prompt.length;
  const denseLogProbs = dense ? new Float64Array(V) : null;
  const denseLogits = dense ? new Float32Array(V) : null;
  let logits = new Float32Array(topK);
  let stoppedBy: GenerateResult['stoppedBy'] = 'length';

  for (let step = 0; step < maxTokens; step++) {
    const context = buffer.subarray(0, length);
    let token: number;
    if (denseLogProbs !== null && denseLogits !== null) {
      model.logProbs(context, denseLogProbs);
      for (let i = 0; i < V; i++) denseLogits[i] = denseLogProbs[i]!;
      token = watermarker ? watermarker.sample(denseLogits, context, sampling) : samplePlain(null, denseLogits, sampling);
    } else {
      const candidates = model.topK(context, topK);
      const n = candidates.ids.length;
      if (logits.length !== n) logits = new Float32Array(n);
      for (let i = 0; i < n; i++) logits[i] = candidates.logProbs[i]!;
      token = watermarker
        ? watermarker.sampleCandidates(candidates.ids, logits, context, sampling)
        : samplePlain(candidates.ids, logits, sampling);
    }
    if (!Number.isInteger(token) || token < 0 || token >= V) throw new RangeError(`sampler returned ${token}, not a token id below ${V}`);
    if (stopSet.has(token)) {
      stoppedBy = 'stop';
      break;
    }
    buffer[length++] = token;
    if (stop?.(buffer.subarray(prompt.length, length))) {
      stoppedBy = 'stop';
      break;
    }
  }
  return { tokens: buffer.slice(prompt.length, length), stoppedBy };
}
