/**
 * One completion, as a stream of text pieces: an optional reasoning trace, then the answer, both
 * chosen token by token by the account's watermarker (so a trace is watermarked exactly like the
 * answer), the answer cut at the first stop string, with per-token log-probabilities when asked.
 * Streaming and non-streaming responses are built from the same pieces, so they carry the same
 * text and the same receipt hash.
 */
import { type Tokenizer } from '@tracemark/tokenizers';
import { type Watermarker } from '@tracemark/watermark';
import { ANSWER_CUE } from './chat-template.ts';
import { IncrementalDecoder } from './incremental-decoder.ts';
import { type GeneratedToken, type ModelBackend } from './model-backend.ts';
import { StopSequences } from './stop-sequences.ts';

/** One alternative token and its log-probability; `bytes` are the UTF-8 bytes of `token`. */
export interface TokenAlternative {
  readonly id: number;
  readonly token: string;
  readonly logprob: number;
  readonly bytes: number[];
}

export interface TokenLogprob extends TokenAlternative {
  readonly top: TokenAlternative[];
  /** Character offset of the token's text in the answer. */
  readonly offset: number;
}

export type CompletionEvent = { readonly type: 'reasoning'; readonly text: string } | { readonly type: 'content'; readonly text: string; readonly logprobs: TokenLogprob[] };

/** What has been generated so far; complete once the generator returns. */
export interface CompletionProgress {
  content: string;
  reasoning: string | null;
  completionTokens: number;
  reasoningTokens: number;
  finishReason: 'stop' | 'length' | null;
}

export interface CompletionInput {
  readonly backend: ModelBackend;
  readonly promptTokens: Uint32Array;
  /** Generated tokens in all, reasoning included. */
  readonly maxTokens: number;
  /** Reasoning tokens before the answer (0: no reasoning trace). */
  readonly reasoningTokens: number;
  readonly temperature: number;
  readonly topP: number;
  readonly seed: number;
  readonly stop: readonly string[];
  readonly topLogprobs: number;
  readonly watermarker?: Watermarker;
  readonly signal: AbortSignal;
}

/** JSON cannot carry −∞: OpenAI reports an impossible token as −9999. */
export const IMPOSSIBLE_LOGPROB = -9999;

/** One token as OpenAI-style logprobs report it: its text, UTF-8 bytes and log-probability (−∞ as −9999). */
export function tokenAlternative(tokenizer: Tokenizer, id: number, logprob: number): TokenAlternative {
  const token = tokenizer.decode([id]);
  return { id, token, logprob: Number.isFinite(logprob) ? logprob : IMPOSSIBLE_LOGPROB, bytes: Array.from(Buffer.from(token, 'utf8')) };
}

function concat(a: Uint32Array, b: Uint32Array, c: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length + b.length + c.length);
  out.set(a);
  out.set(b, a.length);
  out.set(c, a.length + b.length);
  return out;
}

/**
 * Generate, yielding text pieces as they become final. Returns normally when the answer ends
 * (`progress.finishReason` set); when `signal` aborts, throws its reason with `progress` holding
 * what was generated until then.
 */
export async function* runCompletion(input: CompletionInput, progress: CompletionProgress): AsyncGenerator<CompletionEvent, void> {
  const { backend, signal } = input;
  const tokenizer = backend.tokenizer;
  const base = { temperature: input.temperature, topP: input.topP, watermarker: input.watermarker, signal };
  let answerContext = input.promptTokens;

  if (input.reasoningTokens > 0) {
    const decoder = new IncrementalDecoder(tokenizer);
    const ids: number[] = [];
    progress.reasoning = '';
    for await (const t of backend.generate({ ...base, context: input.promptTokens, maxTokens: input.reasoningTokens, seed: `${input.seed}/reasoning`, topLogprobs: -1 })) {
      ids.push(t.id);
      progress.reasoningTokens++;
      progress.completionTokens++;
      const text = decoder.push(t.id);
      if (text) (progress.reasoning += text), yield { type: 'reasoning', text };
    }
    if (signal.aborted) throw signal.reason;
    const rest = decoder.flush();
    if (rest) (progress.reasoning += rest), yield { type: 'reasoning', text: rest };
    answerContext = concat(input.promptTokens, Uint32Array.from(ids), tokenizer.encode(ANSWER_CUE));
  }

  const decoder = new IncrementalDecoder(tokenizer);
  const stops = new StopSequences(input.stop);
  // Log-probabilities wait until the text they belong to is emitted: a token whose text turns out
  // to lie after a stop string is dropped with it.
  let pending: TokenLogprob[] = [];
  let decoded = 0;
  const release = (upTo: number): TokenLogprob[] => {
    const out = pending.filter((p) => p.offset < upTo);
    pending = pending.filter((p) => p.offset >= upTo);
    return out;
  };
  const budget = input.maxTokens - progress.completionTokens;
  let generated = 0;
  let stopped = false;
  for await (const t of backend.generate({ ...base, context: answerContext, maxTokens: budget, seed: input.seed, topLogprobs: input.topLogprobs }) as AsyncIterable<GeneratedToken>) {
    generated++;
    progress.completionTokens++;
    if (t.logprob !== undefined) {
      const top = t.top ? Array.from(t.top.ids, (id, j) => tokenAlternative(tokenizer, id, t.top!.logprobs[j]!)) : [];
      pending.push({ ...tokenAlternative(tokenizer, t.id, t.logprob), top, offset: decoded });
    }
    const piece = decoder.push(t.id);
    decoded += piece.length;
    const { text, stopped: hit } = stops.push(piece);
    if (text || (hit && pending.length > 0)) {
      progress.content += text;
      yield { type: 'content', text, logprobs: release(progress.content.length) };
    }
    if (hit) {
      stopped = true;
      break;
    }
  }
  if (!stopped) {
    if (signal.aborted) throw signal.reason;
    const { text, stopped: hit } = stops.push(decoder.flush());
    stopped = hit;
    const tail = hit ? text : text + stops.flush();
    progress.content += tail;
    const logprobs = release(stopped ? progress.content.length : Infinity);
    if (tail || logprobs.length > 0) yield { type: 'content', text: tail, logprobs };
  }
  // Fewer tokens than allowed without a stop string: the model ended its answer itself.
  progress.finishReason = stopped || generated < budget ? 'stop' : 'length';
}
