/**
 * The gateway's HTTP server on `node:http`: OpenAI-compatible routes, authentication, limits,
 * watermarked generation and receipts. `node:http` rather than a framework: five routes do not
 * need a router, and every protection that matters here (header and request deadlines, body cap,
 * connection cap, graceful close) is a documented option of Node's own server, so there is no
 * middleware whose defaults could silently undo one.
 *
 * Order of checks for a completion: route (404/405) → API key (401) → body size (413) → JSON
 * (400) → parameters (400) → model (404) → prompt length (400) → rate limit (429 + Retry-After)
 * → concurrency (503 when the queue is full) → generation → receipt (fsync'd) → last byte.
 *
 * Slow clients: `headersTimeout` and `requestTimeout` (checked every `connectionsCheckingInterval`)
 * close a connection that dribbles its headers or body (slowloris); `keepAliveTimeout` closes idle
 * sockets; `maxConnections` caps sockets; a generation runs at most `generationTimeoutMs`.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { bearerToken, createAccountRegistry } from './accounts.ts';
import { ApiError, invalidParam } from './api-error.ts';
import { renderChat } from './chat-template.ts';
import { createConcurrencyLimiter } from './concurrency-limiter.ts';
import { type AccountConfig, type GatewayConfig } from './config.ts';
import { loadServedModels, type ServedModel } from './load-models.ts';
import { type ModelBackend } from './model-backend.ts';
import { type CompletionParams, type Endpoint, parseCompletionRequest } from './parse-request.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { ReceiptLog, type ResponseReceipt, sha256Hex } from './receipt-log.ts';
import { type CompletionEvent, type CompletionProgress, runCompletion, type TokenLogprob } from './run-completion.ts';
import { completionAnswer, completionPrompt, decodePrompt, pickModel, scoringBackend, tokenizeAnswer } from './llama-cpp-routes.ts';
import { echoLogprobs, type PromptPosition, scorePrompt, vllmPromptLogprobs } from './prompt-logprobs.ts';

/** One line of the access log. */
export interface AccessLogEntry {
  readonly time: string;
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly account: string | null;
  readonly ms: number;
  readonly error?: string;
}

export interface GatewayOptions {
  /** Backends by model id, used instead of loading those models' files (tests, embedding). */
  readonly backends?: ReadonlyMap<string, ModelBackend>;
  /** Called once per request after its response ends. */
  readonly accessLog?: (entry: AccessLogEntry) => void;
  /** Called with unexpected errors (a 500 was sent). Default: stderr. */
  readonly onInternalError?: (error: unknown, requestId: string) => void;
  /** How often Node checks header/request deadlines; default min(1 s, headersTimeoutMs / 2). */
  readonly connectionsCheckingIntervalMs?: number;
}

export interface GatewayStats {
  readonly responses: number;
  readonly inFlight: number;
  readonly receipts: ReturnType<ReceiptLog['stats']>;
}

