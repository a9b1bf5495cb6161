/**
 * The HTTP exchange every endpoint client here shares: a JSON request to an inference server with a
 * per-attempt timeout that covers the whole exchange — headers and body — so a stalled response is
 * abandoned and retried, and with the retry policy of `retry-policy.ts`. Chat completions
 * (`ChatClient`), prompt log-probabilities (vLLM's `/v1/completions`) and llama.cpp's native
 * `/tokenize` and `/completion` all go through it, so they retry, time out and fail alike. The API
 * key travels in a header and is never returned or logged.
 */
import { isRetryableStatus, parseRetryAfter, resolveRetryPolicy, retryDelay, type RetryPolicy } from './retry-policy.ts';
import { IoError } from '@tracemark/errors';

/** A request the server answered with a non-retryable status (400, 401, 404, 422 …). */
export class HttpStatusError extends IoError {
  override name = 'HttpStatusError';
  constructor(
    message: string,
    readonly status: number,
    readonly requestId: string | null,
  ) {
    super(message);
  }
}

/** Every attempt failed with a retryable problem. */
export class RetriesExhaustedError extends IoError {
  override name = 'RetriesExhaustedError';
  constructor(
    message: string,
    readonly attempts: number,
    readonly lastReason: string,
  ) {
    super(message);
  }
}

/** The run was aborted (Ctrl-C, or the caller's signal). */
export class AbortedError extends IoError {
  override name = 'AbortedError';
}

export interface JsonClientOptions {
  readonly apiKey?: string;
  /** Per-attempt limit for the whole exchange; default 120 s. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Uniform [0, 1) draws for jitter; default Math.random. */
  readonly random?: () => number;
  /** Extra headers (never recorded). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface JsonResponse {
  /** The parsed JSON body. */
  readonly body: Record<string, unknown>;
  readonly status: number;
  readonly requestId: string | null;
  readonly startedAt: Date;
  readonly latencyMs: number;
  readonly attempts: number;
  readonly retries: { readonly reason: string; readonly waitMs: number }[];
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new AbortedError('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function describeFetchError(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? (err as NodeJS.ErrnoException).code;
  return code ? `connection error (${code})` : `connection error (${err.cause?.message ?? err.message})`;
}

function errorMessage(body: string): string {
  try {
    const j = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof j.error === 'string') return j.error;
    if (j.error && typeof j.error.message === 'string') return j.error.message;
    if (typeof j.message === 'string') return j.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.slice(0, 200).replace(/\s+/g, ' ').trim();
}

export class JsonClient {
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly random: () => number;
  private readonly headers: Record<string, string>;

  constructor(options: JsonClientOptions = {}) {
    this.policy = resolveRetryPolicy(options.retry);
    this.timeoutMs = options.timeoutMs ?? 120_000;
    if (!(this.timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${this.timeoutMs}`);
    this.random = options.random ?? Math.random;
    this.headers = { 'content-type': 'application/json', accept: 'application/json', ...options.headers };
    if (options.apiKey) this.headers.authorization = `Bearer ${options.apiKey}`;
  }

  /**
   * POST `body` as JSON to `url` (GET when `body` is null), retrying as the policy says.
   *
   * @throws HttpStatusError for a non-retryable status; RetriesExhaustedError when every attempt
   *   failed; AbortedError when `signal` fires (no further attempt is made).
   */
  async request(url: string, body: Readonly<Record<string, unknown>> | null, signal?: AbortSignal): Promise<JsonResponse> {
    const payload = body === null ? undefined : JSON.stringify(body);
    const retries: { reason: string; waitMs: number }[] = [];
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw new AbortedError('aborted');
      const startedAt = new Date();
      const t0 = performance.now();
      const timeout = AbortSignal.timeout(this.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      let reason: string;
      let retryAfter: number | null = null;
      try {
        const init = payload === undefined ? { method: 'GET', headers: this.headers, signal: combined } : { method: 'POST', headers: this.headers, body: payload, signal: combined };
        const res = await fetch(url, init);
        const text = await res.text();
        const requestId = res.headers.get('x-request-id') ?? res.headers.get('request-id');
        if (res.ok) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = null;
          }
          if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
            return { body: parsed as Record<string, unknown>, status: res.status, requestId, startedAt, latencyMs: performance.now() - t0, attempts: attempt, retries };
          }
          reason = `HTTP ${res.status} with a body that is not a JSON object`;
        } else if (isRetryableStatus(res.status)) {
          reason = `HTTP ${res.status}${text ? `: ${errorMessage(text)}` : ''}`;
          retryAfter = parseRetryAfter(res.headers);
        } else {
          throw new HttpStatusError(`HTTP ${res.status}: ${errorMessage(text) || res.statusText}`, res.status, requestId);
        }
      } catch (e) {
        if (e instanceof HttpStatusError) throw e;
        if (signal?.aborted) throw new AbortedError('aborted');
        reason = timeout.aborted ? `no complete response within ${this.timeoutMs} ms` : describeFetchError(e);
      }
      if (attempt >= this.policy.maxAttempts) throw new RetriesExhaustedError(`${url}: gave up after ${attempt} attempts (last: ${reason})`, attempt, reason);
      const waitMs = retryDelay(attempt, retryAfter, this.policy, this.random);
      retries.push({ reason, waitMs: Math.round(waitMs) });
      await sleep(waitMs, signal);
    }
  }
}
