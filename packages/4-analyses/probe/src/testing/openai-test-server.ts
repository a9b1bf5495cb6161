/**
 * A minimal OpenAI-compatible chat-completions server for tests: `POST /v1/chat/completions` and
 * `GET /v1/models` on 127.0.0.1 with an ephemeral port, answering through a `ChatResponder`
 * (for example `ngramResponder` over the reference n-gram models). A fault hook can make any
 * request drop its connection, stall, or fail with a status and `Retry-After`, to test clients.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

export interface ChatMessage {
  readonly role: string;
  readonly content: string;
}

export interface ChatCompletionRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly max_tokens?: number;
  readonly temperature?: number;
  readonly top_p?: number;
  readonly seed?: number;
  readonly logprobs?: boolean;
  readonly top_logprobs?: number;
}

export interface TokenLogprob {
  readonly token: string;
  readonly logprob: number;
  readonly bytes: number[];
  readonly top_logprobs: { readonly token: string; readonly logprob: number; readonly bytes: number[] }[];
}

export interface ChatCompletionOutput {
  readonly text: string;
  readonly finishReason: 'stop' | 'length';
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly logprobs?: readonly TokenLogprob[];
}

/** Thrown by a responder to answer with an OpenAI-style error. */
export class ChatHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = 'invalid_request_error',
  ) {
    super(message);
  }
}

export type ChatResponder = (request: ChatCompletionRequest) => ChatCompletionOutput | Promise<ChatCompletionOutput>;

/** What to do to one request instead of (or before) answering it. */
export type Fault =
  /** Destroy the socket without a response. */
  | { readonly kind: 'drop' }
  /** Never answer (the client must time out). */
  | { readonly kind: 'stall' }
  /** Send the status line and headers, then stall before the body. */
  | { readonly kind: 'stall-body' }
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string; readonly retryAfterMs?: number }
  /** Answer 200 with a body that is not JSON. */
  | { readonly kind: 'garbage' };

export interface TestServerOptions {
  readonly responder: ChatResponder;
  /** Called for every chat request in arrival order (index from 0); return a fault or null. */
  readonly fault?: (info: { readonly index: number; readonly body: ChatCompletionRequest }) => Fault | null;
  /** Reject `seed` with 400 (like a strict proxy). */
  readonly rejectSeed?: boolean;
  /** Reject `logprobs` with 400. */
  readonly rejectLogprobs?: boolean;
  /** Require this bearer token. */
  readonly apiKey?: string;
  /** Models listed by GET /v1/models. */
  readonly models?: readonly string[];
}

export interface TestServer {
  /** Base URL including `/v1`. */
  readonly url: string;
  readonly stats: { requests: number; answered: number; faults: number; authorizations: string[] };
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Start the server; close it with `close()` (stalled requests are cut). Why one long function: a
 * test server whose request handler is a list of injected faults (status, drop, stall, garbage …),
 * each a few lines, next to the state they count.
 */
export async function startOpenAiTestServer(options: TestServerOptions): Promise<TestServer> {
  const stats = { requests: 0, answered: 0, faults: 0, authorizations: [] as string[] };
  let index = 0;
  let counter = 0;
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'GET' && url.pathname === '/v1/models') {
        return sendJson(res, 200, { object: 'list', data: (options.models ?? []).map((id) => ({ id, object: 'model', owned_by: 'tracemark-test' })) });
      }
      if (req.method !== 'POST' || !/^\/(v1\/)?chat\/completions$/.test(url.pathname)) {
        return sendJson(res, 404, { error: { message: `no route ${req.method} ${url.pathname}`, type: 'invalid_request_error' } });
      }
      stats.requests++;
      const auth = req.headers.authorization ?? '';
      stats.authorizations.push(auth);
      const raw = await readBody(req);
      let body: ChatCompletionRequest;
      try {
        body = JSON.parse(raw) as ChatCompletionRequest;
      } catch {
        return sendJson(res, 400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
      }
      const fault = options.fault?.({ index: index++, body }) ?? null;
      if (fault) {
        stats.faults++;
        switch (fault.kind) {
          case 'drop':
            req.socket.destroy();
            return;
          case 'stall':
            return;
          case 'stall-body':
            res.writeHead(200, { 'content-type': 'application/json' });
            res.flushHeaders();
            return;
          case 'garbage':
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end('{"choices": [');
            return;
          case 'status': {
            const headers: Record<string, string> = {};
            if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
            if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
            return sendJson(res, fault.status, { error: { message: `injected ${fault.status}`, type: 'server_error' } }, headers);
          }
        }
      }
      if (options.apiKey !== undefined && auth !== `Bearer ${options.apiKey}`)
        return sendJson(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
      if (options.rejectSeed && body.seed !== undefined) return sendJson(res, 400, { error: { message: "Unrecognized request argument supplied: seed", type: 'invalid_request_error' } });
      if (options.rejectLogprobs && body.logprobs !== undefined)
        return sendJson(res, 400, { error: { message: 'Unrecognized request argument supplied: logprobs', type: 'invalid_request_error' } });
      if (typeof body.model !== 'string' || !Array.isArray(body.messages) || body.messages.length === 0)
        return sendJson(res, 400, { error: { message: '"model" and a non-empty "messages" are required', type: 'invalid_request_error' } });
      const out = await options.responder(body);
      const id = `chatcmpl-test-${++counter}`;
      stats.answered++;
      return sendJson(
        res,
        200,
        {
          id,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          system_fingerprint: 'fp_tracemark_test',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: out.text },
              logprobs: body.logprobs && out.logprobs ? { content: out.logprobs } : null,
              finish_reason: out.finishReason,
            },
          ],
          usage: { prompt_tokens: out.promptTokens, completion_tokens: out.completionTokens, total_tokens: out.promptTokens + out.completionTokens },
        },
        { 'x-request-id': `req_${id}` },
      );
    } catch (e) {
      if (e instanceof ChatHttpError) return sendJson(res, e.status, { error: { message: e.message, type: 'invalid_request_error', code: e.code } });
      if (!res.headersSent) sendJson(res, 500, { error: { message: (e as Error).message, type: 'server_error' } });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
