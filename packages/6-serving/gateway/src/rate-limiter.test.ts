import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.ts';

describe('createRateLimiter', () => {
  const limit = { requestsPerMinute: 60, tokensPerMinute: 600, burstRequests: 2, burstTokens: 300 };

  it('spends the request burst, refuses with the wait until refill, and refills continuously', () => {
    let now = 0;
    const rl = createRateLimiter(() => now);
    expect(rl.admit('a', limit).ok).toBe(true);
    expect(rl.admit('a', limit).ok).toBe(true);
    const refused = rl.admit('a', limit);
    expect(refused).toMatchObject({ ok: false, impossible: false, retryAfterSeconds: 1, remainingRequests: 0 });
    now = 1000; // one request per second refills
    expect(rl.admit('a', limit).ok).toBe(true);
    expect(rl.admit('b', limit).ok).toBe(true);
  });

  it('counts tokens, refuses without taking, and refunds what a request did not use', () => {
    let now = 0;
    const rl = createRateLimiter(() => now);
    expect(rl.reserve('a', limit, 250).ok).toBe(true);
    const r = rl.reserve('a', limit, 100);
    // 50 tokens left, 10 tokens per second: 5 s until 100 fit.
    expect(r).toMatchObject({ ok: false, impossible: false, retryAfterSeconds: 5, remainingTokens: 50, remainingRequests: 2 });
    rl.refund('a', 200);
    expect(rl.reserve('a', limit, 100)).toMatchObject({ ok: true, remainingTokens: 150 });
    rl.refund('a', 10_000);
    now = 10_000;
    expect(rl.reserve('a', limit, 300).ok).toBe(true);
  });

  it('calls a reservation larger than the bucket impossible rather than a wait, and takes nothing', () => {
    const rl = createRateLimiter(() => 0);
    expect(rl.reserve('a', limit, 301)).toMatchObject({ ok: false, impossible: true, retryAfterSeconds: 0, remainingTokens: 300 });
    expect(rl.reserve('a', limit, 300).ok).toBe(true);
  });
});
