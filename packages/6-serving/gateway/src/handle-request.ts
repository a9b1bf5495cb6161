/**
 * One HTTP request, in the order of its checks: route (404/405) → API key (401) → shutting down
 * (503) → the account's request budget (429, before the body is read: refused requests count too)
 * → the models routes, or a completion. Every failure becomes OpenAI's error envelope; an
 * error nobody anticipated is a 500 that names the request id and goes to `onInternalError`, never
 * a stack trace to the client. The access log gets one entry when the response ends.
 */
import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { bearerToken } from './accounts.ts';
import { ApiError } from './api-error.ts';
import { completeRequest } from './complete-request.ts';
import { type AccountConfig } from './config.ts';
import { type ExchangeNote, type GatewayState } from './gateway-state.ts';
import { ClientGone } from './interruptions.ts';
import { type ServedModel } from './load-models.ts';
import { type Endpoint } from './parse-request.ts';
import { recordExchange } from './record-exchange.ts';
import { scoreRequest } from './score-request.ts';
import { sendError, sendJson } from './send-json.ts';

type Route = 'models' | 'model' | Endpoint | 'tokenize' | 'completion';

function newId(prefix: string): string {
  return `${prefix}-${randomBytes(12).toString('hex')}`;
}

function routeOf(path: string): Route | null {
  if (path === '/v1/models') return 'models';
  if (path.startsWith('/v1/models/')) return 'model';
  if (path === '/v1/chat/completions') return 'chat.completions';
  if (path === '/v1/completions') return 'completions';
  // llama.cpp's native routes (and vLLM's /tokenize), served for prompt log-probabilities: llama-cpp-routes.ts.
  if (path === '/tokenize') return 'tokenize';
  if (path === '/completion') return 'completion';
  return null;
}

/** The path segment after `/v1/models/`, percent-decoded; 400 (not a URIError and a 500) when the encoding is malformed. */
function modelIdOf(path: string): string {
  const raw = path.slice('/v1/models/'.length);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ApiError(400, `Malformed percent-encoding in the request URL: ${JSON.stringify(raw)}.`, 'invalid_request_error', 'invalid_url');
  }
}

/** 429 when the account has spent its request budget; taken before the body is read. */
function admitRequest(state: GatewayState, req: IncomingMessage, res: ServerResponse, account: AccountConfig): void {
  const d = state.limiter.admit(account.name, account.rateLimit);
  if (d.ok) return;
  // Do not read (or make the client finish sending) a body that will not be used.
  if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) res.setHeader('connection', 'close');
  throw new ApiError(
    429,
    `Rate limit reached for account ${account.name}: ${account.rateLimit.requestsPerMinute} requests per minute (refused requests count too). Try again in ${d.retryAfterSeconds} s.`,
    'rate_limit_error',
    'rate_limit_exceeded',
    null,
    { 'retry-after': String(d.retryAfterSeconds), 'x-ratelimit-remaining-requests': String(d.remainingRequests), 'x-ratelimit-remaining-tokens': String(d.remainingTokens) },
  );
}

function modelObject(state: GatewayState, m: ServedModel): Record<string, unknown> {
  return { id: m.config.id, object: 'model', created: state.created, owned_by: m.backend.ownedBy };
}

