/**
 * A small pool of detection worker threads: documents go out in batches, prepared documents come
 * back (typed arrays transferred, not copied) and are handed to the caller strictly in input order.
 * At most two batches per worker are in flight, so memory stays bounded on any input size.
 */
import { Worker } from 'node:worker_threads';
import { type PreparedDocument } from '@tracemark/watermark';
import { RuntimeFailure } from './errors.ts';
import { type DetectBatch, type DetectWorkerData, type DetectWorkerMessage } from './detect-worker-protocol.ts';

export const BATCH_DOCUMENTS = 64;

export class DetectPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, PreparedDocument[]>();
  private readonly waiters: (() => void)[] = [];
  private nextToSend = 0;
  private nextToDeliver = 0;
  private failure: Error | null = null;

  private constructor(private readonly onReady: (docs: PreparedDocument[]) => void) {}

  static async start(threads: number, data: DetectWorkerData, onReady: (docs: PreparedDocument[]) => void): Promise<DetectPool> {
    const pool = new DetectPool(onReady);
    await Promise.all(
      Array.from({ length: threads }, () => {
        const w = new Worker(new URL('./detect-worker-boot.mjs', import.meta.url), { workerData: data });
        pool.workers.push(w);
        return new Promise<void>((resolve, reject) => {
          w.on('message', (m: DetectWorkerMessage) => {
            if ('ready' in m) resolve();
            else if ('error' in m) {
              pool.fail(new RuntimeFailure(`detection worker: ${m.error}`));
              reject(pool.failure);
            } else pool.receive(m.index, m.prepared);
          });
          w.on('error', (e) => {
            pool.fail(new RuntimeFailure(`detection worker: ${e.message}`));
            reject(pool.failure);
          });
        });
      }),
    );
    return pool;
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const wake of this.waiters.splice(0)) wake();
  }

  private receive(index: number, prepared: PreparedDocument[]): void {
    this.pending.set(index, prepared);
    while (this.pending.has(this.nextToDeliver)) {
      const docs = this.pending.get(this.nextToDeliver)!;
      this.pending.delete(this.nextToDeliver++);
      this.onReady(docs);
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  private async wait(condition: () => boolean): Promise<void> {
    while (!condition()) {
      if (this.failure) throw this.failure;
      await new Promise<void>((r) => this.waiters.push(r));
    }
    if (this.failure) throw this.failure;
  }

  /** Queue a batch; waits while too many batches are in flight. */
  async submit(docs: DetectBatch['docs']): Promise<void> {
    await this.wait(() => this.nextToSend - this.nextToDeliver < 2 * this.workers.length);
    const index = this.nextToSend++;
    this.workers[index % this.workers.length]!.postMessage({ index, docs } satisfies DetectBatch);
  }

  /** Wait until every submitted batch has been delivered. */
  async drain(): Promise<void> {
    await this.wait(() => this.nextToDeliver === this.nextToSend);
  }

  /** Stop the workers (always call it, also after an error). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
