/**
 * A small pool of detection worker threads: raw JSONL lines go out in batches, prepared documents come
 * back (typed arrays transferred, not copied) and are handed to the caller strictly in input order.
 * At most two batches per worker are in flight, so memory stays bounded on any input size.
 */
import { Worker } from 'node:worker_threads';
import { type PreparedDocument } from '@tracemark/watermark';
import { InputError, IoError } from './errors.ts';
import { type DetectBatch, type DetectWorkerData, type DetectWorkerMessage } from './detect-worker-protocol.ts';
import { workerEntry } from './worker-entry.ts';

export const BATCH_DOCUMENTS = 64;

export class DetectPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { prepared: PreparedDocument[]; inputError: string | undefined }>();
  private readonly waiters: (() => void)[] = [];
  private nextToSend = 0;
  private nextToDeliver = 0;
  private failure: Error | null = null;

  private constructor(private readonly onReady: (docs: PreparedDocument[]) => void) {}

  static async start(threads: number, data: DetectWorkerData, onReady: (docs: PreparedDocument[]) => void): Promise<DetectPool> {
    const pool = new DetectPool(onReady);
    await Promise.all(
      Array.from({ length: threads }, () => {
        const w = new Worker(workerEntry(import.meta.url, 'detect-worker'), { workerData: data });
        pool.workers.push(w);
        return new Promise<void>((resolve, reject) => {
          w.on('message', (m: DetectWorkerMessage) => {
            if ('ready' in m) resolve();
            else if ('error' in m) {
              pool.fail(new IoError(`detection worker: ${m.error}`));
              reject(pool.failure);
            } else pool.receive(m.index, m.prepared, m.inputError);
          });
          w.on('error', (e) => {
            pool.fail(new IoError(`detection worker: ${e.message}`));
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

  private receive(index: number, prepared: PreparedDocument[], inputError: string | undefined): void {
    this.pending.set(index, { prepared, inputError });
    // Deliver strictly in input order; the first bad line in input order fails the run, after the
    // documents before it — exactly where a single-threaded run stops.
    while (!this.failure && this.pending.has(this.nextToDeliver)) {
      const batch = this.pending.get(this.nextToDeliver)!;
      this.pending.delete(this.nextToDeliver++);
      this.onReady(batch.prepared);
      if (batch.inputError) this.fail(new InputError(batch.inputError));
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

  /** Queue a batch of raw JSONL lines of `path`; waits while too many batches are in flight. */
  async submit(path: string, lines: DetectBatch['lines']): Promise<void> {
    await this.wait(() => this.nextToSend - this.nextToDeliver < 2 * this.workers.length);
    const index = this.nextToSend++;
    this.workers[index % this.workers.length]!.postMessage({ index, path, lines } satisfies DetectBatch);
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
