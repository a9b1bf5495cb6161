/**
 * What travels through the queue: one shard of one run, as the options of `detect --shard i/N`, or
 * a range of accounts of `audit --accounts`, and what an account shard returns. Paths are absolute and must be readable by every worker (a shared file system, or the same
 * machine); the key travels as a path, never as its secret.
 */
import { type TokenizerIdentity } from '@tracemark/tokenizers';
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

/** Job name of an account-attribution shard (`audit --accounts FILE --redis`). */
export const ACCOUNTS_JOB = 'audit-accounts';

/**
 * One range of accounts of one `audit --accounts` run: the worker reads the same files the
 * enqueuing process read (checked by their SHA-256 and the key's id, so a file changed in between
 * fails the shard instead of scoring other data) and scores accounts [start, end) of the file.
 */
export interface AccountShardJob {
  readonly run: string;
  readonly options: {
    /** Absolute path of the master key file, and the id the enqueuing process loaded from it. */
    readonly key: string;
    readonly keyId: string;
    /** `--tokenizer` (a built-in name, or an absolute path), and the identity it must have. */
    readonly tokenizer?: string;
    readonly tokenizerIdentity: TokenizerIdentity;
    readonly suspectOutputs: string;
    readonly suspectOutputsSha256: string;
    readonly accounts: string;
    readonly accountsSha256: string;
    readonly alpha: number;
    readonly range: { readonly start: number; readonly end: number; readonly total: number };
    readonly shard: { readonly index: number; readonly count: number };
  };
}

/**
 * A double as JSON carries it exactly: finite numbers as themselves (JSON round-trips them), and
 * the values JSON would lose or change (−0, ±Infinity — a tail beyond float range has
 * log10PValue −Infinity — and NaN) as strings.
 */
export type WireNumber = number | '-0' | 'Infinity' | '-Infinity' | 'NaN';

/** One account's raw score (`RawAccountScore` of @tracemark/audit) as a worker returns it. */
export interface WireAccountScore {
  readonly account: string;
  readonly keyId: string;
  readonly scored: WireNumber;
  readonly score: WireNumber;
  readonly rate: WireNumber;
  readonly pValue: WireNumber;
  readonly log10PValue: WireNumber;
}
