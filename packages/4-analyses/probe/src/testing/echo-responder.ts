/**
 * A trivial deterministic responder for protocol tests: the answer is derived from (model,
 * prompt, seed) — identical for the same seed, different for another — with per-token log-
 * probabilities when asked. No model needed, so client tests run in milliseconds.
 */
import { type ChatResponder } from './openai-test-server.ts';

export function echoResponder(): ChatResponder {
  let fresh = 0;
  return (req) => {
    const user = [...req.messages].reverse().find((m) => m.role === 'user');
    const seed = req.seed ?? `unseeded-${fresh++}`;
    const words = [`${req.model}`, 'says', String(seed), ...(user?.content ?? '').split(/\s+/).slice(0, 4)];
    const n = Math.min(words.length, req.max_tokens ?? 16);
    const tokens = words.slice(0, n);
    return {
      text: tokens.join(' '),
      finishReason: n < words.length ? 'length' : 'stop',
      promptTokens: (user?.content ?? '').split(/\s+/).length,
      completionTokens: n,
      logprobs: tokens.map((t) => ({
        token: t,
        logprob: -0.5,
        bytes: [...Buffer.from(t)],
        top_logprobs: Array.from({ length: req.top_logprobs ?? 0 }, (_, i) => ({ token: `${t}${i}`, logprob: -0.5 - i, bytes: [] })),
      })),
    };
  };
}
