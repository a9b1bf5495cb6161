/**
 * A next-token predictor backed by an inference server over HTTP, for the open-model radioactivity
 * tests (Sander et al. 2024, "reading mode"): the suspect's top-k next tokens after every prefix of
 * the forced text, asked of the server that runs it.
 *
 * Two kinds of server (`EndpointKind`):
 * - `vllm`: an OpenAI-compatible *completions* endpoint that returns prompt-token log-probabilities
 *   (vLLM; also tracemark's gateway). One request per window of text answers every position in it:
 *   the prompt is sent as token ids (`prompt: [ids]`, so the server does not re-tokenize and adds
 *   no BOS), with `echo: true`, `logprobs: k`, `return_tokens_as_token_ids: true` and vLLM's
 *   `prompt_logprobs: k` / `return_token_ids: true` extensions, `max_tokens: 1` (older vLLM builds
 *   reject 0; the one generated token is ignored). See read-vllm-prompt-logprobs.ts for the fields.
 * - `llama-cpp`: the llama.cpp server's native API, which gives no prompt log-probabilities: one
 *   `POST /completion` per position with `n_predict: 1`, `n_probs: k` and `cache_prompt: true`, the
 *   positions of a window asked in order so each prompt extends the previous one and the server's
 *   prompt cache evaluates one new token per request (llama.cpp `tools/server/README.md`). `model`
 *   is sent too: a single-model server ignores it, a router-mode server picks the model by it.
 * `auto` asks `GET /props`, which only llama.cpp serves (its `default_generation_settings`).
 *
 * Before anything is scored the server's tokenizer is checked against the key's: a fixed probe text
 * is tokenized by the server (`POST /tokenize`, each kind with its documented body) and must give
 * the key tokenizer's ids, else an InputError names both. Token ids are what the watermark is
 * defined over, so scoring another vocabulary's ids would give a meaningless p-value.
 *
 * Long texts are cut into windows of `window` tokens overlapping by half (windowed-predictor.ts),
 * asked `concurrency` at a time; every answer is appended to a crash-safe cache
 * (prediction-cache.ts) so a rerun resumes, and `verify` can recompute the audit from it offline.
 */
import { InputError, IoError } from '@tracemark/errors';
import { type Tokenizer } from '@tracemark/tokenizers';
import { AbortedError, HttpStatusError, JsonClient, type JsonClientOptions } from './json-client.ts';
import { openPredictionCache, PREDICTION_CACHE_FORMAT } from './prediction-cache.ts';
import { readLlamaCppProbs } from './read-llama-cpp-probs.ts';
import { readVllmPromptLogprobs } from './read-vllm-prompt-logprobs.ts';
import { type AskWindow, type BatchedPredictor, createWindowedPredictor } from './windowed-predictor.ts';

export { type BatchedPredictor } from './windowed-predictor.ts';

export type EndpointKind = 'vllm' | 'llama-cpp';

/** Text every server must tokenize exactly as the key's tokenizer does: words, digits, punctuation, accents, CJK, an emoji, runs of spaces, tabs and newlines. */
export const TOKENIZER_PROBE_TEXT = 'Tokenizer check, 2026: the quick brown fox jumps over 13 lazy dogs — naïve café, 東京タワー, emoji 🙂!\n\tIndented  double  spaces;\n\nend.';

export interface EndpointPredictorOptions extends JsonClientOptions {
  /** The suspect's base URL, e.g. `http://127.0.0.1:8000/v1` or `http://127.0.0.1:8080`. */
  readonly endpoint: string;
  /** The model name the server serves (vLLM needs it; llama.cpp ignores it). */
  readonly model: string;
  readonly kind: EndpointKind | 'auto';
  /** The key's tokenizer: the server must agree with it. */
  readonly tokenizer: Tokenizer;
  /** Candidates per position. */
  readonly topK: number;
  /** Most tokens in one request's context; default 1024. */
  readonly window?: number;
  /** Windows asked at once; default 4 for vLLM, 1 for llama.cpp (raise it to the server's `--parallel` slots). */
  readonly concurrency?: number;
  /** Crash-safe cache of answers: a rerun with the same file resumes. */
  readonly cache?: string;
  readonly signal?: AbortSignal;
  /** Positions answered so far (cached ones included) out of all positions prepared. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface EndpointPredictor {
  readonly kind: EndpointKind;
  /** How the server was found to answer (`prompt_logprobs`, `echo` or `n_probs`). */
  readonly mode: 'prompt_logprobs' | 'echo' | 'n_probs';
  readonly predictor: BatchedPredictor;
  /** Requests sent and positions read from the cache so far. */
  stats(): { requests: number; cachedPositions: number };
}

