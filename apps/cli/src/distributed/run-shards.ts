/**
 * The queue half of every distributed command (`detect --redis`, `audit --accounts --redis`): put
 * one BullMQ job per shard on the queue, wait for each shard's one result, and give them back in
 * shard order; what a shard is and how results merge belong to the caller.
 *
 * Failure handling is BullMQ's: a worker killed mid-shard stops renewing its job lock, another
 * worker's stalled-job check puts the job back in the queue and it runs again from the start;
 * only a completed job has a result, and each shard's one result is returned once. A shard whose
 * input is bad fails without retry (`BAD_INPUT`, set by the worker) and fails the run with the
 * worker's message (exit 2); other errors are retried once, then fail the run (exit 3). A Redis that
 * goes away for `redisLossMs` fails the run (exit 3) instead of leaving it waiting.
 */
import { randomUUID } from 'node:crypto';
import { type Job, Queue, QueueEvents } from 'bullmq';
import { type Redis } from 'ioredis';
import { InputError, IoError } from '../errors.ts';
import { connectRedis } from './connect-redis.ts';
import { BAD_INPUT, DEFAULT_QUEUE } from './shard-job.ts';

export interface DistributedOptions {
  readonly redis: string;
  readonly shards: number;
  readonly queue?: string;
  /** Progress lines (stderr in the CLI). */
  readonly log?: (line: string) => void;
  /** How long a lost Redis may stay away before the run fails (exit 3). Default 30 s. */
  readonly redisLossMs?: number;
}

/** Bound on the clean-up of a run whose Redis is gone (removing jobs needs Redis). */
const CLEANUP_MS = 2000;

/**
 * A promise that rejects once `connection` has been closed for `ms` without becoming ready again:
 * ioredis reconnects for ever, which would leave the run waiting for jobs that nobody can report.
 */
function whenLost(connection: Redis, ms: number, url: string): { lost: Promise<never>; stop: () => void; fired: () => boolean } {
  let timer: NodeJS.Timeout | undefined;
  let fired = false;
  let fail: (e: Error) => void = () => {};
  const lost = new Promise<never>((_, reject) => (fail = reject));
  lost.catch(() => {}); // observed through Promise.race below
  const down = () => {
    timer ??= setTimeout(() => {
      fired = true;
      fail(new IoError(`lost the connection to Redis at ${url} for ${ms / 1000} s; the run is abandoned (its shards expire from the queue within a day)`));
    }, ms);
  };
  const up = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  connection.on('close', down);
  connection.on('ready', up);
  return { lost, stop: () => (up(), connection.off('close', down), connection.off('ready', up)), fired: () => fired };
}

/** What the engine did with each shard. */
export interface ShardReport {
  readonly index: number;
  /** Times a worker started the job (more than 1: a worker died or failed mid-shard). */
  readonly started: number;
  readonly stalled: number;
}

/** A run's shards, queued: their results are awaited with `wait`, or the run is dropped with `cancel`. */
export interface QueuedShards<Result> {
  /**
   * Every shard's result, in shard order; `onShardDone` hears of each shard as it completes (those
   * completed before the call first). Removes the run's jobs and closes the connections when it
   * settles.
   */
  wait(onShardDone?: (index: number, result: Result) => void): Promise<{ results: Result[]; shards: ShardReport[] }>;
  /** Remove the run's jobs and close the connections without waiting for results (the caller failed). */
  cancel(): Promise<void>;
}

/**
 * Queue `count` jobs named `jobName` with the data `data(run, index)` gives, and return their
 * results in shard order. `run` is a fresh random id, also the prefix of every job id; the run's
 * jobs are removed from Redis when it ends, whether it succeeded or not.
 */
export async function runShards<Data, Result>(
  o: DistributedOptions,
  jobName: string,
  data: (run: string, index: number) => Data,
  onShardDone?: (index: number, result: Result) => void,
): Promise<{ results: Result[]; shards: ShardReport[] }> {
  return (await queueShards<Data, Result>(o, jobName, data)).wait(onShardDone);
}

/**
 * The first half of `runShards`: the jobs are on the queue when this resolves, and their results
 * are collected from then on, so the caller can do other work while workers run (`audit --redis`
 * reads and tests the outputs locally meanwhile).
 */