export interface Gateway {
  /** `http://host:port` as bound (port 0 in the config picks a free port). */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  stats(): GatewayStats;
  /**
   * Graceful shutdown: stop accepting connections, let in-flight requests finish (up to
   * `shutdownTimeoutMs`, then abort them), write the `close` receipt and close the log and models.
   */
  close(): Promise<void>;
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

function newId(prefix: string): string {
  return `${prefix}-${randomBytes(12).toString('hex')}`;
}

class ClientGone extends Error {
  override name = 'ClientGone';
}

class GenerationTimeout extends Error {
  override name = 'GenerationTimeout';
}

/** Read the body, refusing more than `max` bytes (from Content-Length up front, or while reading). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const tooLarge = () => new ApiError(413, `Request body too large: this gateway accepts at most ${max} bytes.`, 'invalid_request_error', 'request_too_large');
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > max) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.off('data', onData);
        reject(tooLarge());
      } else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
    // A client that hangs up mid-body: settle, so the handler does not wait forever.
    req.once('close', () => {
      if (!req.complete) reject(new ClientGone('client closed the connection while sending the body'));
    });
  });
}

function logprobsForChat(entries: TokenLogprob[]): { content: unknown[]; refusal: null } {
  return {
    content: entries.map((e) => ({ token: e.token, logprob: e.logprob, bytes: e.bytes, top_logprobs: e.top.map((a) => ({ token: a.token, logprob: a.logprob, bytes: a.bytes })) })),
    refusal: null,
  };
}

function logprobsForCompletions(entries: TokenLogprob[], tokensAsIds = false, shift = 0): { tokens: string[]; token_logprobs: (number | null)[]; top_logprobs: (Record<string, number> | null)[]; text_offset: number[] } {
  const name = (a: { id: number; token: string }) => (tokensAsIds ? `token_id:${a.id}` : a.token);
  return {
    tokens: entries.map(name),
    token_logprobs: entries.map((e) => e.logprob),
    top_logprobs: entries.map((e) => Object.fromEntries(e.top.map((a) => [name(a), a.logprob]))),
    text_offset: entries.map((e) => e.offset + shift),
  };
}

/** Start serving `config`. Resolves once the port is bound and the receipt log is open. */
export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const limits = config.limits;
  const models = await loadServedModels(config, options.backends);
  const accountKeys: Record<string, Record<string, string>> = {};
  for (const a of config.accounts) {
    accountKeys[a.name] = {};
    for (const [id, m] of models) {
      const wm = m.watermarks.get(a.name);
      if (wm) accountKeys[a.name]![id] = wm.keyId;
    }
  }
  let receipts: ReceiptLog;
  try {
    receipts = await ReceiptLog.open(config.receipts.path, { pid: process.pid, watermark: config.watermark, accountKeys }, { groupCommit: config.receipts.groupCommit });
  } catch (e) {
    await Promise.all([...models.values()].map((m) => m.backend.close()));
    throw e;
  }
  const accounts = createAccountRegistry(config.accounts);
  const limiter = createRateLimiter();
  const slots = createConcurrencyLimiter(limits.maxConcurrent, limits.maxQueue);
  const created = Math.floor(Date.now() / 1000);
  const inFlight = new Set<AbortController>();
  let responses = 0;
  let closing = false;
  let drained: (() => void) | null = null;
  const onInternalError = options.onInternalError ?? ((e, id) => process.stderr.write(`gateway: internal error in ${id}: ${(e as Error)?.stack ?? String(e)}\n`));

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { ...JSON_HEADERS, 'content-length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  };

  const sendError = (res: ServerResponse, e: ApiError): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    send(res, e.status, e.toJSON(), { ...e.headers });
  };

  const modelObject = (m: ServedModel) => ({ id: m.config.id, object: 'model', created, owned_by: m.backend.ownedBy });

  async function complete(req: IncomingMessage, res: ServerResponse, endpoint: Endpoint, account: AccountConfig, requestId: string, abort: AbortController): Promise<void> {
    let body: unknown;
    const raw = await readBody(req, limits.maxBodyBytes);
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (e) {
      throw invalidParam(null, `We could not parse the JSON body of your request. (${(e as Error).message})`, 'invalid_json');
    }
    const p = parseCompletionRequest(endpoint, body, limits.maxTokens);
    const model = models.get(p.model);
    if (!model) throw new ApiError(404, `The model '${p.model}' does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found', 'model');
    const promptText = p.messages ? renderChat(p.messages, model.config.chatTemplate) : p.promptIds ? decodePrompt(model, p.promptIds) : p.prompt!;
    const promptTokens = p.promptIds ?? model.backend.encodePrompt(promptText);
    if (p.promptLogprobs !== null) scoringBackend(model, 'prompt_logprobs');
    else if (p.echo && p.topLogprobs >= 0) scoringBackend(model, 'echo');
    const maxTokens = p.maxTokens ?? (endpoint === 'completions' ? Math.min(16, limits.maxTokens) : limits.maxTokens);
    const promptParam = endpoint === 'chat.completions' ? 'messages' : 'prompt';
    if (promptTokens.length > limits.maxPromptTokens) {
      throw invalidParam(promptParam, `The prompt is ${promptTokens.length} tokens; this gateway accepts at most ${limits.maxPromptTokens}.`, 'context_length_exceeded');
    }
    const reasoningTokens = model.config.reasoning ? Math.min(model.config.reasoning.maxTokens, Math.floor(maxTokens / 2)) : 0;
    const ctx = model.backend.contextLength;
    // The answer's context also holds the reasoning trace and the answer cue (a few tokens).
    const needed = promptTokens.length + maxTokens + (reasoningTokens > 0 ? 8 : 0);
    if (ctx !== null && needed > ctx) {
      throw invalidParam(promptParam, `This model's context holds ${ctx} tokens; the prompt (${promptTokens.length}) plus max_tokens (${maxTokens}) does not fit.`, 'context_length_exceeded');
    }

    const reserve = promptTokens.length + maxTokens;
    const decision = limiter.take(account.name, account.rateLimit, reserve);
    const rateHeaders = { 'x-ratelimit-remaining-requests': String(decision.remainingRequests), 'x-ratelimit-remaining-tokens': String(decision.remainingTokens) };
    if (!decision.ok) {
      throw new ApiError(429, `Rate limit reached for account ${account.name}: ${account.rateLimit.requestsPerMinute} requests and ${account.rateLimit.tokensPerMinute} tokens per minute. Try again in ${decision.retryAfterSeconds} s.`, 'rate_limit_error', 'rate_limit_exceeded', null, { 'retry-after': String(decision.retryAfterSeconds), ...rateHeaders });
    }
    const progress: CompletionProgress = { content: '', reasoning: null, completionTokens: 0, reasoningTokens: 0, finishReason: null };
    try {
      const release = await slots.acquire(abort.signal);
      if (release === null) throw new ApiError(503, 'The gateway is at capacity; retry shortly.', 'server_error', 'server_overloaded', null, { 'retry-after': '1' });
      try {
        await generate(res, p, model, account, requestId, promptText, promptTokens, maxTokens, reasoningTokens, progress, abort, rateHeaders);
      } finally {
        release();
      }
    } finally {
      limiter.refund(account.name, maxTokens - progress.completionTokens);
    }
  }

