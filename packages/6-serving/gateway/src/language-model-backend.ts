/**
 * A backend over any model that answers top-k next-token queries (`LanguageModel.topK` from
 * `@tracemark/models`, synchronous, or an engine's asynchronous one). Each step asks for the
 * model's `topK` candidates and lets the account's watermarker choose among them
 * (`sampleCandidates`), or samples plainly — the same arithmetic, seed stream and default k as
 * `generate` in `@tracemark/models`, so a gateway response equals `generate(model, …)` for the same
 * prompt, seed and key token for token.
 *
 * Reported log-probabilities are those of the distribution the token is drawn from at
 * temperature 1: the model's top-k candidates with the watermark's bias added (KGW and Unigram;
 * Gumbel and SynthID leave the distribution unchanged), renormalised over the candidates. Reporting
 * the unbiased distribution instead would hand a distiller unwatermarked soft labels to train on.
 *
 * A step of a synchronous model blocks the event loop, so a generation yields to it every
 * `SLICE_MS` of work: other requests, timers and client disconnects are served between slices.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { type SparseLogProbs } from '@tracemark/models';
import { createRng } from '@tracemark/stats';
import { samplePlain as sampleFromLogits } from '@tracemark/watermark';
import { type Tokenizer } from '@tracemark/tokenizers';
import { type GeneratedToken, type GenerationRequest, type ModelBackend, type NextTokenLogprobs } from './model-backend.ts';

/** Work between two yields to the event loop. Short enough that 50 concurrent streams interleave smoothly, long enough that yielding costs < 1% (measured: a yield ≈ 10 µs). */
const SLICE_MS = 4;

/** What the backend needs of a model: its tokenizer and top-k next-token queries. */
export interface CandidateModel {
  readonly tokenizer: Tokenizer;
  readonly vocabSize: number;
  topK(context: Uint32Array, k: number): SparseLogProbs | Promise<SparseLogProbs>;
  /** One token's natural-log probability after `context` (the reference model has it). */
  logProb?(context: Uint32Array, token: number): number;
}

export interface LanguageModelBackendOptions {
  readonly id: string;
  /** Candidates per step; default 50 (`DEFAULT_TOP_K` of `@tracemark/models`). */
  readonly topK?: number;
  readonly ownedBy?: string;
  /** Prompt encoding; default `tokenizer.encode`. */
  readonly encodePrompt?: (text: string) => Uint32Array;
  /** Tokens that end a generation (not yielded). */
  readonly isEndOfGeneration?: (id: number) => boolean;
  readonly close?: () => Promise<void>;
  readonly contextLength?: number;
  /** One token's log-probability, for engines whose model lacks `logProb`. */
  readonly logProb?: (context: Uint32Array, token: number) => Promise<number>;
}

/** Log-softmax of `logits` over the candidates, into a new array. */
function logSoftmax(logits: Float32Array): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i]! - lse;
  return out;
}

export function createLanguageModelBackend(model: CandidateModel, options: LanguageModelBackendOptions): ModelBackend {
  const k = options.topK ?? 50;
  const encode = options.encodePrompt ?? ((text: string) => model.tokenizer.encode(text));
  const isEnd = options.isEndOfGeneration;

  async function* generate(req: GenerationRequest): AsyncGenerator<GeneratedToken> {
    const random = createRng(req.seed);
    const sampling = { temperature: req.temperature, topP: req.topP, random };
    const wm = req.watermarker;
    const buffer = new Uint32Array(req.context.length + req.maxTokens);
    buffer.set(req.context);
    let length = req.context.length;
    let logits = new Float32Array(k);
    let slice = performance.now();
    for (let step = 0; step < req.maxTokens; step++) {
      if (req.signal.aborted) return;
      const context = buffer.subarray(0, length);
      const answer = model.topK(context, k);
      const candidates = answer instanceof Promise ? await answer : answer;
      const n = candidates.ids.length;
      if (logits.length !== n) logits = new Float32Array(n);
      for (let i = 0; i < n; i++) logits[i] = candidates.logProbs[i]!;
      let reported: Float64Array | null = null;
      if (req.topLogprobs >= 0) {
        // Before sampling: `sampleCandidates` must see the model's own logits, and bias its own copy.
        const biased = Float32Array.from(logits);
        wm?.biasCandidates(candidates.ids, biased, context);
        reported = logSoftmax(biased);
      }
      const token = wm ? wm.sampleCandidates(candidates.ids, logits, context, sampling) : sampleFromLogits(candidates.ids, logits, sampling);
      if (isEnd?.(token)) return;
      buffer[length++] = token;
      if (reported === null) yield { id: token };
      else {
        const at = candidates.ids.indexOf(token);
        const order = Array.from(reported.keys()).sort((a, b) => reported[b]! - reported[a]! || candidates.ids[a]! - candidates.ids[b]!);
        const m = Math.min(req.topLogprobs, n);
        yield {
          id: token,
          logprob: at >= 0 ? reported[at]! : -Infinity,
          top: { ids: Uint32Array.from(order.slice(0, m), (j) => candidates.ids[j]!), logprobs: Float64Array.from(order.slice(0, m), (j) => reported[j]!) },
        };
      }
      if (performance.now() - slice > SLICE_MS) {
        await yieldToEventLoop();
        slice = performance.now();
      }
    }
  }

  const tokenLogProb = options.logProb ?? (model.logProb ? async (c: Uint32Array, t: number) => model.logProb!(c, t) : null);
  async function nextTokenLogprobs(context: Uint32Array, k: number, actual?: number): Promise<NextTokenLogprobs> {
    const top = await model.topK(context, k);
    let lp: number | null = null;
    if (actual !== undefined) {
      const at = top.ids.indexOf(actual);
      lp = at >= 0 ? top.logProbs[at]! : tokenLogProb ? await tokenLogProb(context, actual) : null;
    }
    return { ids: top.ids, logprobs: Float64Array.from(top.logProbs), actual: lp };
  }

  return {
    id: options.id,
    tokenizer: model.tokenizer,
    nextTokenLogprobs,
    ownedBy: options.ownedBy ?? 'tracemark',
    contextLength: options.contextLength ?? null,
    encodePrompt: encode,
    generate,
    close: options.close ?? (async () => undefined),
  };
}