export async function queueShards<Data, Result>(o: DistributedOptions, jobName: string, data: (run: string, index: number) => Data): Promise<QueuedShards<Result>> {
  if (!Number.isInteger(o.shards) || o.shards < 1) throw new InputError(`--shards must be a positive integer, got ${o.shards}`);
  const log = o.log ?? (() => {});
  const name = o.queue ?? DEFAULT_QUEUE;
  const lossMs = o.redisLossMs ?? 30_000;
  const connection = await connectRedis(o.redis, lossMs);
  // Untyped queue: BullMQ's generic job types do not compose with a generic caller; the job data is
  // typed by `data` and the result by the caller's Result.
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  // Connection errors while Redis is away are reported once, by whenLost, not per reconnect attempt.
  queue.on('error', () => {});
  events.on('error', () => {});
  const run = randomUUID();
  const jobs: Job[] = [];
  const watch = whenLost(connection, lossMs, o.redis);
  let closing: Promise<void> | undefined;
  // Once only, whichever of wait and cancel comes first.
  const close = () => (closing ??= closeRun(jobs, queue, events, connection, watch));
  try {
    await events.waitUntilReady();
    const added = await queue.addBulk(
      Array.from({ length: o.shards }, (_, index) => ({
        name: jobName,
        data: data(run, index),
        // Kept for a day at most: the run removes its jobs when it ends, but a job still active then
        // (a run that failed early) finishes later and must not stay in Redis for ever.
        opts: { jobId: `${run}-${index}`, attempts: 2, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 } },
      })),
    );
    jobs.push(...added);
    log(`queued ${o.shards} shard(s) of run ${run} on queue "${name}"`);
    if ((await queue.getWorkersCount()) === 0) log(`no worker is connected to queue "${name}" yet; start one with: tracemark worker --redis ${o.redis}${o.queue ? ` --queue ${o.queue}` : ''}`);
  } catch (e) {
    await close();
    throw e;
  }
  const finished: [number, Result][] = [];
  let listener: ((index: number, result: Result) => void) | undefined;
  const all = Promise.all(
    jobs.map(async (job, index) => {
      let result: Result;
      try {
        result = (await job.waitUntilFinished(events)) as Result;
      } catch (e) {
        const reason = (e as Error).message;
        const where = `shard ${index}/${o.shards} (job ${job.id})`;
        throw reason.startsWith(BAD_INPUT) ? new InputError(`${where}: ${reason.slice(BAD_INPUT.length)}`) : new IoError(`${where} failed: ${reason}`);
      }
      finished.push([index, result]);
      log(`shard ${index}/${o.shards} done (${finished.length}/${o.shards})`);
      listener?.(index, result);
      return result;
    }),
  );
  all.catch(() => {}); // observed by wait; a run cancelled first never asks
  return {
    async wait(onShardDone) {
      try {
        for (const [index, result] of finished) onShardDone?.(index, result);
        listener = onShardDone;
        const results = await Promise.race([watch.lost, all]);
        const shards: ShardReport[] = [];
        for (const [index, job] of jobs.entries()) {
          const j = await queue.getJob(job.id!);
          const report = { index, started: j?.attemptsStarted ?? 1, stalled: j?.stalledCounter ?? 0 };
          if (report.started > 1) log(`shard ${index}/${o.shards} was started ${report.started} times (${report.stalled} stalled: a worker died mid-shard); its one completed result is used`);
          shards.push(report);
        }
        return { results, shards };
      } finally {
        await close();
      }
    },
    cancel: close,
  };
}

/**
 * The run's jobs are removed whether it succeeded or not: none is left for a worker to pick up.
 * Without Redis that cannot happen: give up after a bound, and force the connections shut.
 */
async function closeRun(jobs: readonly Job[], queue: Queue, events: QueueEvents, connection: Redis, watch: ReturnType<typeof whenLost>): Promise<void> {
  watch.stop();
  const cleanup = (async () => {
    await Promise.all(jobs.map((j) => j.remove().catch(() => {})));
    await events.close();
    await queue.close();
  })();
  cleanup.catch(() => {});
  if (watch.fired()) await Promise.race([cleanup, new Promise((r) => setTimeout(r, CLEANUP_MS).unref())]);
  else await cleanup;
  await Promise.all([events.disconnect(), queue.disconnect()]).catch(() => {});
  connection.disconnect();
}
