/**
 * A small pool of detection worker threads: raw JSONL lines go out in batches, prepared documents come
 * back (typed arrays transferred, not copied) and are handed to the caller strictly in input order.
 * At most four batches per worker are in flight, so memory stays bounded on any input size.
 *
 * The calling thread is one of the pool's threads: `threads` = this thread + `threads - 1` workers.
 * When every worker has its batches, the next batch is scored here instead of waiting (through
 * `local`), and at the end, when the run waits for a batch a worker still has, this thread scores
 * it too (the worker's copy is dropped), so this thread does not idle: not while the workers start
 * (≈0.8 s of CPU each from the TypeScript sources: modules, the tokenizer's rank table), not while
 * they run cold code, not at the end. Measured on 44 MiB of JSONL, 2 cores: two workers with this
 * thread only reading and deduplicating took 3.3 s wall against 2.5 s for one thread; for this
 * design see BENCHMARKS.md ("Detection ÷ tokenization").
 */
import { Worker } from 'node:worker_threads';
import { type PreparedDocument } from '@tracemark/watermark';
import { InputError, IoError } from './errors.ts';
import { type DetectBatch, type DetectWorkerData, type DetectWorkerMessage } from './detect-worker-protocol.ts';
import { type PreparedLines } from './prepare-jsonl-lines.ts';
import { workerEntry } from './worker-entry.ts';

export const BATCH_DOCUMENTS = 64;
/** Batches submitted but not yet delivered, per worker, beyond which `submit` waits. */
const MAX_AHEAD_PER_WORKER = 8;
/**
 * Batches a worker holds at most: four keep it busy while this thread scores a batch of its own
 * (measured on 160 MiB, this thread + 1 worker: two 5.4–5.6 s wall, four 5.0–5.1 s, eight 5.0–5.2 s).
 */
const IN_FLIGHT_PER_WORKER = 4;

/** What the calling thread does with a batch it scores itself (see `DetectPool.start`). */
export interface LocalScoring {
  /** Score the lines and add them to the run now (every earlier batch is already delivered). */
  add(path: string, lines: DetectBatch['lines']): void;
  /** Score the lines into prepared documents, delivered after the batches before them (as a worker does, see `prepareJsonlLines`). */
  prepare(path: string, lines: DetectBatch['lines']): PreparedLines;
}

