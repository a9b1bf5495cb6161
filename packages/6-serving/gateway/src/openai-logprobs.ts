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

/** Legacy completions: `choices[].logprobs`. */
export function logprobsForCompletions(entries: readonly TokenLogprob[]): unknown {
  return {
    tokens: entries.map((e) => e.token),
    token_logprobs: entries.map((e) => e.logprob),
    top_logprobs: entries.map((e) => Object.fromEntries(e.top.map((a) => [a.token, a.logprob]))),
    text_offset: entries.map((e) => e.offset),
  };
}
