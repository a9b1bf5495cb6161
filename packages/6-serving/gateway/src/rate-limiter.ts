/**
 * Per-account rate limits as two token buckets (Turner 1986; the scheme of RFC 2697's committed
 * burst): one counts requests, one counts tokens (prompt + completion, as OpenAI's TPM does).
 *
 * The two are taken at different moments, on purpose. A request is counted as soon as its API key
 * is known — before its body is read, parsed or tokenized — so every request costs its account one
 * from the budget whether it is served or refused: an account that floods the gateway with
 * megabyte prompts it knows will be refused is rate-limited like any other, and pays for its
 * refusals (measured: without this, 626 one-megabyte prompts in 15 s from a 60-rpm account were all
 * tokenized and refused, and slowed other accounts' median latency from 3 ms to 185 ms). Tokens
 * are reserved once the prompt is tokenized: prompt + `max_tokens` up front, so a burst of long
 * generations cannot overshoot, and the unused part is refunded when it finishes. A reservation
 * larger than the bucket can ever hold is `impossible` — the server answers 400, not a 429 whose
 * Retry-After would be a lie.
 *
 * Buckets refill continuously from a monotonic clock; a refusal says how long until the request
 * would fit, which the server sends as `Retry-After`.
 */
import { type RateLimitConfig } from './config.ts';

export interface RateDecision {
  readonly ok: boolean;
  /** When refused: the request can never fit (it asks for more than the bucket holds). */
  readonly impossible: boolean;
  /** When refused: seconds until the buckets hold enough (≥ 1, rounded up). */
  readonly retryAfterSeconds: number;
  readonly remainingRequests: number;
  readonly remainingTokens: number;
}

class Bucket {
  level: number;
  last: number;
  constructor(
    readonly capacity: number,
    readonly perMs: number,
    now: number,
  ) {
    this.level = capacity;
    this.last = now;
  }
  refill(now: number): void {
    if (now > this.last) {
      this.level = Math.min(this.capacity, this.level + (now - this.last) * this.perMs);
      this.last = now;
    }
  }
  /** Milliseconds until `amount` is available (0 when it already is). */
  wait(amount: number): number {
    return this.level >= amount ? 0 : (amount - this.level) / this.perMs;
  }
}

export interface RateLimiter {
  /** Take 1 request from `account`'s request bucket, or refuse without taking it. */
  admit(account: string, limit: RateLimitConfig): RateDecision;
  /** Reserve `tokens` from `account`'s token bucket, or refuse without taking them. */
  reserve(account: string, limit: RateLimitConfig, tokens: number): RateDecision;
  /** Give back tokens reserved but not used. */
  refund(account: string, tokens: number): void;
}

export function createRateLimiter(clock: () => number = () => performance.now()): RateLimiter {
  const buckets = new Map<string, { requests: Bucket; tokens: Bucket }>();
  const get = (account: string, limit: RateLimitConfig) => {
    let b = buckets.get(account);
    if (!b) {
      const now = clock();
      b = { requests: new Bucket(limit.burstRequests, limit.requestsPerMinute / 60_000, now), tokens: new Bucket(limit.burstTokens, limit.tokensPerMinute / 60_000, now) };
      buckets.set(account, b);
    }
    return b;
  };
  const decision = (b: { requests: Bucket; tokens: Bucket }, waitMs: number, impossible = false): RateDecision => ({
    ok: waitMs === 0 && !impossible,
    impossible,
    retryAfterSeconds: waitMs === 0 ? 0 : Math.max(1, Math.ceil(waitMs / 1000)),
    remainingRequests: Math.floor(b.requests.level),
    remainingTokens: Math.floor(b.tokens.level),
  });
  const refilled = (account: string, limit: RateLimitConfig) => {
    const b = get(account, limit);
    const now = clock();
    b.requests.refill(now);
    b.tokens.refill(now);
    return b;
  };
  return {
    admit(account, limit) {
      const b = refilled(account, limit);
      const waitMs = b.requests.wait(1);
      if (waitMs === 0) b.requests.level -= 1;
      return decision(b, waitMs);
    },
    reserve(account, limit, tokens) {
      const b = refilled(account, limit);
      if (tokens > b.tokens.capacity) return decision(b, 0, true);
      const waitMs = b.tokens.wait(tokens);
      if (waitMs === 0) b.tokens.level -= tokens;
      return decision(b, waitMs);
    },
    refund(account, tokens) {
      const b = buckets.get(account);
      if (b && tokens > 0) b.tokens.level = Math.min(b.tokens.capacity, b.tokens.level + tokens);
    },
  };
}
