import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.ts';

describe('createRateLimiter', () => {
  const limit = { requestsPerMinute: 60, tokensPerMinute: 600, burstRequests: 2, burstTokens: 300 };

  it('spends the burst, refuses with the wait until refill, and refills continuously', () => {
    let now = 0;
    const rl = createRateLimiter(() => now);
    expect(rl.take('a', limit, 10).ok).toBe(true);
    expect(rl.take('a', limit, 10).ok).toBe(true);
    const refused = rl.take('a', limit, 10);
    expect(refused).toMatchObject({ ok: false, retryAfterSeconds: 1, remainingRequests: 0 });
    now = 1000; // one request per second refills
    expect(rl.take('a', limit, 10).ok).toBe(true);
    expect(rl.take('b', limit, 10).ok).toBe(true);
  });

  it('counts tokens, refuses without taking, and refunds what a request did not use', () => {
    let now = 0;
    const rl = createRateLimiter(() => now);
    expect(rl.take('a', limit, 250).ok).toBe(true);
    const r = rl.take('a', limit, 100);
    // 50 tokens left, 10 tokens per second: 5 s until 100 fit.
    expect(r).toMatchObject({ ok: false, retryAfterSeconds: 5, remainingTokens: 50, remainingRequests: 1 });
    rl.refund('a', 200);
    expect(rl.take('a', limit, 100)).toMatchObject({ ok: true, remainingTokens: 150 });
    rl.refund('a', 10_000);
    now = 10_000;
    expect(rl.take('a', limit, 300).ok).toBe(true);
  });
});