  async function generate(
    res: ServerResponse,
    p: CompletionParams,
    model: ServedModel,
    account: AccountConfig,
    requestId: string,
    promptText: string,
    promptTokens: Uint32Array,
    maxTokens: number,
    reasoningTokens: number,
    progress: CompletionProgress,
    abort: AbortController,
    rateHeaders: Record<string, string>,
  ): Promise<void> {
    const wm = model.watermarks.get(account.name);
    const seed = p.seed ?? randomInt(0, 2 ** 31);
    const chat = p.endpoint === 'chat.completions';
    const createdAt = Math.floor(Date.now() / 1000);
    const timer = setTimeout(() => abort.abort(new GenerationTimeout(`generation exceeded ${limits.generationTimeoutMs} ms`)), limits.generationTimeoutMs);
    const events = runCompletion(
      {
        backend: model.backend,
        promptTokens,
        maxTokens,
        reasoningTokens,
        temperature: p.temperature,
        topP: p.topP,
        seed,
        stop: p.stop,
        topLogprobs: p.topLogprobs,
        ...(wm ? { watermarker: wm.watermarker } : {}),
        signal: abort.signal,
      },
      progress,
    );
    const receipt = (finishReason: ResponseReceipt['finishReason']): ResponseReceipt => ({
      type: 'response',
      time: new Date().toISOString(),
      requestId,
      account: account.name,
      keyId: wm?.keyId ?? null,
      model: model.config.id,
      endpoint: p.endpoint,
      stream: p.stream,
      promptSha256: sha256Hex(promptText),
      responseSha256: sha256Hex(progress.content),
      reasoningSha256: progress.reasoning === null ? null : sha256Hex(progress.reasoning),
      promptTokens: promptTokens.length,
      completionTokens: progress.completionTokens,
      reasoningTokens: progress.reasoningTokens,
      finishReason,
      seed,
    });
    const usage = () => ({
      prompt_tokens: promptTokens.length,
      completion_tokens: progress.completionTokens,
      total_tokens: promptTokens.length + progress.completionTokens,
      ...(chat ? { completion_tokens_details: { reasoning_tokens: progress.reasoningTokens } } : {}),
    });
    const headers = { ...rateHeaders };
    try {
      if (!p.stream) {
        const logprobs: TokenLogprob[] = [];
        try {
          for await (const e of events) if (e.type === 'content') logprobs.push(...e.logprobs);
        } catch (e) {
          if (e instanceof GenerationTimeout) throw new ApiError(504, `The generation took longer than ${limits.generationTimeoutMs} ms and was stopped.`, 'timeout_error', 'timeout');
          throw e;
        }
        const finish = progress.finishReason!;
        const prompt = await promptSection(p, model, promptTokens, abort.signal);
        const choice = chat
          ? {
              index: 0,
              message: { role: 'assistant', content: progress.content, refusal: null, ...(progress.reasoning !== null ? { reasoning_content: progress.reasoning } : {}) },
              logprobs: p.topLogprobs >= 0 ? logprobsForChat(logprobs) : null,
              finish_reason: finish,
            }
          : completionChoice(p, promptText, promptTokens, prompt, progress.content, logprobs, finish);
        const body = { id: requestId, object: chat ? 'chat.completion' : 'text_completion', created: createdAt, model: model.config.id, system_fingerprint: null, choices: [choice], usage: usage() };
        // The receipt is durable before a byte of the response leaves.
        await appendReceipt(receipt(finish));
        send(res, 200, body, headers);
        return;
      }

      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: closing ? 'close' : 'keep-alive', ...headers });
      const chunk = (choiceFields: Record<string, unknown>, finish: string | null): string => {
        const base = { id: requestId, object: chat ? 'chat.completion.chunk' : 'text_completion', created: createdAt, model: model.config.id, system_fingerprint: null };
        const choice = chat ? { index: 0, delta: choiceFields.delta, logprobs: choiceFields.logprobs ?? null, finish_reason: finish } : { index: 0, text: choiceFields.text ?? '', logprobs: choiceFields.logprobs ?? null, finish_reason: finish };
        return `data: ${JSON.stringify({ ...base, choices: [choice], ...(p.includeUsage ? { usage: null } : {}) })}\n\n`;
      };
      if (chat) res.write(chunk({ delta: { role: 'assistant', content: '', refusal: null } }, null));
      const render = (e: CompletionEvent): string => {
        if (e.type === 'reasoning') return chat ? chunk({ delta: { reasoning_content: e.text } }, null) : '';
        const lp = p.topLogprobs >= 0 ? (chat ? logprobsForChat(e.logprobs) : logprobsForCompletions(e.logprobs)) : null;
        return chat ? chunk({ delta: { content: e.text }, logprobs: lp }, null) : chunk({ text: e.text, logprobs: lp }, null);
      };
      try {
        for await (const e of events) {
          const text = render(e);
          if (text) res.write(text);
        }
      } catch (e) {
        // Output already left: the account received it, so it gets its receipt even though cut short.
        if (progress.completionTokens > 0) await appendReceipt(receipt(e instanceof GenerationTimeout ? 'timeout' : 'aborted')).catch(() => undefined);
        if (e instanceof GenerationTimeout && !res.destroyed) {
          res.end(`data: ${JSON.stringify(new ApiError(504, `The generation took longer than ${limits.generationTimeoutMs} ms and was stopped.`, 'timeout_error', 'timeout').toJSON())}\n\n`);
          return;
        }
        throw e;
      }
      await appendReceipt(receipt(progress.finishReason!));
      let tail = chat ? chunk({ delta: {} }, progress.finishReason) : chunk({ text: '' }, progress.finishReason);
      if (p.includeUsage) {
        tail += `data: ${JSON.stringify({ id: requestId, object: chat ? 'chat.completion.chunk' : 'text_completion', created: createdAt, model: model.config.id, system_fingerprint: null, choices: [], usage: usage() })}\n\n`;
      }
      res.end(`${tail}data: [DONE]\n\n`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** llama.cpp-style `/tokenize` and `/completion` (llama-cpp-routes.ts), under the same rate limits and concurrency slots as completions. */
  async function score(req: IncomingMessage, res: ServerResponse, route: 'tokenize' | 'completion', account: AccountConfig, abort: AbortController): Promise<void> {
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, limits.maxBodyBytes)).toString('utf8'));
    } catch (e) {
      if (e instanceof ApiError || e instanceof ClientGone) throw e;
      throw invalidParam(null, `We could not parse the JSON body of your request. (${(e as Error).message})`, 'invalid_json');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidParam(null, 'the request body must be a JSON object');
    const b = body as Record<string, unknown>;
    if (route === 'tokenize') {
      send(res, 200, tokenizeAnswer(b, models, limits.maxPromptTokens));
      return;
    }
    const model = pickModel(b, models);
    const ids = completionPrompt(b, model);
    if (ids.length > limits.maxPromptTokens) throw invalidParam('prompt', `The prompt is ${ids.length} tokens; this gateway accepts at most ${limits.maxPromptTokens}.`, 'context_length_exceeded');
    const decision = limiter.take(account.name, account.rateLimit, ids.length);
    if (!decision.ok) throw new ApiError(429, `Rate limit reached for account ${account.name}. Try again in ${decision.retryAfterSeconds} s.`, 'rate_limit_error', 'rate_limit_exceeded', null, { 'retry-after': String(decision.retryAfterSeconds) });
    const release = await slots.acquire(abort.signal);
    if (release === null) throw new ApiError(503, 'The gateway is at capacity; retry shortly.', 'server_error', 'server_overloaded', null, { 'retry-after': '1' });
    try {
      send(res, 200, await completionAnswer(b, model, ids, abort.signal));
    } finally {
      release();
    }
  }

  const appendReceipt = async (r: ResponseReceipt): Promise<void> => {
    try {
      await receipts.append(r);
      responses++;
    } catch (e) {
      throw new ApiError(503, 'The receipt log is unavailable, so no response can be served.', 'server_error', 'receipts_unavailable');
    }
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0]!;
    // A completion's id is its response id (and the receipt's requestId), so the access log, the
    // client's `x-request-id` and the receipt log can be joined on it.
    const requestId = newId(path === '/v1/chat/completions' ? 'chatcmpl' : path === '/v1/completions' ? 'cmpl' : 'req');
    res.setHeader('x-request-id', requestId);
    let account: AccountConfig | null = null;
    let errorCode: string | undefined;
    const abort = new AbortController();
    inFlight.add(abort);
    res.once('close', () => {
      if (!res.writableFinished) abort.abort(new ClientGone('client closed the connection'));
      inFlight.delete(abort);
      options.accessLog?.({ time: new Date().toISOString(), requestId, method: req.method ?? '', path: req.url ?? '', status: res.statusCode, account: account?.name ?? null, ms: Math.round(performance.now() - started), ...(errorCode ? { error: errorCode } : {}) });
      if (closing && inFlight.size === 0) drained?.();
    });
    if (closing) res.setHeader('connection', 'close');
    try {
      const method = req.method ?? 'GET';
      if (path === '/healthz' || path === '/health') {
        if (method !== 'GET') throw new ApiError(405, `Method ${method} not allowed on ${path}`, 'invalid_request_error', 'method_not_allowed');
        send(res, closing ? 503 : 200, { status: closing ? 'shutting down' : 'ok' });
        return;
      }
      const route =
        path === '/v1/models'
          ? 'models'
          : path.startsWith('/v1/models/')
            ? 'model'
            : path === '/v1/chat/completions'
              ? 'chat.completions'
              : path === '/v1/completions'
                ? 'completions'
                : path === '/tokenize' || path === '/completion'
                  ? path.slice(1)
                  : null;
      if (route === null) throw new ApiError(404, `Unknown request URL: ${method} ${path}.`, 'invalid_request_error', 'unknown_url');
      const wanted = route === 'models' || route === 'model' ? 'GET' : 'POST';
      if (method !== wanted) throw new ApiError(405, `Method ${method} not allowed on ${path}; use ${wanted}.`, 'invalid_request_error', 'method_not_allowed', null, { allow: wanted });
      account = accounts.authenticate(bearerToken(req.headers.authorization));
      if (account === null) {
        throw new ApiError(401, req.headers.authorization ? 'Incorrect API key provided.' : "You didn't provide an API key: send it as 'Authorization: Bearer YOUR_KEY'.", 'authentication_error', 'invalid_api_key');
      }
      if (closing) throw new ApiError(503, 'The gateway is shutting down.', 'server_error', 'shutting_down', null, { 'retry-after': '1' });
      if (route === 'models') {
        send(res, 200, { object: 'list', data: [...models.values()].map(modelObject) });
        return;
      }
      if (route === 'model') {
        const id = decodeURIComponent(path.slice('/v1/models/'.length));
        const m = models.get(id);
        if (!m) throw new ApiError(404, `The model '${id}' does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found', 'model');
        send(res, 200, modelObject(m));
        return;
      }
      if (route === 'tokenize' || route === 'completion') {
        await score(req, res, route, account, abort);
        return;
      }
      await complete(req, res, route as Endpoint, account, requestId, abort);
    } catch (e) {
      if (e instanceof ClientGone || (abort.signal.aborted && abort.signal.reason instanceof ClientGone)) {
        errorCode = 'client_gone';
        return;
      }
      let err: ApiError;
      if (e instanceof ApiError) err = e;
      else {
        onInternalError(e, requestId);
        err = new ApiError(500, `The gateway had an internal error (request ${requestId}).`, 'server_error', 'internal_error');
      }
      errorCode = err.code ?? err.type;
      // A refused body may still be arriving: do not keep reading it on a kept-alive socket.
      if (err.status === 413) res.setHeader('connection', 'close');
      sendError(res, err);
    }
  }

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: options.connectionsCheckingIntervalMs ?? Math.max(10, Math.min(1000, Math.floor(limits.headersTimeoutMs / 2))),
    },
    (req, res) => void handle(req, res),
  );
  server.maxConnections = limits.maxConnections;
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    // Malformed HTTP, oversized headers or a request deadline: answer if the socket still can.
    if (!socket.writable || (err.code === 'ECONNRESET' && !socket.readable)) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = JSON.stringify(new ApiError(status, status === 408 ? 'Request timeout.' : status === 431 ? 'Request headers too large.' : 'Malformed HTTP request.', 'invalid_request_error', null).toJSON());
    socket.end(`HTTP/1.1 ${status} ${status === 408 ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (e) => {
    await receipts.close();
    await Promise.all([...models.values()].map((m) => m.backend.close()));
    throw e;
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closed: Promise<void> | null = null;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    server,
    stats: () => ({ responses, inFlight: inFlight.size, receipts: receipts.stats() }),
    close() {
      closed ??= (async () => {
        closing = true;
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (inFlight.size > 0) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(() => {
              for (const a of inFlight) a.abort(new ClientGone('gateway shut down before the request finished'));
              resolve();
            }, limits.shutdownTimeoutMs);
            drained = () => {
              clearTimeout(t);
              resolve();
            };
          });
        }
        server.closeIdleConnections();
        server.closeAllConnections();
        await serverClosed;
        await receipts.close({ type: 'close', time: new Date().toISOString(), responses });
        await Promise.all([...models.values()].map((m) => m.backend.close().catch(() => undefined)));
      })();
      return closed;
    },
  };
}

