/**
 * llama.cpp-style `POST /tokenize` and `POST /completion` (llama-cpp-routes.ts) for an admitted
 * request: the body read and checked like a completion's, then — for `/completion` — the account's
 * token budget for the prompt and a generation slot, exactly as a completion gets them.
 */
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { ApiError, invalidParam } from './api-error.ts';
import { type AccountConfig } from './config.ts';
import { type ExchangeNote, type GatewayState } from './gateway-state.ts';
import { completionAnswer, completionPrompt, pickModel, tokenizeAnswer } from './llama-cpp-routes.ts';
import { readBody } from './read-body.ts';
import { sendJson } from './send-json.ts';

export async function scoreRequest(state: GatewayState, req: IncomingMessage, res: ServerResponse, route: 'tokenize' | 'completion', account: AccountConfig, abort: AbortController, note: ExchangeNote): Promise<void> {
  const { limits } = state.config;
  let body: unknown;
  try {
    body = JSON.parse((await readBody(req, limits.maxBodyBytes)).toString('utf8'));
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    throw invalidParam(null, `We could not parse the JSON body of your request. (${e.message})`, 'invalid_json');
  }
  note.request = body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidParam(null, 'the request body must be a JSON object');
  const b = body as Record<string, unknown>;
  if (route === 'tokenize') {
    sendJson(res, 200, tokenizeAnswer(b, state.models, limits.maxPromptTokens));
    return;
  }
  const model = pickModel(b, state.models);
  const ids = completionPrompt(b, model);
  if (ids.length > limits.maxPromptTokens) throw invalidParam('prompt', `The prompt is ${ids.length} tokens; this gateway accepts at most ${limits.maxPromptTokens}.`, 'context_length_exceeded');
  const decision = state.limiter.reserve(account.name, account.rateLimit, ids.length);
  if (decision.impossible) throw invalidParam('prompt', `The prompt (${ids.length} tokens) is more than account ${account.name}'s token budget can ever hold.`, 'request_exceeds_token_budget');
  if (!decision.ok) {
    throw new ApiError(429, `Rate limit reached for account ${account.name}: ${account.rateLimit.tokensPerMinute} tokens per minute. Try again in ${decision.retryAfterSeconds} s.`, 'rate_limit_error', 'rate_limit_exceeded', null, { 'retry-after': String(decision.retryAfterSeconds) });
  }
  const release = await state.slots.acquire(abort.signal);
  if (release === null) throw new ApiError(503, 'The gateway is at capacity; retry shortly.', 'server_error', 'server_overloaded', null, { 'retry-after': '1' });
  try {
    const answer = await completionAnswer(b, model, ids, abort.signal);
    note.response = answer;
    sendJson(res, 200, answer);
  } finally {
    release();
  }
}
