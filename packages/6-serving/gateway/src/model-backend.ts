/**
 * The seam between the gateway and whatever computes next-token distributions. The gateway owns
 * accounts, limits, watermark keys and receipts; a backend owns a model and turns a prompt into
 * tokens one at a time, letting the account's `Watermarker` choose each token. Any engine that can
 * hand a watermarker its candidates plugs in here: the reference n-gram model
 * (`createLanguageModelBackend`) and a GGUF model in llama.cpp (`createLlamaCppBackend`).
 */
import { type Tokenizer } from '@tracemark/tokenizers';
import { type Watermarker } from '@tracemark/watermark';

export interface GenerationRequest {
  /** Every token before the first one to generate. */
  readonly context: Uint32Array;
  readonly maxTokens: number;
  /** Softmax temperature, 0 = greedy. */
  readonly temperature: number;
  /** Nucleus mass in (0, 1]. */
  readonly topP: number;
  readonly seed: number | string;
  /** Chooses every token when given (the account's key); plain sampling otherwise. */
  readonly watermarker?: Watermarker;
  /** Report each chosen token's log-probability and this many alternatives; -1 reports nothing. */
  readonly topLogprobs: number;
  /** Generation stops early (the iterator ends) when this aborts. */
  readonly signal: AbortSignal;
}

/** One generated token. Log-probabilities are natural logs (see `createLanguageModelBackend` for which distribution). */
export interface GeneratedToken {
  readonly id: number;
  readonly logprob?: number;
  readonly top?: { readonly ids: Uint32Array; readonly logprobs: Float64Array };
}

export interface ModelBackend {
  readonly id: string;
  readonly tokenizer: Tokenizer;
  readonly ownedBy: string;
  /** Most tokens (prompt + generated) one generation can hold, or null when unbounded. */
  readonly contextLength: number | null;
  /** Token ids of a prompt as this model expects them (a BOS token first where the model wants one). */
  encodePrompt(text: string): Uint32Array;
  /** Tokens one at a time; ends after `maxTokens`, at an end-of-generation token (not yielded), or on abort. */
  generate(request: GenerationRequest): AsyncIterable<GeneratedToken>;
  /**
   * The model's own `k` most probable next tokens after `context` (most probable first, ties: lower
   * id first) and, when `actual` is given, that token's log-probability — no watermark bias. For
   * prompt log-probabilities (see `prompt-logprobs.ts`); absent when the engine cannot answer.
   */
  nextTokenLogprobs?(context: Uint32Array, k: number, actual?: number): Promise<NextTokenLogprobs>;
  /** Free the model. */
  close(): Promise<void>;
}

export interface NextTokenLogprobs {
  readonly ids: Uint32Array;
  readonly logprobs: Float64Array;
  /** Natural-log probability of `actual` (null when it was not asked). */
  readonly actual: number | null;
}
