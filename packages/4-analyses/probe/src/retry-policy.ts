/**
 * When and how long to wait before retrying a request to an inference API: on 408/409/425/429 and
 * 5xx statuses, timeouts and dropped connections; honouring the server's `retry-after-ms` (OpenAI)
 * or `Retry-After` (RFC 9110 §10.2.3: seconds or an HTTP date), otherwise exponential backoff with
 * full jitter (Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015), which
 * spreads a crowd of clients that were all throttled at once.
 */

export interface RetryPolicy {
  /** Attempts per request, the first included; default 6. */
  readonly maxAttempts: number;
  /** Backoff scale: attempt a waits U(0, min(maxDelayMs, baseDelayMs·2^(a−1))); default 500 ms. */
  readonly baseDelayMs: number;
  /** Default 30 s. */
  readonly maxDelayMs: number;
  /** A longer Retry-After is clamped to this (a server asking for an hour would stall the run); default 120 s. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

const RETRYABLE = new Set([408, 409, 425, 429, 500, 502, 503, 504]);

/** Statuses worth retrying: throttling, timeouts, conflicts and server errors (also 520–529 from CDNs). */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE.has(status) || (status >= 520 && status <= 529);
}

/**
 * The wait the server asked for, in ms, or null: `retry-after-ms` first, then `Retry-After` as
 * delay-seconds or an HTTP date (relative to `now`). Negative or unparsable values give null.
 *
 * @example
 * parseRetryAfter(new Headers({ 'retry-after': '2' })); // 2000
 */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | null {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Number(ms);
  const v = headers.get('retry-after');
  if (v === null) return null;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

/**
 * Milliseconds to wait after failed attempt `attempt` (1-based). A server-given wait is honoured
 * (clamped to `maxRetryAfterMs`) with up to 10% added jitter so throttled clients do not return in
 * lockstep; otherwise full jitter over the exponential cap.
 */
export function retryDelay(attempt: number, retryAfterMs: number | null, policy: RetryPolicy, random: () => number): number {
  if (retryAfterMs !== null) {
    const wait = Math.min(retryAfterMs, policy.maxRetryAfterMs);
    return wait + wait * 0.1 * random();
  }
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return cap * random();
}

export function resolveRetryPolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  const p = { ...DEFAULT_RETRY_POLICY, ...partial };
  if (!Number.isInteger(p.maxAttempts) || p.maxAttempts < 1) throw new RangeError(`maxAttempts must be a positive integer, got ${p.maxAttempts}`);
  for (const k of ['baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs'] as const)
    if (!(p[k] >= 0) || !Number.isFinite(p[k])) throw new RangeError(`${k} must be a finite number ≥ 0, got ${p[k]}`);
  return p;
}
