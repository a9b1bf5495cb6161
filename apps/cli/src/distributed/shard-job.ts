/**
 * What travels through the queue: one shard of one run, as the options of `detect --shard i/N`.
 * Paths are absolute and must be readable by every worker (a shared file system, or the same
 * machine); the key travels as a path, never as its secret.
 */
import { type DetectCommandOptions } from '../commands/detect.ts';

/** The default queue name; runs on a shared Redis can use their own with --queue. */
export const DEFAULT_QUEUE = 'tracemark';

/** Job name of a detection shard. */
export const DETECT_JOB = 'detect';

/** A worker fails a job whose input is bad with this prefix, and BullMQ does not retry it. */
export const BAD_INPUT = 'bad input: ';

export interface DetectShardJob {
  /** The enqueuing run (a random id), so one run's jobs can be found and removed. */
  readonly run: string;
  readonly options: Omit<DetectCommandOptions, 'quiet' | 'shard'> & { readonly shard: { readonly index: number; readonly count: number } };
}
