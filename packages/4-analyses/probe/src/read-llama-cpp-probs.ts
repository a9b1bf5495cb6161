/**
 * The next-token candidates from a llama.cpp server's native `POST /completion` answer with
 * `n_probs: k` and `n_predict: 1` (llama.cpp `tools/server/README.md`, "POST /completion",
 * response field `completion_probabilities`): one item per generated token, each
 * `{id, token, bytes, logprob, top_logprobs: [{id, token, bytes, logprob}, …]}` with at most
 * `n_probs` alternatives. The alternatives of the first (only) item are the distribution after the
 * prompt. Two documented variants are read:
 *
 * - default (`post_sampling_probs` false): `logprob`, the log-softmax of the raw logits — the
 *   model's own distribution, what the audit wants;
 * - `post_sampling_probs: true`: `prob` in [0, 1] under `top_probs`, after the sampler chain. The
 *   predictor asks with neutral samplers (temperature 1, top_k 0, top_p 1, min_p 0), under which
 *   the chain leaves the distribution as it is, so both variants give the same numbers; `prob` is
 *   turned into its natural log here.
 *
 * Servers from before December 2024 answered `{content, probs: [{tok_str, prob}]}` without token
 * ids; strings cannot be mapped back to ids exactly, so that shape is refused with a message.
 */
import { IoError } from '@tracemark/errors';
import { type Candidates, topCandidates } from './_top-candidates.ts';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** @throws IoError naming `where` when the answer has no candidates with ids. */
export function readLlamaCppProbs(body: Json, k: number, where: string): Candidates {
  const items = body.completion_probabilities;
  if (!Array.isArray(items) || items.length === 0 || !isObject(items[0])) {
    throw new IoError(`${where}: the answer has no completion_probabilities (does the server honour n_probs?)`);
  }
  const first = items[0];
  const alternatives = Array.isArray(first.top_logprobs) ? first.top_logprobs : Array.isArray(first.top_probs) ? first.top_probs : null;
  if (!alternatives) {
    if (Array.isArray(first.probs)) throw new IoError(`${where}: this llama.cpp server reports candidates as strings without token ids (a build from before December 2024); upgrade it`);
    throw new IoError(`${where}: completion_probabilities[0] has neither top_logprobs nor top_probs`);
  }
  const pairs = alternatives.map((a, j): [number, number] => {
    if (!isObject(a) || typeof a.id !== 'number') throw new IoError(`${where}: completion_probabilities[0] alternative ${j} has no numeric id`);
    if (typeof a.logprob === 'number') return [a.id, a.logprob];
    if (typeof a.prob === 'number' && a.prob >= 0 && a.prob <= 1) return [a.id, Math.log(a.prob)];
    throw new IoError(`${where}: completion_probabilities[0] alternative ${j} has neither logprob nor a prob in [0, 1]`);
  });
  return topCandidates(pairs, k, where);
}
