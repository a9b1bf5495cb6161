/**
 * A completion from an admitted request (its account's request budget already paid) to its last
 * byte: prepare (read and check), then the account's token budget (429 + Retry-After, or 400 when
 * prompt + max_tokens exceeds what the bucket can ever hold), then a generation slot (503 when the
 * queue is full), then generation. The tokens reserved for `max_tokens` but not generated are
 * refunded whatever happens.
 */
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { ApiError, invalidParam } from './api-error.ts';
import { type AccountConfig } from './config.ts';
import { type ExchangeNote, type GatewayState } from './gateway-state.ts';
import { type Endpoint } from './parse-request.ts';
import { prepareCompletion } from './prepare-completion.ts';
import { type CompletionProgress } from './run-completion.ts';
import { serveCompletion } from './serve-completion.ts';

export async function completeRequest(state: GatewayState, req: IncomingMessage, res: ServerResponse, endpoint: Endpoint, account: AccountConfig, requestId: string, abort: AbortController, note: ExchangeNote): Promise<void> {
  const prep = await prepareCompletion(req, endpoint, state.models, state.config.limits, (body) => (note.request = body));
  const reserve = prep.promptTokens.length + prep.maxTokens;
  const decision = state.limiter.reserve(account.name, account.rateLimit, reserve);
  const rateHeaders = { 'x-ratelimit-remaining-requests': String(decision.remainingRequests), 'x-ratelimit-remaining-tokens': String(decision.remainingTokens) };
  const limit = account.rateLimit;
  if (decision.impossible) {
    throw invalidParam(
      'max_tokens',
      `This request needs ${reserve} tokens (prompt ${prep.promptTokens.length} + max_tokens ${prep.maxTokens}), more than account ${account.name}'s token budget can ever hold (${limit.burstTokens} at once, ${limit.tokensPerMinute} per minute). Lower max_tokens or shorten the prompt.`,
      'request_exceeds_token_budget',
    );
  }
  if (!decision.ok) {
    throw new ApiError(429, `Rate limit reached for account ${account.name}: ${limit.tokensPerMinute} tokens per minute. Try again in ${decision.retryAfterSeconds} s.`, 'rate_limit_error', 'rate_limit_exceeded', null, { 'retry-after': String(decision.retryAfterSeconds), ...rateHeaders });
  }
  const progress: CompletionProgress = { content: '', reasoning: null, completionTokens: 0, reasoningTokens: 0, finishReason: null };
  try {
    const release = await state.slots.acquire(abort.signal);
    if (release === null) throw new ApiError(503, 'The gateway is at capacity; retry shortly.', 'server_error', 'server_overloaded', null, { 'retry-after': '1' });
    try {
      await serveCompletion(state, res, prep, account, requestId, progress, abort, rateHeaders, note);
    } finally {
      release();
    }
  } finally {
    state.limiter.refund(account.name, prep.maxTokens - progress.completionTokens);
  }
}
