/**
 * Request bodies of `POST /v1/chat/completions` and `POST /v1/completions`, validated into one
 * typed object with OpenAI's parameter names, ranges and defaults. Every refusal is a 400 naming
 * the parameter. Parameters a client library routinely sends but that change nothing here
 * (`user`, `metadata`, `store`, `service_tier`, …) are accepted; parameters whose meaning the
 * gateway cannot honour (`n` > 1, penalties, tools, …) are refused rather than ignored, so a
 * client never receives something other than what it asked for; unknown ones are refused as OpenAI
 * does ("Unrecognized request argument supplied").
 *
 * `/v1/completions` also takes what vLLM takes for prompt log-probabilities (vLLM
 * `entrypoints/openai/completion/protocol.py`, `CompletionRequest`): `echo`, `max_tokens: 0` with
 * echo, `logprobs` up to 20 (vLLM's default `--max-logprobs`), a prompt of token ids, and the
 * extensions `prompt_logprobs`, `return_tokens_as_token_ids`, `return_token_ids`,
 * `add_special_tokens`.
 */
import { invalidParam } from './api-error.ts';
import { type ChatMessage } from './chat-template.ts';

export type Endpoint = 'chat.completions' | 'completions';

export interface CompletionParams {
  readonly endpoint: Endpoint;
  readonly model: string;
  /** Chat only. */
  readonly messages: readonly ChatMessage[] | null;
  /** Completions only: the prompt as text, or (`promptIds`) as token ids. */
  readonly prompt: string | null;
  readonly promptIds: Uint32Array | null;
  /** Completions only: return the prompt, with its log-probabilities when `topLogprobs` ≥ 0. */
  readonly echo: boolean;
  /** vLLM's `prompt_logprobs`: top alternatives per prompt position, null when not asked. */
  readonly promptLogprobs: number | null;
  /** vLLM's `return_tokens_as_token_ids`: tokens written `token_id:<id>`. */
  readonly tokensAsIds: boolean;
  /** vLLM's `return_token_ids`: the choice carries `prompt_token_ids`. */
  readonly returnTokenIds: boolean;
  /** null: the endpoint's default (chat: the gateway's limit; completions: 16, as OpenAI). */
  readonly maxTokens: number | null;
  readonly temperature: number;
  readonly topP: number;
  readonly seed: number | null;
  readonly stop: readonly string[];
  readonly stream: boolean;
  readonly includeUsage: boolean;
  /** Report log-probabilities: -1 no; otherwise how many alternatives per token. */
  readonly topLogprobs: number;
}

const COMMON = ['model', 'max_tokens', 'temperature', 'top_p', 'seed', 'stop', 'stream', 'stream_options', 'n', 'presence_penalty', 'frequency_penalty', 'logit_bias', 'user', 'metadata', 'store', 'service_tier'];
const CHAT = [...COMMON, 'messages', 'max_completion_tokens', 'logprobs', 'top_logprobs', 'response_format', 'tools', 'tool_choice', 'functions', 'function_call', 'parallel_tool_calls', 'reasoning_effort', 'modalities'];
const COMPLETIONS = [...COMMON, 'prompt', 'logprobs', 'echo', 'suffix', 'best_of', 'prompt_logprobs', 'return_tokens_as_token_ids', 'return_token_ids', 'add_special_tokens'];

type Body = Record<string, unknown>;

const isAbsent = (v: unknown): v is undefined | null => v === undefined || v === null;

function num(body: Body, name: string, min: number, max: number, fallback: number): number {
  const v = body[name];
  if (isAbsent(v)) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw invalidParam(name, `${name} must be a number between ${min} and ${max}, got ${JSON.stringify(v)}`);
  return v;
}

function int(body: Body, name: string, min: number, max: number): number | null {
  const v = body[name];
  if (isAbsent(v)) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw invalidParam(name, `${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(v)}`);
  return v;
}

