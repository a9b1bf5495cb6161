/**
 * Bounded concurrency for generations: at most `limit` run at once, at most `maxQueue` wait (FIFO),
 * and anything beyond is refused at once rather than queued without bound — a flood of requests
 * then costs the server a 503, not its memory. A waiter whose client goes away leaves the queue.
 */

export interface ConcurrencyLimiter {
  /** Resolves with a release function once a slot is free; null when the queue is full. Rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<(() => void) | null>;
  readonly running: number;
  readonly queued: number;
}

export function createConcurrencyLimiter(limit: number, maxQueue: number): ConcurrencyLimiter {
  let running = 0;
  const queue: { grant: () => void; reject: (e: unknown) => void; cleanup: () => void }[] = [];
  const release = (): void => {
    running--;
    const next = queue.shift();
    if (next) {
      next.cleanup();
      running++;
      next.grant();
    }
  };
  const once = (): (() => void) => {
    let done = false;
    return () => {
      if (!done) (done = true), release();
    };
  };
  return {
    get running() {
      return running;
    },
    get queued() {
      return queue.length;
    },
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (running < limit) {
        running++;
        return Promise.resolve(once());
      }
      if (queue.length >= maxQueue) return Promise.resolve(null);
      return new Promise((resolve, reject) => {
        const onAbort = () => {
          const i = queue.indexOf(entry);
          if (i >= 0) queue.splice(i, 1);
          reject(signal!.reason);
        };
        const entry = {
          grant: () => resolve(once()),
          reject,
          cleanup: () => signal?.removeEventListener('abort', onAbort),
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(entry);
      });
    },
  };
}
