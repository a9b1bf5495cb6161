/**
 * Log-probabilities in the two wire shapes OpenAI uses: chat's `logprobs.content[]` (token, logprob,
 * bytes, top_logprobs[]) and the legacy completions' parallel arrays (tokens, token_logprobs,
 * top_logprobs as token → logprob maps, text_offset). See the API reference of each endpoint.
 */
import { type TokenLogprob } from './run-completion.ts';

/** Chat completions: `choices[].logprobs`. */
export function logprobsForChat(entries: readonly TokenLogprob[]): { content: unknown[]; refusal: null } {
  return {
    content: entries.map((e) => ({ token: e.token, logprob: e.logprob, bytes: e.bytes, top_logprobs: e.top.map((a) => ({ token: a.token, logprob: a.logprob, bytes: a.bytes })) })),
    refusal: null,
  };
}

/** The legacy completions' parallel arrays. */
export interface CompletionLogprobs {
  readonly tokens: string[];
  readonly token_logprobs: (number | null)[];
  readonly top_logprobs: (Record<string, number> | null)[];
  readonly text_offset: number[];
}

/**
 * Legacy completions: `choices[].logprobs`. `tokensAsIds` writes tokens as `token_id:<id>` (vLLM's
 * `return_tokens_as_token_ids`); `shift` moves the offsets past an echoed prompt.
 */
export function logprobsForCompletions(entries: readonly TokenLogprob[], tokensAsIds = false, shift = 0): CompletionLogprobs {
  const name = (a: { id: number; token: string }) => (tokensAsIds ? `token_id:${a.id}` : a.token);
  return {
    tokens: entries.map(name),
    token_logprobs: entries.map((e) => e.logprob),
    top_logprobs: entries.map((e) => Object.fromEntries(e.top.map((a) => [name(a), a.logprob]))),
    text_offset: entries.map((e) => e.offset + shift),
  };
}
