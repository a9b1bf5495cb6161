/**
 * `detect --redis URL --shards N`: the single-run result computed by workers, two ways.
 *
 * With `--summary` (the aggregate only), the input is cut into N or more ranges of whole lines
 * (detect-ranges.ts); each worker reads its ranges only, and the parts merge exactly into the
 * single run's aggregate, so N workers share one pass over the input.
 *
 * With per-document results, the run is split into the N tuple shards of `detect --shard i/N`
 * (each distinct tuple is routed to exactly one shard by its hash, so global dedup is preserved):
 * every shard reads the whole input, so the shards spread memory, not work. The partial results are
 * merged exactly as `tracemark merge` merges files.
 *
 * Failure handling (a killed worker's shard retried, bad input failing without retry, a lost Redis)
 * is the queue engine's, run-shards.ts; each shard's one result is merged once (`mergePartials`
 * refuses a shard given twice).
 */
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type DetectCommandOptions, type DetectCommandResult, type DetectPartial } from '../commands/detect.ts';
import { mergePartials } from '../commands/merge.ts';
import { InputError } from '../errors.ts';
import { DETECT_RANGE_JOB, type DetectRangeJob, type DetectRangeResult, RangeResults, splitRanges } from './detect-ranges.ts';
import { type DistributedOptions, runShards, type ShardReport } from './run-shards.ts';
import { DEFAULT_QUEUE, DETECT_JOB, type DetectShardJob } from './shard-job.ts';

export type { DistributedOptions, ShardReport } from './run-shards.ts';

export async function detectDistributed(o: DetectCommandOptions & DistributedOptions & { shardBy?: 'input' | 'tuples' }): Promise<{ result: DetectCommandResult; shards: ShardReport[] }> {
  const shardBy = o.shardBy ?? (o.summary ? 'input' : 'tuples');
  if (shardBy === 'input' && !o.summary) throw new InputError('--shard-by input gives the aggregate only: add --summary, or use --shard-by tuples for per-document results');
  if (o.shard) throw new InputError('--shard and --shards exclude each other (--shards splits the run itself)');
  if (o.inputs.length === 0 || o.inputs.includes('-')) throw new InputError('--redis needs input files that every worker can read (not stdin)');
  const key = resolve(o.key);
  const inputs = o.inputs.map((p) => resolve(p));
  for (const p of [key, ...inputs]) await access(p).catch(() => Promise.reject(new InputError(`${p}: no such file (workers read the same paths)`)));
  const { redis: _r, shards: _s, queue: _q, log: _l, redisLossMs: _m, quiet: _quiet, shardBy: _b, ...detectOptions } = o;
  if (shardBy === 'input') {
    if (o.window) throw new InputError('--window needs every scored position of each document; it cannot be combined with --redis');
    const ranges = await splitRanges(inputs, o.shards, o.format);
    const { inputs: _i, threads: _t, ...rangeOptions } = detectOptions;
    (o.log ?? (() => {}))(`${ranges.length} input range(s) of whole lines; each worker reads only its own`);
    const merged = new RangeResults(ranges);
    const { shards } = await runShards<DetectRangeJob, DetectRangeResult>(
      { ...o, shards: ranges.length },
      DETECT_RANGE_JOB,
      (run, index) => ({ run, options: { ...rangeOptions, key }, range: ranges[index]! }),
      (_, part) => {
        merged.add(part);
        // Merged: its tuples (the bulk of the result) need not stay in memory until the run ends.
        (part as { summary?: unknown }).summary = undefined;
      },
    );
    return { result: merged.result(o.inputs), shards };
  }
  const { results, shards } = await runShards<DetectShardJob, DetectPartial>(o, DETECT_JOB, (run, index) => ({
    run,
    options: { ...detectOptions, key, inputs, shard: { index, count: o.shards } },
  }));
  const name = o.queue ?? DEFAULT_QUEUE;
  const result = mergePartials(results.map((doc, index) => ({ path: `queue ${name} shard ${index}/${o.shards}`, doc })));
  return { result: { ...result, inputs: o.inputs }, shards };
}
