/**
 * A completion from an authenticated request to its last byte: prepare (read and check), then the
 * account's rate limit (429 + Retry-After), then a generation slot (503 when the queue is full),
 * then generation. The tokens reserved for `max_tokens` but not generated are refunded whatever
 * happens.
 */
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { ApiError } from './api-error.ts';
import { type AccountConfig } from './config.ts';
import { type GatewayState } from './gateway-state.ts';
import { type Endpoint } from './parse-request.ts';
import { prepareCompletion } from './prepare-completion.ts';
import { type CompletionProgress } from './run-completion.ts';
import { serveCompletion } from './serve-completion.ts';

export async function completeRequest(state: GatewayState, req: IncomingMessage, res: ServerResponse, endpoint: Endpoint, account: AccountConfig, requestId: string, abort: AbortController): Promise<void> {
  const prep = await prepareCompletion(req, endpoint, state.models, state.config.limits);
  const reserve = prep.promptTokens.length + prep.maxTokens;
  const decision = state.limiter.take(account.name, account.rateLimit, reserve);
  const rateHeaders = { 'x-ratelimit-remaining-requests': String(decision.remainingRequests), 'x-ratelimit-remaining-tokens': String(decision.remainingTokens) };
  if (!decision.ok) {
    throw new ApiError(429, `Rate limit reached for account ${account.name}: ${account.rateLimit.requestsPerMinute} requests and ${account.rateLimit.tokensPerMinute} tokens per minute. Try again in ${decision.retryAfterSeconds} s.`, 'rate_limit_error', 'rate_limit_exceeded', null, { 'retry-after': String(decision.retryAfterSeconds), ...rateHeaders });
  }
  const progress: CompletionProgress = { content: '', reasoning: null, completionTokens: 0, reasoningTokens: 0, finishReason: null };
  try {
    const release = await state.slots.acquire(abort.signal);
    if (release === null) throw new ApiError(503, 'The gateway is at capacity; retry shortly.', 'server_error', 'server_overloaded', null, { 'retry-after': '1' });
    try {
      await serveCompletion(state, res, prep, account, requestId, progress, abort, rateHeaders);
    } finally {
      release();
    }
  } finally {
    state.limiter.refund(account.name, prep.maxTokens - progress.completionTokens);
  }
}