function bool(body: Body, name: string): boolean {
  const v = body[name];
  if (isAbsent(v)) return false;
  if (typeof v !== 'boolean') throw invalidParam(name, `${name} must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

function unsupported(name: string, what: string): never {
  throw invalidParam(name, `${name}: ${what} is not supported by this gateway`, 'unsupported_parameter');
}

function messageContent(v: unknown, i: number, role: string): string {
  const param = `messages[${i}].content`;
  if (typeof v === 'string') return v;
  if (v === null && role === 'assistant') return '';
  if (Array.isArray(v)) {
    return v
      .map((part, j) => {
        if (part === null || typeof part !== 'object' || (part as Body).type !== 'text' || typeof (part as Body).text !== 'string') {
          throw invalidParam(`${param}[${j}]`, `${param}[${j}] must be a text part {"type": "text", "text": "…"} (images, audio and files are not supported)`);
        }
        return (part as Body).text as string;
      })
      .join('');
  }
  throw invalidParam(param, `${param} must be a string or an array of text parts`);
}

function parseMessages(v: unknown): ChatMessage[] {
  if (!Array.isArray(v) || v.length === 0) throw invalidParam('messages', 'messages must be a non-empty array');
  return v.map((m, i) => {
    if (m === null || typeof m !== 'object' || Array.isArray(m)) throw invalidParam(`messages[${i}]`, `messages[${i}] must be an object with "role" and "content"`);
    const { role, content } = m as Body;
    if (role === 'tool' || role === 'function') unsupported(`messages[${i}].role`, `role "${role}" (tool calls)`);
    if (role !== 'system' && role !== 'developer' && role !== 'user' && role !== 'assistant') {
      throw invalidParam(`messages[${i}].role`, `messages[${i}].role must be one of system, developer, user, assistant, got ${JSON.stringify(role)}`);
    }
    return { role, content: messageContent(content, i, role) };
  });
}

/**
 * Validate a parsed JSON body for `endpoint`. `maxTokensLimit` is the gateway's ceiling on
 * `max_tokens`.
 *
 * @throws ApiError 400 naming the parameter.
 */
export function parseCompletionRequest(endpoint: Endpoint, body: unknown, maxTokensLimit: number): CompletionParams {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidParam(null, 'the request body must be a JSON object');
  const b = body as Body;
  const allowed = endpoint === 'chat.completions' ? CHAT : COMPLETIONS;
  for (const k of Object.keys(b)) if (!allowed.includes(k)) throw invalidParam(k, `Unrecognized request argument supplied: ${k}`, 'unknown_parameter');

  if (typeof b.model !== 'string' || b.model.length === 0) throw invalidParam('model', 'model must be a non-empty string (see GET /v1/models)');

  // max_tokens 0 means "score the prompt, generate nothing", which only echo makes meaningful (vLLM).
  let maxTokens = int(b, 'max_tokens', endpoint === 'completions' && b.echo === true ? 0 : 1, Number.MAX_SAFE_INTEGER);
  if (endpoint === 'chat.completions') {
    const mct = int(b, 'max_completion_tokens', 1, Number.MAX_SAFE_INTEGER);
    if (mct !== null && maxTokens !== null && mct !== maxTokens) throw invalidParam('max_completion_tokens', 'max_tokens and max_completion_tokens disagree; send one of them');
    maxTokens = mct ?? maxTokens;
  }
  if (maxTokens !== null && maxTokens > maxTokensLimit) {
    throw invalidParam(endpoint === 'chat.completions' && !isAbsent(b.max_completion_tokens) ? 'max_completion_tokens' : 'max_tokens', `max_tokens is too large: ${maxTokens}. This gateway allows at most ${maxTokensLimit} completion tokens per request.`);
  }

  const temperature = num(b, 'temperature', 0, 2, 1);
  // top_p = 0 is allowed by the API: keep only the single most likely token.
  const topP = Math.max(num(b, 'top_p', 0, 1, 1), Number.MIN_VALUE);
  const seed = int(b, 'seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);

  let stop: string[] = [];
  if (typeof b.stop === 'string') stop = [b.stop];
  else if (Array.isArray(b.stop)) stop = b.stop as string[];
  else if (!isAbsent(b.stop)) throw invalidParam('stop', 'stop must be a string or an array of up to 4 strings');
  if (stop.length > 4 || stop.some((s) => typeof s !== 'string' || s.length === 0)) throw invalidParam('stop', 'stop must be a string or an array of up to 4 non-empty strings');

  const stream = bool(b, 'stream');
  let includeUsage = false;
  if (!isAbsent(b.stream_options)) {
    if (!stream) throw invalidParam('stream_options', 'stream_options is only allowed when stream is true');
    const so = b.stream_options as Body;
    if (typeof so !== 'object' || Array.isArray(so)) throw invalidParam('stream_options', 'stream_options must be an object');
    for (const k of Object.keys(so)) if (k !== 'include_usage') throw invalidParam(`stream_options.${k}`, `Unrecognized stream option: ${k}`, 'unknown_parameter');
    includeUsage = bool(so, 'include_usage');
  }

  if (!isAbsent(b.n) && b.n !== 1) unsupported('n', 'more than one choice per request');
  for (const p of ['presence_penalty', 'frequency_penalty']) {
    const v = num(b, p, -2, 2, 0);
    if (v !== 0) unsupported(p, 'a non-zero penalty');
  }
  if (!isAbsent(b.logit_bias) && (typeof b.logit_bias !== 'object' || Object.keys(b.logit_bias).length > 0)) unsupported('logit_bias', 'logit_bias');
  if (!isAbsent(b.user) && typeof b.user !== 'string') throw invalidParam('user', 'user must be a string');

  let topLogprobs = -1;
  let messages: ChatMessage[] | null = null;
  let prompt: string | null = null;
  let promptIds: Uint32Array | null = null;
  let echo = false;
  let promptLogprobs: number | null = null;
  let tokensAsIds = false;
  let returnTokenIds = false;
  if (endpoint === 'chat.completions') {
    messages = parseMessages(b.messages);
    const lp = bool(b, 'logprobs');
    const top = int(b, 'top_logprobs', 0, 20);
    if (top !== null && !lp) throw invalidParam('top_logprobs', 'top_logprobs requires logprobs to be true');
    topLogprobs = lp ? (top ?? 0) : -1;
    if (!isAbsent(b.response_format)) {
      const rf = b.response_format as Body;
      if (typeof rf !== 'object' || rf.type !== 'text') unsupported('response_format', 'a response_format other than {"type": "text"}');
    }
    for (const p of ['tools', 'functions']) if (!isAbsent(b[p]) && !(Array.isArray(b[p]) && (b[p] as unknown[]).length === 0)) unsupported(p, 'tool calling');
    for (const p of ['tool_choice', 'function_call']) if (!isAbsent(b[p]) && b[p] !== 'none' && b[p] !== 'auto') unsupported(p, 'forced tool calls');
    if (!isAbsent(b.modalities) && !(Array.isArray(b.modalities) && b.modalities.every((m) => m === 'text'))) unsupported('modalities', 'output other than text');
  } else {
    const p = b.prompt;
    if (typeof p === 'string') prompt = p;
    else if (Array.isArray(p) && p.length === 1 && typeof p[0] === 'string') prompt = p[0];
    else if (Array.isArray(p) && p.length > 0 && p.every((t) => Number.isInteger(t) && t >= 0 && t <= 0xffffffff)) promptIds = Uint32Array.from(p as number[]);
    else if (Array.isArray(p) && p.length > 1 && p.every((t) => typeof t === 'string' || Array.isArray(t))) unsupported('prompt', 'more than one prompt per request');
    else throw invalidParam('prompt', 'prompt must be a string or a non-empty array of token ids');
    const lp = int(b, 'logprobs', 0, 20);
    topLogprobs = lp ?? -1;
    echo = bool(b, 'echo');
    if (echo && stream) unsupported('echo', 'echo with stream');
    promptLogprobs = int(b, 'prompt_logprobs', 0, 20);
    if (promptLogprobs !== null && stream) unsupported('prompt_logprobs', 'prompt_logprobs with stream');
    tokensAsIds = bool(b, 'return_tokens_as_token_ids');
    returnTokenIds = bool(b, 'return_token_ids');
    // Text prompts are encoded without added special tokens either way (the models here add none).
    bool(b, 'add_special_tokens');
    if (!isAbsent(b.suffix) && b.suffix !== '') unsupported('suffix', 'suffix (insertion)');
    if (!isAbsent(b.best_of) && b.best_of !== 1) unsupported('best_of', 'best_of > 1');
  }

  return { endpoint, model: b.model, messages, prompt, promptIds, echo, promptLogprobs, tokensAsIds, returnTokenIds, maxTokens, temperature, topP, seed, stop, stream, includeUsage, topLogprobs };
}