/** Route, authenticate and answer; resolves once the answer is sent (or the client is gone). */
async function dispatch(state: GatewayState, req: IncomingMessage, res: ServerResponse, path: string, requestId: string, abort: AbortController, note: ExchangeNote, setAccount: (a: AccountConfig) => void): Promise<void> {
  const method = req.method ?? 'GET';
  if (path === '/healthz' || path === '/health') {
    if (method !== 'GET') throw new ApiError(405, `Method ${method} not allowed on ${path}`, 'invalid_request_error', 'method_not_allowed');
    sendJson(res, state.closing ? 503 : 200, { status: state.closing ? 'shutting down' : 'ok' });
    return;
  }
  const route = routeOf(path);
  if (route === null) throw new ApiError(404, `Unknown request URL: ${method} ${path}.`, 'invalid_request_error', 'unknown_url');
  const wanted = route === 'models' || route === 'model' ? 'GET' : 'POST';
  if (method !== wanted) throw new ApiError(405, `Method ${method} not allowed on ${path}; use ${wanted}.`, 'invalid_request_error', 'method_not_allowed', null, { allow: wanted });
  const account = state.accounts.authenticate(bearerToken(req.headers.authorization));
  if (account === null) {
    throw new ApiError(401, req.headers.authorization ? 'Incorrect API key provided.' : "You didn't provide an API key: send it as 'Authorization: Bearer YOUR_KEY'.", 'authentication_error', 'invalid_api_key');
  }
  setAccount(account);
  if (state.closing) throw new ApiError(503, 'The gateway is shutting down.', 'server_error', 'shutting_down', null, { 'retry-after': '1' });
  // Traffic the lab asked to record is not served unrecorded.
  if (state.exchanges?.failed) throw new ApiError(503, 'The exchange log is unavailable, so no request can be served.', 'server_error', 'exchange_log_unavailable');
  admitRequest(state, req, res, account);
  if (route === 'models') {
    sendJson(res, 200, { object: 'list', data: [...state.models.values()].map((m) => modelObject(state, m)) });
    return;
  }
  if (route === 'model') {
    const id = modelIdOf(path);
    const m = state.models.get(id);
    if (!m) throw new ApiError(404, `The model '${id}' does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found', 'model');
    sendJson(res, 200, modelObject(state, m));
    return;
  }
  if (route === 'tokenize' || route === 'completion') {
    await scoreRequest(state, req, res, route, account, abort, note);
    return;
  }
  await completeRequest(state, req, res, route, account, requestId, abort, note);
}

/** Handle one request on `state`'s gateway. Never rejects. */
export async function handleRequest(state: GatewayState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const arrived = new Date();
  const note: ExchangeNote = { request: null, response: null, keyId: null };
  const path = (req.url ?? '/').split('?')[0]!;
  // A completion's id is its response id (and the receipt's requestId), so the access log, the
  // client's `x-request-id` and the receipt log can be joined on it.
  const requestId = newId(path === '/v1/chat/completions' ? 'chatcmpl' : path === '/v1/completions' ? 'cmpl' : 'req');
  res.setHeader('x-request-id', requestId);
  let account: AccountConfig | null = null;
  let errorCode: string | undefined;
  const abort = new AbortController();
  state.inFlight.add(abort);
  res.once('close', () => {
    if (!res.writableFinished) abort.abort(new ClientGone('client closed the connection'));
    state.inFlight.delete(abort);
    if (account !== null) recordExchange(state, req, res, account, note, arrived, path, requestId);
    state.options.accessLog?.({ time: new Date().toISOString(), requestId, method: req.method ?? '', path: req.url ?? '', status: res.statusCode, account: account?.name ?? null, ms: Math.round(performance.now() - started), ...(errorCode ? { error: errorCode } : {}) });
    if (state.closing && state.inFlight.size === 0) state.drained?.();
  });
  if (state.closing) res.setHeader('connection', 'close');
  try {
    await dispatch(state, req, res, path, requestId, abort, note, (a) => (account = a));
  } catch (e) {
    if (e instanceof ClientGone || (abort.signal.aborted && abort.signal.reason instanceof ClientGone)) {
      errorCode = 'client_gone';
      return;
    }
    let err: ApiError;
    if (e instanceof ApiError) err = e;
    else {
      state.onInternalError(e, requestId);
      err = new ApiError(500, `The gateway had an internal error (request ${requestId}).`, 'server_error', 'internal_error');
    }
    errorCode = err.code ?? err.type;
    // A refused body may still be arriving: do not keep reading it on a kept-alive socket.
    if (err.status === 413) res.setHeader('connection', 'close');
    sendError(res, err);
  }
}
