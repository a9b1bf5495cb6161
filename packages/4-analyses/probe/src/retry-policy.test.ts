import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, resolveRetryPolicy, retryDelay } from './retry-policy.ts';

describe('retry policy', () => {
  it('parses retry-after-ms, delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250' }))).toBe(250);
    expect(parseRetryAfter(new Headers({ 'retry-after': '2' }))).toBe(2000);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }), now)).toBe(5000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }))).toBeNull();
    expect(parseRetryAfter(new Headers())).toBeNull();
  });

  it('honours the server wait (clamped, ≤ 10% jitter) and otherwise uses full-jitter exponential backoff', () => {
    const p = DEFAULT_RETRY_POLICY;
    expect(retryDelay(1, 2000, p, () => 0)).toBe(2000);
    expect(retryDelay(1, 2000, p, () => 0.999)).toBeLessThan(2200);
    expect(retryDelay(1, 10 * 60_000, p, () => 0)).toBe(p.maxRetryAfterMs);
    for (let a = 1; a <= 10; a++) {
      const cap = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (a - 1));
      expect(retryDelay(a, null, p, () => 0.5)).toBe(cap / 2);
      expect(retryDelay(a, null, p, () => 0.999999)).toBeLessThan(cap);
    }
  });

  it('retries throttling and server errors, not client errors', () => {
    for (const s of [408, 409, 425, 429, 500, 502, 503, 504, 522]) expect(isRetryableStatus(s), String(s)).toBe(true);
    for (const s of [400, 401, 403, 404, 413, 422]) expect(isRetryableStatus(s), String(s)).toBe(false);
    expect(() => resolveRetryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
  });
});