/** The server's root (where `/tokenize`, `/props` and llama.cpp's `/completion` live): the URL without a trailing `/v1` or route. */
export function serverRoot(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new InputError(`--suspect-endpoint must be an http(s) URL, got "${endpoint}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`--suspect-endpoint must be an http(s) URL, got "${endpoint}"`);
  const path = url.pathname.replace(/\/+$/, '').replace(/\/(chat\/completions|completions|completion)$/, '').replace(/\/v1$/, '');
  return `${url.origin}${path}`;
}

function sameIds(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Connect, find the server's kind, check its tokenizer and open the cache.
 *
 * @throws InputError when the server's tokenizer differs from the key's, or for a bad URL or
 *   options; IoError (HttpStatusError, RetriesExhaustedError …) when the server cannot be used.
 */
export async function openEndpointPredictor(o: EndpointPredictorOptions): Promise<EndpointPredictor> {
  const window = o.window ?? 1024;
  if (!Number.isInteger(window) || window < 2) throw new InputError(`the window must be an integer ≥ 2 tokens, got ${window}`);
  if (o.concurrency !== undefined && (!Number.isInteger(o.concurrency) || o.concurrency < 1)) throw new InputError(`concurrency must be a positive integer, got ${o.concurrency}`);
  if (!Number.isInteger(o.topK) || o.topK < 1) throw new InputError(`top-k must be a positive integer, got ${o.topK}`);
  const root = serverRoot(o.endpoint);
  const client = new JsonClient(o);
  const kind = o.kind === 'auto' ? await detectKind(client, root, o.signal) : o.kind;
  await checkTokenizer(client, root, kind, o);
  const mode = kind === 'llama-cpp' ? 'n_probs' : await vllmMode(client, root, o);
  // llama.cpp keeps one prompt cache per slot: windows asked in parallel on a one-slot server would
  // evict each other's prefix and re-evaluate it on every request, so one at a time by default.
  const concurrency = o.concurrency ?? (kind === 'llama-cpp' ? 1 : 4);
  const identity = o.tokenizer.identity();
  const cache = o.cache
    ? await openPredictionCache(o.cache, {
        type: 'header',
        format: PREDICTION_CACHE_FORMAT,
        version: 1,
        endpoint: root,
        model: o.model,
        kind,
        topK: o.topK,
        window,
        tokenizer: { name: identity.name, hash: identity.hash },
      })
    : null;
  let requests = 0;
  const where = (s: string) => `${o.endpoint} (${kind}, ${s})`;

  /** One request for the window (vLLM), or one per position in order, each prompt extending the last (llama.cpp). */
  const ask: AskWindow = async (p, seg, record) => {
    if (kind === 'vllm') {
      const prompt = p.doc.subarray(seg.start, seg.to);
      const body = { model: o.model, prompt: Array.from(prompt), max_tokens: 1, temperature: 0, return_token_ids: true, ...(mode === 'prompt_logprobs' ? { prompt_logprobs: o.topK } : { echo: true, logprobs: o.topK, return_tokens_as_token_ids: true }) };
      requests++;
      const r = await client.request(`${root}/v1/completions`, body, o.signal);
      const all = readVllmPromptLogprobs(r.body, prompt, o.topK, where(`tokens ${seg.start}–${seg.to} of a forced text`));
      await record(seg.from, all.slice(seg.from - seg.start, seg.to - seg.start));
      return;
    }
    for (let pos = seg.from; pos < seg.to; pos++) {
      if (p.answers[pos]) continue;
      const body = { model: o.model, prompt: Array.from(p.doc.subarray(seg.start, pos)), n_predict: 1, n_probs: o.topK, cache_prompt: true, post_sampling_probs: false, temperature: 1, top_k: 0, top_p: 1, min_p: 0, seed: 0 };
      requests++;
      const r = await client.request(`${root}/completion`, body, o.signal);
      await record(pos, [readLlamaCppProbs(r.body, o.topK, where(`position ${pos} of a forced text`))]);
    }
  };
  const { predictor, cachedPositions } = createWindowedPredictor({
    topK: o.topK,
    window,
    concurrency,
    records: cache?.records ?? [],
    ...(cache ? { append: cache.append } : {}),
    ask,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });

  return {
    kind,
    mode,
    predictor,
    stats: () => ({ requests, cachedPositions: cachedPositions() }),
  };
}

/** llama.cpp answers `GET /props` with its `default_generation_settings`; vLLM and the gateway answer 404. */
async function detectKind(client: JsonClient, root: string, signal?: AbortSignal): Promise<EndpointKind> {
  try {
    const r = await client.request(`${root}/props`, null, signal);
    if (r.body.default_generation_settings !== undefined) return 'llama-cpp';
  } catch (e) {
    if (!(e instanceof HttpStatusError)) throw e;
  }
  return 'vllm';
}

/**
 * The probe text through the server's tokenizer: vLLM `POST /tokenize` `{model, prompt,
 * add_special_tokens: false}` → `{tokens, count, max_model_len}`; llama.cpp `POST /tokenize`
 * `{content, add_special: false, with_pieces: true}` → `{tokens: [{id, piece}]}` (or bare ids).
 * A vLLM-style server without `/tokenize` is asked through the completions echo instead.
 */
async function checkTokenizer(client: JsonClient, root: string, kind: EndpointKind, o: EndpointPredictorOptions): Promise<void> {
  const expected = o.tokenizer.encode(TOKENIZER_PROBE_TEXT);
  let got: number[];
  if (kind === 'llama-cpp') {
    const r = await client.request(`${root}/tokenize`, { model: o.model, content: TOKENIZER_PROBE_TEXT, add_special: false, with_pieces: true }, o.signal);
    got = idsOf(r.body.tokens, `${root}/tokenize`);
  } else {
    try {
      const r = await client.request(`${root}/tokenize`, { model: o.model, prompt: TOKENIZER_PROBE_TEXT, add_special_tokens: false }, o.signal);
      got = idsOf(r.body.tokens, `${root}/tokenize`);
    } catch (e) {
      if (!(e instanceof HttpStatusError && (e.status === 404 || e.status === 405))) throw e;
      const r = await client.request(`${root}/v1/completions`, { model: o.model, prompt: TOKENIZER_PROBE_TEXT, max_tokens: 1, echo: true, logprobs: 1, add_special_tokens: false, return_token_ids: true, return_tokens_as_token_ids: true }, o.signal);
      const choice = (r.body.choices as Record<string, unknown>[] | undefined)?.[0];
      const tokens = (choice?.logprobs as { tokens?: unknown } | undefined)?.tokens;
      if (Array.isArray(choice?.prompt_token_ids)) got = idsOf(choice.prompt_token_ids, `${root}/v1/completions prompt_token_ids`);
      else if (Array.isArray(tokens)) got = tokens.slice(0, -1).map((t) => Number(/^token_id:(\d+)$/.exec(String(t))?.[1] ?? NaN));
      else throw new IoError(`${root}: the server has no /tokenize and its completions echo returns no token ids, so its tokenizer cannot be checked against the key's`);
    }
  }
  if (sameIds(got, expected)) return;
  const identity = o.tokenizer.identity();
  let j = 0;
  while (j < got.length && j < expected.length && got[j] === expected[j]) j++;
  const piece = (id: number | undefined) => (id === undefined ? 'nothing' : `${id} ${JSON.stringify(safeDecode(o.tokenizer, id))}`);
  throw new InputError(
    `the suspect's tokenizer (model "${o.model}" at ${root}, ${kind}) is not the key's tokenizer ${identity.name} (${identity.hash.slice(0, 19)}…): ` +
      `a probe text is ${got.length} tokens on the server and ${expected.length} with ${identity.name}, first differing at token ${j} (server ${got[j] ?? 'nothing'}, ${identity.name} ${piece(expected[j])}). ` +
      `The watermark is defined over ${identity.name} ids; audit this suspect with a key made for its tokenizer.`,
  );
}