export class DetectPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { prepared: PreparedDocument[]; inputError: string | undefined }>();
  private readonly waiters: (() => void)[] = [];
  private readonly inFlight: number[] = [];
  private readonly ready: boolean[] = [];
  /** Where the batches went: to a worker, scored here and added at once, scored here and held for order; and how many sent to a worker were then scored here. */
  readonly routed = { worker: 0, added: 0, held: 0, stolen: 0 };
  /** Batches at a worker, not yet back (what `steal` may take over). */
  private readonly posted = new Map<number, { path: string; lines: DetectBatch['lines'] }>();
  private nextToSend = 0;
  private nextToDeliver = 0;
  private failure: Error | null = null;

  private constructor(
    private readonly onReady: (docs: PreparedDocument[]) => void,
    private readonly local: LocalScoring,
  ) {}

  /**
   * Start `threads - 1` workers (`threads` ≥ 2). They load the key and tokenizer in the background
   * and get batches once ready; until then this thread scores every batch. A worker that fails to
   * start fails the run at the next `submit` or `drain`.
   */
  static start(threads: number, data: DetectWorkerData, onReady: (docs: PreparedDocument[]) => void, local: LocalScoring): DetectPool {
    if (!(Number.isInteger(threads) && threads >= 2)) throw new RangeError(`DetectPool needs at least 2 threads, got ${threads}`);
    const pool = new DetectPool(onReady, local);
    for (let k = 0; k < threads - 1; k++) {
      const w = new Worker(workerEntry(import.meta.url, 'detect-worker'), { workerData: data });
      const slot = k;
      pool.workers.push(w);
      pool.inFlight.push(0);
      pool.ready.push(false);
      w.on('message', (m: DetectWorkerMessage) => {
        if ('ready' in m) {
          pool.ready[slot] = true;
          for (const wake of pool.waiters.splice(0)) wake();
        } else if ('error' in m) pool.fail(new IoError(`detection worker: ${m.error}`));
        else {
          pool.inFlight[slot]!--;
          // A batch this thread took over meanwhile (`steal`) is already delivered: drop the copy.
          if (pool.posted.delete(m.index)) pool.receive(m.index, m.prepared, m.inputError);
        }
      });
      w.on('error', (e) => pool.fail(new IoError(`detection worker: ${e.message}`)));
    }
    return pool;
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const wake of this.waiters.splice(0)) wake();
  }

  private receive(index: number, prepared: PreparedDocument[], inputError: string | undefined): void {
    this.pending.set(index, { prepared, inputError });
    this.deliver();
  }

  private deliver(): void {
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

  /**
   * Score here the batch the run waits for when a worker still has it (cold workers are slow on
   * their first batches, and this thread would otherwise sit idle); its documents are added now and
   * the worker's copy is dropped when it comes. False when that batch is not at a worker.
   */
  private steal(): boolean {
    const index = this.nextToDeliver;
    const batch = this.posted.get(index);
    if (!batch) return false;
    this.posted.delete(index);
    this.routed.stolen++;
    this.addHere(batch.path, batch.lines);
    this.deliver();
    return true;
  }

  /** Add a batch here, the next one in order. */
  private addHere(path: string, lines: DetectBatch['lines']): void {
    this.nextToDeliver++;
    try {
      this.local.add(path, lines);
    } catch (e) {
      // Nothing after the bad line may be delivered, as when a worker's batch fails.
      this.fail(e as Error);
      throw e;
    }
  }

  /** Wait until `condition`, scoring the batch the run waits for here rather than idling (`steal`): at the end of the run, where this thread has nothing else to do. */
  private async settle(condition: () => boolean): Promise<void> {
    while (!condition()) {
      if (this.failure) throw this.failure;
      if (this.steal()) continue;
      await new Promise<void>((r) => this.waiters.push(r));
    }
    if (this.failure) throw this.failure;
  }

  private async wait(condition: () => boolean): Promise<void> {
    while (!condition()) {
      if (this.failure) throw this.failure;
      await new Promise<void>((r) => this.waiters.push(r));
    }
    if (this.failure) throw this.failure;
  }

  /**
   * Score a batch of raw JSONL lines of `path`: on the least busy worker when it has fewer than
   * `IN_FLIGHT_PER_WORKER` batches, else on this thread.
   */
  async submit(path: string, lines: DetectBatch['lines']): Promise<void> {
    if (this.failure) throw this.failure;
    let worker = -1;
    for (let k = 0; k < this.workers.length; k++) if (this.ready[k] && this.inFlight[k]! < IN_FLIGHT_PER_WORKER && (worker < 0 || this.inFlight[k]! < this.inFlight[worker]!)) worker = k;
    if (worker < 0 && this.nextToSend - this.nextToDeliver >= MAX_AHEAD_PER_WORKER * this.workers.length) {
      // Batches scored here wait for the workers' earlier ones: bound how many (memory).
      // (Waiting, not taking over a worker's batch: the worker computes it anyway, so that would
      // be work done twice while the worker is busy.)
      await this.wait(() => this.nextToSend - this.nextToDeliver < MAX_AHEAD_PER_WORKER * this.workers.length);
    }
    const index = this.nextToSend++;
    if (worker >= 0) {
      this.routed.worker++;
      this.inFlight[worker]!++;
      this.posted.set(index, { path, lines });
      this.workers[worker]!.postMessage({ index, path, lines } satisfies DetectBatch);
      return;
    }
    if (index === this.nextToDeliver) {
      // Nothing before this batch is waiting: add its documents straight away (no prepared copies).
      this.routed.added++;
      this.addHere(path, lines);
      return;
    }
    this.routed.held++;
    const { prepared, inputError } = this.local.prepare(path, lines);
    this.receive(index, prepared, inputError);
    if (this.failure) throw this.failure;
  }

  /** Wait until every worker has loaded the key and tokenizer (`submit` never needs to; tests do). */
  async whenReady(): Promise<void> {
    await this.wait(() => this.ready.every(Boolean));
  }

  /** Wait until every submitted batch has been delivered. */
  async drain(): Promise<void> {
    await this.settle(() => this.nextToDeliver === this.nextToSend);
  }

  /** Stop the workers (always call it, also after an error). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
