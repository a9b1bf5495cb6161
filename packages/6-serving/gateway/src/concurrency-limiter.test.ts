import { describe, expect, it } from 'vitest';
import { createConcurrencyLimiter } from './concurrency-limiter.ts';

describe('createConcurrencyLimiter', () => {
  it('runs at most `limit`, queues at most `maxQueue` in order, and refuses beyond', async () => {
    const lim = createConcurrencyLimiter(2, 2);
    const r1 = (await lim.acquire())!;
    const r2 = (await lim.acquire())!;
    const order: number[] = [];
    const q3 = lim.acquire().then((r) => (order.push(3), r));
    const q4 = lim.acquire().then((r) => (order.push(4), r));
    expect(await lim.acquire()).toBeNull();
    expect([lim.running, lim.queued]).toEqual([2, 2]);
    r1();
    r1(); // releasing twice frees one slot only
    const r3 = (await q3)!;
    expect([lim.running, lim.queued]).toEqual([2, 1]);
    r2();
    const r4 = (await q4)!;
    expect(order).toEqual([3, 4]);
    r3();
    r4();
    expect(lim.running).toBe(0);
  });

  it('drops a waiter whose signal aborts', async () => {
    const lim = createConcurrencyLimiter(1, 5);
    const r1 = (await lim.acquire())!;
    const ac = new AbortController();
    const waiting = lim.acquire(ac.signal);
    ac.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(lim.queued).toBe(0);
    r1();
    expect(lim.running).toBe(0);
  });
});
