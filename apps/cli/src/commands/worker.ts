/**
 * `tracemark worker --redis URL`: take shards from the BullMQ queue and return their results, until
 * SIGINT or SIGTERM: detection shards (`detect --redis URL --shards N`: tuple shards, or with
 * `--summary` input ranges; partial results merged by the enqueuing process) and account ranges (`audit --accounts FILE --redis URL --shards N`, raw
 * per-account scores corrected by the enqueuing process) and log ingests (`traffic scan LOG…
 * --redis URL --shards N`, databases the enqueuing process scans), told apart by the job's name. Start as
 * many as there are cores on as many machines as share the input files.
 *
 * A job's lock is renewed while it runs; if this process dies (kill -9, machine lost) the lock
 * lapses after `lockMs`, and any live worker's stalled-job check puts the shard back in the queue
 * (up to `MAX_STALLS` times, then the run fails rather than loop). Bad input fails the job without
 * retry.
 */
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { defineCommand, option } from '../command.ts';
import { classifyError, ExitCode } from '../errors.ts';
import { parseNumber } from '../option-parsers.ts';
import { connectRedis } from '../distributed/connect-redis.ts';
import { ACCOUNTS_JOB, type AccountShardJob, BAD_INPUT, DEFAULT_QUEUE, DETECT_JOB, type DetectShardJob, type WireAccountScore } from '../distributed/shard-job.ts';
import { type DetectPartial, detectPartial } from './detect.ts';
import { DETECT_RANGE_JOB, type DetectRangeJob, type DetectRangeResult, detectRange } from '../distributed/detect-ranges.ts';
import { ingestLogs, TRAFFIC_INGEST_JOB, type TrafficIngestJob, type TrafficIngestResult } from '../distributed/traffic-ingest.ts';

export interface WorkerCommandOptions {
  redis: string;
  queue?: string;
  /** Shards processed at once by this process (each on the event loop; use --threads for cores). */
  concurrency?: number;
  /** Job lock duration: how soon a dead worker's shard is retried. Default 30 s. */
  lockMs?: number;
  /** Worker threads per shard (detect --threads). */
  threads?: number;
  log?: (line: string) => void;
  /** Stop taking jobs and return when aborted (the CLI aborts on SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

type ShardJob = DetectShardJob | AccountShardJob | DetectRangeJob | TrafficIngestJob;
type ShardResult = DetectPartial | WireAccountScore[] | DetectRangeResult | TrafficIngestResult;

/** A shard may stall (its worker died) this many times before the run fails. */
const MAX_STALLS = 3;

export async function worker(o: WorkerCommandOptions): Promise<{ processed: number }> {
  const log = o.log ?? (() => {});
  const connection = await connectRedis(o.redis);
  const name = o.queue ?? DEFAULT_QUEUE;
  const lockMs = o.lockMs ?? 30_000;
  let processed = 0;
  const process = async (job: Job<ShardJob>): Promise<ShardResult> => {
    const task = shardTask(job, o.threads, log);
    log(`${task.label}: started (attempt ${job.attemptsStarted})`);
    try {
      const result = await task.run();
      processed++;
      log(`${task.label}: done`);
      return result;
    } catch (e) {
      const { exitCode, message } = classifyError(e);
      log(`${task.label}: failed: ${message}`);
      // Bad input fails the same way on every attempt: no retry.
      if (exitCode === ExitCode.usage) throw new UnrecoverableError(`${BAD_INPUT}${message}`);
      throw e;
    }
  };
  const w = new Worker<ShardJob, ShardResult>(name, process, {
    connection,
    concurrency: o.concurrency ?? 1,
    lockDuration: lockMs,
    stalledInterval: Math.max(1000, Math.floor(lockMs / 2)),
    maxStalledCount: MAX_STALLS,
    autorun: false,
  });
  w.on('error', (e) => log(`worker: ${e.message}`));
  await w.waitUntilReady();
  log(`worker ${w.id} waiting for shards on queue "${name}"`);
  const stopped = new Promise<void>((resolve) => {
    if (o.signal?.aborted) resolve();
    o.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  const running = w.run();
  await stopped;
  await w.close();
  await running;
  connection.disconnect();
  return { processed };
}

/** What a job asks for, by its name; an unknown kind is bad input (a newer enqueuer?), not retried. */
function shardTask(job: Job<ShardJob>, threads: number | undefined, log: (line: string) => void): { label: string; run: () => Promise<ShardResult> } {
  if (job.name === DETECT_JOB) {
    const { run, options } = job.data as DetectShardJob;
    return {
      label: `shard ${options.shard.index}/${options.shard.count} of run ${run}`,
      run: () => detectPartial({ ...options, ...(threads ? { threads } : {}), quiet: true }),
    };
  }
  if (job.name === ACCOUNTS_JOB) {
    const { run, options } = job.data as AccountShardJob;
    const { start, end, total } = options.range;
    const label = `account shard ${options.shard.index}/${options.shard.count} (accounts ${start}–${end - 1} of ${total}) of run ${run}`;
    return {
      label,
      // Loaded on first use: a worker that only ever sees detection shards does not load the audit code.
      run: async () => (await import('../distributed/score-account-shard.ts')).scoreAccountShard(options, (l) => log(`${label}: ${l}`)),
    };
  }
  if (job.name === DETECT_RANGE_JOB) {
    const { run, range } = job.data as DetectRangeJob;
    const where = range.range ? `bytes ${range.range.start}–${range.range.end - 1} of ${range.input}` : range.input;
    return {
      label: `range ${range.index} (${where}) of run ${run}`,
      run: () => detectRange(job.data as DetectRangeJob),
    };
  }
  if (job.name === TRAFFIC_INGEST_JOB) {
    const { run, options } = job.data as TrafficIngestJob;
    const label = `ingest of ${options.logs.length} log(s) of run ${run}`;
    return {
      label,
      run: () => ingestLogs(job.data as TrafficIngestJob, (l) => log(`${label}: ${l}`)),
    };
  }
  throw new UnrecoverableError(`${BAD_INPUT}unknown job kind ${JSON.stringify(job.name)}`);
}

export const command = defineCommand({
  name: 'worker',
  description: 'process shards queued by `detect`, `audit --accounts FILE` or `traffic scan` with --redis URL --shards N (BullMQ), until SIGINT/SIGTERM',
  options: {
    redis: option('--redis <url>', 'Redis URL, e.g. redis://127.0.0.1:6379/0').required(),
    queue: option('--queue <name>', 'BullMQ queue name (default: tracemark)'),
    concurrency: option('--concurrency <n>', 'shards processed at once by this process', { parse: parseNumber('concurrency', 1, 64, true) }).default(1),
    threads: option('--threads <n>', 'worker threads per shard (as detect --threads)', { parse: parseNumber('threads', 1, 64, true) }),
    lockMs: option('--lock-ms <ms>', "job lock duration: how soon a dead worker's shard is retried", { parse: parseNumber('lock-ms', 1000, 3_600_000, true) }).default(30_000),
  },
  async run(o, { io }) {
    const stop = new AbortController();
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => stop.abort());
    await worker({ ...o, log: (l) => io.stderr(`${l}\n`), signal: stop.signal });
  },
});
