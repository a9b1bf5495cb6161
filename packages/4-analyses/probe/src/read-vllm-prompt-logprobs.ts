/**
 * Prompt-token log-probabilities from a vLLM-style OpenAI *completions* answer, per position: the
 * model's top-k next tokens after `prompt[0..j)` for every j ≥ 1. Two documented shapes carry them
 * (vLLM `vllm/entrypoints/openai/completion/protocol.py`, `CompletionResponseChoice` and
 * `CompletionLogProbs`; `serving.py`, `_create_completion_logprobs`):
 *
 * - `choices[0].prompt_logprobs` (vLLM's extension, request field `prompt_logprobs: k`): a list with
 *   one entry per prompt token, `null` for the first, else an object keyed by token id whose values
 *   are `{logprob, rank, decoded_token}`; it holds the top k plus the prompt token itself.
 * - `choices[0].logprobs` (OpenAI's `echo: true` with `logprobs: k`): `tokens`, `token_logprobs`,
 *   `top_logprobs` (objects token → logprob, the prompt token's included, so up to k + 1 keys) and
 *   `text_offset`, the prompt first, then any generated token. Keys are token *strings* unless the
 *   request sets `return_tokens_as_token_ids: true`, which writes them as `token_id:<id>`; strings
 *   cannot be mapped back to ids exactly (two ids can decode to the same text), so they are refused.
 *
 * `choices[0].prompt_token_ids` (request field `return_token_ids: true`), when present, must equal
 * the prompt that was sent, so an answer can never be attributed to the wrong positions.
 */
import { IoError } from '@tracemark/errors';
import { type Candidates, NO_CANDIDATES, topCandidates } from './_top-candidates.ts';

const TOKEN_ID = /^token_id:(\d+)$/;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The top-`k` candidates at each position of `prompt` (index 0: none), read from `body`.
 *
 * @throws IoError naming `where` when the answer has no prompt log-probabilities, is about other
 *   tokens than `prompt`, or uses token strings instead of ids.
 */
export function readVllmPromptLogprobs(body: Json, prompt: Uint32Array, k: number, where: string): Candidates[] {
  const choice = Array.isArray(body.choices) && isObject(body.choices[0]) ? body.choices[0] : null;
  if (!choice) throw new IoError(`${where}: the answer has no choices[0]`);
  const echoed = choice.prompt_token_ids;
  if (Array.isArray(echoed) && (echoed.length !== prompt.length || echoed.some((id, j) => id !== prompt[j]))) {
    throw new IoError(`${where}: the server evaluated other tokens than were sent (prompt_token_ids has ${echoed.length} ids, ${prompt.length} were sent${echoed.length === prompt.length + 1 ? '; it looks like it added a BOS token' : ''})`);
  }
  if (Array.isArray(choice.prompt_logprobs)) return fromPromptLogprobs(choice.prompt_logprobs, prompt, k, where);
  const lp = choice.logprobs;
  if (isObject(lp) && Array.isArray(lp.top_logprobs)) return fromEcho(lp, prompt, k, where);
  throw new IoError(`${where}: the answer carries no prompt log-probabilities (neither choices[0].prompt_logprobs nor choices[0].logprobs.top_logprobs); the server does not support echo with logprobs`);
}

function fromPromptLogprobs(entries: unknown[], prompt: Uint32Array, k: number, where: string): Candidates[] {
  if (entries.length < prompt.length) throw new IoError(`${where}: prompt_logprobs has ${entries.length} entries for a prompt of ${prompt.length} tokens`);
  const out: Candidates[] = [NO_CANDIDATES];
  for (let j = 1; j < prompt.length; j++) {
    const e = entries[j];
    if (!isObject(e)) throw new IoError(`${where}: prompt_logprobs[${j}] is not an object keyed by token id`);
    // vLLM always lists the prompt token itself: its absence means the positions are misaligned (an added BOS, say).
    if (!(String(prompt[j]) in e)) throw new IoError(`${where}: prompt_logprobs[${j}] does not list token ${prompt[j]}, which was sent there; the answer is not aligned with the prompt`);
    const pairs: [number, number][] = [];
    for (const [id, v] of Object.entries(e)) {
      // vLLM serialises a `Logprob` as {logprob, rank, decoded_token}; a bare number is accepted too.
      const logprob = isObject(v) ? v.logprob : v;
      if (typeof logprob !== 'number') throw new IoError(`${where}: prompt_logprobs[${j}]["${id}"] has no numeric logprob`);
      if (!/^\d+$/.test(id)) throw new IoError(`${where}: prompt_logprobs[${j}] has key "${id}", not a token id`);
      pairs.push([Number(id), logprob]);
    }
    out.push(topCandidates(pairs, k, `${where}: prompt_logprobs[${j}]`));
  }
  return out;
}

function fromEcho(lp: Json, prompt: Uint32Array, k: number, where: string): Candidates[] {
  const top = lp.top_logprobs as unknown[];
  const tokens = Array.isArray(lp.tokens) ? lp.tokens : null;
  if (top.length < prompt.length) throw new IoError(`${where}: logprobs.top_logprobs has ${top.length} entries for a prompt of ${prompt.length} tokens (was echo honoured?)`);
  const idOf = (s: unknown, field: string): number => {
    const m = typeof s === 'string' ? TOKEN_ID.exec(s) : null;
    if (!m) throw new IoError(`${where}: ${field} is ${JSON.stringify(s)}, a token string, not "token_id:<id>"; the server ignored return_tokens_as_token_ids and strings cannot be mapped back to ids exactly`);
    return Number(m[1]);
  };
  if (tokens) for (let j = 0; j < prompt.length; j++) if (idOf(tokens[j], `logprobs.tokens[${j}]`) !== prompt[j]) throw new IoError(`${where}: logprobs.tokens[${j}] is ${String(tokens[j])}, but token ${prompt[j]} was sent there`);
  const out: Candidates[] = [NO_CANDIDATES];
  for (let j = 1; j < prompt.length; j++) {
    const e = top[j];
    if (!isObject(e)) throw new IoError(`${where}: logprobs.top_logprobs[${j}] is not an object`);
    const pairs = Object.entries(e).map(([t, v]): [number, number] => {
      if (typeof v !== 'number') throw new IoError(`${where}: logprobs.top_logprobs[${j}]["${t}"] is not a number`);
      return [idOf(t, `a key of logprobs.top_logprobs[${j}]`), v];
    });
    out.push(topCandidates(pairs, k, `${where}: logprobs.top_logprobs[${j}]`));
  }
  return out;
}
