/**
 * Per-account rate limits as two token buckets (Turner 1986; the scheme of RFC 2697's committed
 * burst): one counts requests, one counts tokens (prompt + completion, as OpenAI's TPM does). A
 * request reserves its prompt tokens plus its `max_tokens` up front, so a burst of long
 * generations cannot overshoot, and the unused part is refunded when it finishes. Buckets refill
 * continuously from a monotonic clock; a refusal says how long until the request would fit, which
 * the server sends as `Retry-After`.
 */
import { type RateLimitConfig } from './config.ts';

export interface RateDecision {
  readonly ok: boolean;
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
  /** Take 1 request and `tokens` tokens from `account`'s buckets, or refuse without taking anything. */
  take(account: string, limit: RateLimitConfig, tokens: number): RateDecision;
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
  return {
    take(account, limit, tokens) {
      const b = get(account, limit);
      const now = clock();
      b.requests.refill(now);
      b.tokens.refill(now);
      const waitMs = Math.max(b.requests.wait(1), b.tokens.wait(tokens));
      if (waitMs > 0) {
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), remainingRequests: Math.floor(b.requests.level), remainingTokens: Math.floor(b.tokens.level) };
      }
      b.requests.level -= 1;
      b.tokens.level -= tokens;
      return { ok: true, retryAfterSeconds: 0, remainingRequests: Math.floor(b.requests.level), remainingTokens: Math.floor(b.tokens.level) };
    },
    refund(account, tokens) {
      const b = buckets.get(account);
      if (b && tokens > 0) b.tokens.level = Math.min(b.tokens.capacity, b.tokens.level + tokens);
    },
  };
}