/** The prompt's log-probabilities when the request asks for them (echo with logprobs, or prompt_logprobs); see prompt-logprobs.ts. */
async function promptSection(p: CompletionParams, model: ServedModel, promptTokens: Uint32Array, signal: AbortSignal): Promise<PromptPosition[] | null> {
  const k = Math.max(p.promptLogprobs ?? -1, p.echo ? p.topLogprobs : -1);
  if (k < 0) return null;
  return scorePrompt(scoringBackend(model, p.promptLogprobs !== null ? 'prompt_logprobs' : 'echo'), promptTokens, k, signal);
}

/** A `/v1/completions` choice: with `echo`, the prompt (and its log-probabilities) before the answer, as vLLM shapes it. */
function completionChoice(p: CompletionParams, promptText: string, promptTokens: Uint32Array, prompt: PromptPosition[] | null, content: string, generated: TokenLogprob[], finish: string): Record<string, unknown> {
  let logprobs: ReturnType<typeof logprobsForCompletions> | null = null;
  if (p.topLogprobs >= 0) {
    const answer = logprobsForCompletions(generated, p.tokensAsIds, p.echo ? promptText.length : 0);
    if (p.echo && prompt) {
      const head = echoLogprobs(prompt, p.topLogprobs, p.tokensAsIds);
      logprobs = {
        tokens: [...head.tokens, ...answer.tokens],
        token_logprobs: [...head.token_logprobs, ...answer.token_logprobs],
        top_logprobs: [...head.top_logprobs, ...answer.top_logprobs],
        text_offset: [...head.text_offset, ...answer.text_offset],
      };
    } else logprobs = answer;
  }
  return {
    index: 0,
    text: p.echo ? promptText + content : content,
    logprobs,
    finish_reason: finish,
    ...(p.promptLogprobs !== null && prompt ? { prompt_logprobs: vllmPromptLogprobs(prompt, p.promptLogprobs) } : {}),
    ...(p.returnTokenIds ? { prompt_token_ids: Array.from(promptTokens) } : {}),
  };
}
