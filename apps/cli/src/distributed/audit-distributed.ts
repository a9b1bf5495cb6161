/**
 * `audit --accounts FILE --redis URL --shards N`: the accounts' scoring done by `tracemark worker`s.
 * The account list is cut into N contiguous ranges, one BullMQ job each (run-shards.ts); a worker
 * scores its range with the single run's `scoreAccounts` (score-account-shard.ts); the ranges come
 * back in account order and `runAudit` applies the single run's correction (`rankAccounts`) to
 * them, so the report is the single run's, every p-value to the bit. Only attribution is
 * distributed: the closed-model, supervised, open-model and fingerprint tests run in the enqueuing
 * process, as they are a single pass over the outputs while attribution is one pass per account.
 *
 * Workers read the same files by absolute path (a shared file system, or the same machine): the
 * suspect outputs must be a file (`--suspect-outputs`), not collected by this run, and the key
 * travels as a path, never as its secret.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type AccountScorer, type AuditInputs, type RawAccountScore } from '@tracemark/audit';
import { type Tokenizer } from '@tracemark/tokenizers';
import { InputError } from '../errors.ts';
import { type DistributedOptions, runShards } from './run-shards.ts';
import { ACCOUNTS_JOB, type AccountShardJob, type WireAccountScore } from './shard-job.ts';
import { fromWireNumber } from './wire-number.ts';

export interface AccountPaths {
  readonly key: string;
  readonly suspectOutputs: string;
  readonly accounts: string;
  readonly tokenizer?: string;
}

/** The scorer `runAudit` calls in place of scoring here (`AuditInputs.accountScorer`). */
export function distributedAccountScorer(o: AccountPaths & DistributedOptions, inputs: AuditInputs, tokenizer: Tokenizer): AccountScorer {
  const digest = (role: string) => {
    const d = inputs.digests.find((x) => x.role === role);
    if (!d) throw new Error(`audit --redis: no ${role} digest among the inputs read`);
    return d.sha256;
  };
  // A tokenizer given as a file travels as its absolute path; a built-in name as itself.
  const tokenizerSpec = o.tokenizer === undefined ? undefined : existsSync(o.tokenizer) ? resolve(o.tokenizer) : o.tokenizer;
  const base = {
    key: resolve(o.key),
    keyId: inputs.key.keyId,
    ...(tokenizerSpec !== undefined ? { tokenizer: tokenizerSpec } : {}),
    tokenizerIdentity: tokenizer.identity(),
    suspectOutputs: resolve(o.suspectOutputs),
    suspectOutputsSha256: digest('suspect-outputs'),
    accounts: resolve(o.accounts),
    accountsSha256: digest('accounts'),
    alpha: inputs.alpha,
  };
  return async (accounts, onProgress) => {
    const ranges = accountRanges(accounts.length, o.shards);
    if (ranges.length < o.shards) o.log?.(`${accounts.length} accounts: ${ranges.length} shard(s), not ${o.shards} (a shard holds at least one account)`);
    let done = 0;
    const { results } = await runShards<AccountShardJob, WireAccountScore[]>(
      { ...o, shards: ranges.length },
      ACCOUNTS_JOB,
      (run, index) => ({ run, options: { ...base, range: { ...ranges[index]!, total: accounts.length }, shard: { index, count: ranges.length } } }),
      (_, scores) => onProgress((done += scores.length), accounts.length),
    );
    return results.flatMap((scores, index) => scores.map((s) => fromWire(s, `shard ${index}/${ranges.length}`)));
  };
}

/** `count` accounts in `shards` contiguous ranges whose sizes differ by at most one. */
export function accountRanges(count: number, shards: number): { start: number; end: number }[] {
  if (!Number.isInteger(shards) || shards < 1) throw new InputError(`--shards must be a positive integer, got ${shards}`);
  const n = Math.min(shards, count);
  return Array.from({ length: n }, (_, i) => ({ start: Math.floor((i * count) / n), end: Math.floor(((i + 1) * count) / n) }));
}

function fromWire(s: WireAccountScore, where: string): RawAccountScore {
  const what = `${where}, account ${JSON.stringify(s.account)}`;
  return {
    account: s.account,
    keyId: s.keyId,
    scored: fromWireNumber(s.scored, what),
    score: fromWireNumber(s.score, what),
    rate: fromWireNumber(s.rate, what),
    tail: { pValue: fromWireNumber(s.pValue, what), log10PValue: fromWireNumber(s.log10PValue, what) },
  };
}
