/**
 * The llama.cpp server's native `POST /tokenize` and `POST /completion` (`tools/server/README.md`),
 * and vLLM's `POST /tokenize` (vLLM `TokenizeCompletionRequest` / `TokenizeResponse`), on the
 * gateway's own models, so a tool written for those servers — tracemark's open-model audit with
 * `--suspect-endpoint-kind llama-cpp` among them — can score text here.
 *
 * `/completion` is served as a scorer only: `n_predict` must be 1, `n_probs` ≥ 1, and the one token
 * returned is the most probable (greedy) — the distribution it comes from is already in the answer,
 * so no sample the watermark did not choose is served. Text generation goes through
 * `/v1/completions`, where every token is watermarked. The distribution is the model's own
 * (see prompt-logprobs.ts for why), served only for models with `promptLogprobs: true`.
 */
import { ApiError, invalidParam } from './api-error.ts';
import { type ServedModel } from './load-models.ts';
import { llamaCppProbabilities } from './prompt-logprobs.ts';
import { tokenAlternative } from './run-completion.ts';
import { type ModelBackend } from './model-backend.ts';

type Body = Record<string, unknown>;

/** The model a request names, or the only one served (llama.cpp's single-model servers take no `model`). */
export function pickModel(b: Body, models: ReadonlyMap<string, ServedModel>): ServedModel {
  if (b.model === undefined && models.size === 1) return [...models.values()][0]!;
  if (typeof b.model !== 'string') throw invalidParam('model', 'model must be the id of a served model (see GET /v1/models)');
  const m = models.get(b.model);
  if (!m) throw new ApiError(404, `The model '${b.model}' does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found', 'model');
  return m;
}

/** A backend that may serve its distribution, or a 400 saying why not. */
export function scoringBackend(m: ServedModel, param: string): ModelBackend & Required<Pick<ModelBackend, 'nextTokenLogprobs'>> {
  if (!m.config.promptLogprobs || !m.backend.nextTokenLogprobs) {
    throw invalidParam(param, `Prompt log-probabilities are not served for model '${m.config.id}' (its gateway config does not set promptLogprobs).`, 'unsupported_parameter');
  }
  return m.backend as ModelBackend & Required<Pick<ModelBackend, 'nextTokenLogprobs'>>;
}

/** `/tokenize`: llama.cpp's body `{content, add_special, with_pieces}` or vLLM's `{model, prompt, add_special_tokens, return_token_strs}`. */
export function tokenizeAnswer(b: Body, models: ReadonlyMap<string, ServedModel>, maxPromptTokens: number): Body {
  const m = pickModel(b, models);
  const t = m.backend.tokenizer;
  if (typeof b.content === 'string') {
    const ids = t.encode(b.content);
    return { tokens: b.with_pieces === true ? Array.from(ids, (id) => ({ id, piece: t.decode([id]) })) : Array.from(ids) };
  }
  if (typeof b.prompt === 'string') {
    const ids = t.encode(b.prompt);
    return { count: ids.length, max_model_len: m.backend.contextLength ?? maxPromptTokens, tokens: Array.from(ids), ...(b.return_token_strs === true ? { token_strs: Array.from(ids, (id) => t.decode([id])) } : {}) };
  }
  throw invalidParam('content', 'send the text as "content" (llama.cpp) or "prompt" (vLLM)');
}

/** The text of prompt token ids; an id the vocabulary does not assign is the client's error (400), not a crash. */
export function decodePrompt(m: ServedModel, ids: Uint32Array): string {
  try {
    return m.backend.tokenizer.decode(ids);
  } catch (e) {
    throw invalidParam('prompt', `prompt holds a token id this model's vocabulary does not assign (${(e as Error).message})`);
  }
}

/** The token ids of a llama.cpp `prompt`: ids, or a string (encoded without BOS: these models use none). */
export function completionPrompt(b: Body, m: ServedModel): Uint32Array {
  const p = b.prompt;
  if (typeof p === 'string' && p.length > 0) return m.backend.encodePrompt(p);
  if (Array.isArray(p) && p.length > 0 && p.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffffffff)) {
    const ids = Uint32Array.from(p as number[]);
    decodePrompt(m, ids);
    return ids;
  }
  throw invalidParam('prompt', 'prompt must be a non-empty string or array of token ids (mixed and multiple prompts are not supported)');
}

/** `/completion` with `n_predict: 1` and `n_probs: k`: the answer after `ids`. */
export async function completionAnswer(b: Body, m: ServedModel, ids: Uint32Array, signal: AbortSignal): Promise<Body> {
  const backend = scoringBackend(m, 'n_probs');
  if (b.n_predict !== 1) throw invalidParam('n_predict', 'this gateway serves /completion as a scorer: n_predict must be 1 (generate text through /v1/completions)', 'unsupported_parameter');
  const k = b.n_probs;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > 100) throw invalidParam('n_probs', 'n_probs must be an integer between 1 and 100');
  if (b.stream === true) throw invalidParam('stream', 'stream is not supported on /completion here', 'unsupported_parameter');
  if (signal.aborted) throw signal.reason;
  const a = await backend.nextTokenLogprobs(ids, k);
  const top = Array.from(a.ids, (id, i) => tokenAlternative(backend.tokenizer, id, a.logprobs[i]!));
  const chosen = top[0]!;
  return {
    content: chosen.token,
    tokens: b.return_tokens === true ? [chosen.id] : [],
    id_slot: 0,
    stop: true,
    model: m.config.id,
    tokens_predicted: 1,
    tokens_evaluated: ids.length,
    prompt: decodePrompt(m, ids),
    has_new_line: chosen.token.includes('\n'),
    truncated: false,
    stop_type: 'limit',
    stopping_word: '',
    tokens_cached: 0,
    completion_probabilities: [llamaCppProbabilities(chosen.id, top, b.post_sampling_probs === true)],
  };
}
