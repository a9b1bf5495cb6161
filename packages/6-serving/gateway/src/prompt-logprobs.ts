/**
 * Prompt log-probabilities — the model's next-token distribution at every position of text the
 * client sends — in the shapes the engines document, so an investigator's tools (and tracemark's
 * open-model audit) read the gateway as they read those engines:
 *
 * - vLLM, `/v1/completions` (vLLM `entrypoints/openai/completion/protocol.py` and `serving.py`):
 *   `echo: true` with `logprobs: k` puts the prompt's tokens first in `choices[0].logprobs`
 *   (`tokens`, `token_logprobs` and `top_logprobs` null at the first position, `text_offset`), each
 *   `top_logprobs` entry holding the prompt token and the top k; `prompt_logprobs: k` adds
 *   `choices[0].prompt_logprobs`, one object per position keyed by token id with
 *   `{logprob, rank, decoded_token}` (null first); `return_tokens_as_token_ids` writes tokens as
 *   `token_id:<id>`; `return_token_ids` adds `prompt_token_ids`.
 * - llama.cpp server, `POST /completion` with `n_probs: k` (`tools/server/README.md`):
 *   `completion_probabilities: [{id, token, bytes, logprob, top_logprobs: [{id, token, bytes,
 *   logprob}]}]`, or `prob` / `top_probs` under `post_sampling_probs: true`.
 *
 * Which distribution: the model's own, without the account's watermark bias. The watermark is in
 * what the gateway *samples*; a score of the client's own text samples nothing, and biasing the
 * reported numbers would neither mark a student trained on them (they are soft labels, not text)
 * nor keep the answer true: an open-model audit of a model served here must see the model as it
 * is, exactly as if the auditor loaded the file (test/audit-open-model-http.test.ts holds the two
 * equal). Because true distributions on arbitrary text are also the richest distillation signal, a
 * model serves them only when its config sets `promptLogprobs: true` (see config.ts).
 */
import { type ModelBackend } from './model-backend.ts';
import { IMPOSSIBLE_LOGPROB, tokenAlternative, type TokenAlternative } from './run-completion.ts';

/** The model's answer at one position: the token that stands there, its log-probability and the top k. */
export interface PromptPosition extends TokenAlternative {
  /** Null at position 0 (nothing precedes it). */
  readonly scored: boolean;
  readonly top: TokenAlternative[];
}

/**
 * Score every position of `ids`: the top `k` after `ids[0..j)` and `ids[j]`'s own log-probability.
 * Yields to the event loop between positions of a long prompt (a synchronous model would otherwise
 * hold every other request up).
 */
export async function scorePrompt(backend: ModelBackend & Required<Pick<ModelBackend, 'nextTokenLogprobs'>>, ids: Uint32Array, k: number, signal: AbortSignal): Promise<PromptPosition[]> {
  const t = backend.tokenizer;
  const out: PromptPosition[] = [{ ...tokenAlternative(t, ids[0]!, IMPOSSIBLE_LOGPROB), scored: false, top: [] }];
  for (let j = 1; j < ids.length; j++) {
    if (signal.aborted) throw signal.reason;
    const a = await backend.nextTokenLogprobs(ids.subarray(0, j), k, ids[j]);
    out.push({
      ...tokenAlternative(t, ids[j]!, a.actual ?? -Infinity),
      scored: true,
      top: Array.from(a.ids, (id, i) => tokenAlternative(t, id, a.logprobs[i]!)),
    });
    if (j % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return out;
}

/** vLLM's `prompt_logprobs`: null, then per position the top k and the prompt token, keyed by id. */
export function vllmPromptLogprobs(positions: readonly PromptPosition[], k: number): (Record<string, { logprob: number; rank: number | null; decoded_token: string }> | null)[] {
  return positions.map((p) => {
    if (!p.scored) return null;
    const entry: Record<string, { logprob: number; rank: number | null; decoded_token: string }> = {};
    p.top.slice(0, k).forEach((a, i) => (entry[String(a.id)] = { logprob: a.logprob, rank: i + 1, decoded_token: a.token }));
    // The prompt token's rank outside the top k is not computed (it would need the whole vocabulary): null, which vLLM's Logprob.rank allows.
    if (!(String(p.id) in entry)) entry[String(p.id)] = { logprob: p.logprob, rank: null, decoded_token: p.token };
    return entry;
  });
}

/** The prompt part of OpenAI-style completions `logprobs` under `echo` (offsets from 0). */
export function echoLogprobs(positions: readonly PromptPosition[], k: number, tokensAsIds: boolean): { tokens: string[]; token_logprobs: (number | null)[]; top_logprobs: (Record<string, number> | null)[]; text_offset: number[] } {
  const name = (a: TokenAlternative) => (tokensAsIds ? `token_id:${a.id}` : a.token);
  let offset = 0;
  const text_offset = positions.map((p) => {
    const o = offset;
    offset += p.token.length;
    return o;
  });
  return {
    tokens: positions.map(name),
    token_logprobs: positions.map((p) => (p.scored ? p.logprob : null)),
    // The prompt token first, then the top k, as vLLM lists them (keys collapse when it is among them).
    top_logprobs: positions.map((p) => (p.scored ? Object.fromEntries([[name(p), p.logprob], ...p.top.slice(0, k).map((a) => [name(a), a.logprob])]) : null)),
    text_offset,
  };
}

/** llama.cpp's `completion_probabilities` item for a next-token answer. */
export function llamaCppProbabilities(chosen: number, top: readonly TokenAlternative[], postSampling: boolean): Record<string, unknown> {
  const first = top.find((a) => a.id === chosen)!;
  if (postSampling) {
    // No sampler chain runs here, so the distribution "after sampling" is the model's own.
    const prob = (a: TokenAlternative) => ({ id: a.id, token: a.token, bytes: a.bytes, prob: Math.exp(a.logprob) });
    return { ...prob(first), top_probs: top.map(prob) };
  }
  const lp = (a: TokenAlternative) => ({ id: a.id, token: a.token, bytes: a.bytes, logprob: a.logprob });
  return { ...lp(first), top_logprobs: top.map(lp) };
}