function safeDecode(tokenizer: Tokenizer, id: number): string {
  try {
    return tokenizer.decode([id]);
  } catch {
    return '?';
  }
}

function idsOf(tokens: unknown, where: string): number[] {
  if (!Array.isArray(tokens)) throw new IoError(`${where}: the answer has no "tokens" array`);
  return tokens.map((t, i) => {
    const id = typeof t === 'number' ? t : t !== null && typeof t === 'object' ? (t as { id?: unknown }).id : undefined;
    if (typeof id !== 'number' || !Number.isInteger(id)) throw new IoError(`${where}: tokens[${i}] is not a token id`);
    return id;
  });
}

/** One small request decides whether the server returns `prompt_logprobs` (leaner) or only the echo. */
async function vllmMode(client: JsonClient, root: string, o: EndpointPredictorOptions): Promise<'prompt_logprobs' | 'echo'> {
  const prompt = o.tokenizer.encode(TOKENIZER_PROBE_TEXT).subarray(0, 8);
  const body = { model: o.model, prompt: Array.from(prompt), max_tokens: 1, temperature: 0, echo: true, logprobs: o.topK, prompt_logprobs: o.topK, return_token_ids: true, return_tokens_as_token_ids: true };
  let r;
  try {
    r = await client.request(`${root}/v1/completions`, body, o.signal);
  } catch (e) {
    if (e instanceof AbortedError) throw e;
    if (e instanceof HttpStatusError && (e.status === 400 || e.status === 422)) {
      throw new IoError(`${root}/v1/completions refused a prompt log-probability request (${e.message}); the server must support echo with logprobs (vLLM), or pass --suspect-endpoint-kind llama-cpp for a llama.cpp server`);
    }
    throw e;
  }
  const choice = (r.body.choices as Record<string, unknown>[] | undefined)?.[0];
  // Parse it fully once, so a server that answers in an unusable shape fails here, before the run.
  readVllmPromptLogprobs(r.body, prompt, o.topK, `${root}/v1/completions`);
  return Array.isArray(choice?.prompt_logprobs) ? 'prompt_logprobs' : 'echo';
}
