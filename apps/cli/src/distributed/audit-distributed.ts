/**
 * `audit --accounts FILE --redis URL --shards N`: the accounts' scoring done by `tracemark worker`s.
 * The account list is cut into N contiguous ranges, one BullMQ job each (run-shards.ts); a worker
 * scores its range with the single run's `scoreAccounts` (score-account-shard.ts); the ranges come
 * back in account order and `runAudit` applies the single run's correction (`rankAccounts`) to
 * them, so the report is the single run's, every p-value to the bit. Only attribution is
 * distributed: the closed-model, supervised, open-model and fingerprint tests run in the enqueuing
 * process, as they are a single pass over the outputs while attribution is one pass per account.
 * The shards are queued first, before this process reads and tokenizes the outputs itself, so the
 * workers' preparation overlaps this process's own reading and tests.
 *
 * Workers read the same files by absolute path (a shared file system, or the same machine): the
 * suspect outputs must be a file (`--suspect-outputs`), not collected by this run, and the key
 * travels as a path, never as its secret.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type AccountScorer, type AuditInputs, type RawAccountScore } from '@tracemark/audit';
import { type Tokenizer } from '@tracemark/tokenizers';
import { type WatermarkKey } from '@tracemark/watermark';
import { readAccounts } from '../audit-inputs.ts';
import { InputError } from '../errors.ts';
import { sha256File } from '../io.ts';
import { type DistributedOptions, queueShards } from './run-shards.ts';
import { ACCOUNTS_JOB, type AccountShardJob, type WireAccountScore } from './shard-job.ts';
import { fromWireNumber } from './wire-number.ts';

export interface AccountPaths {
  readonly key: string;
  readonly suspectOutputs: string;
  readonly accounts: string;
  readonly tokenizer?: string;
  readonly alpha: number;
}

/** Account shards on the queue, before the audit itself has read its inputs. */
export interface QueuedAccounts {
  /** The scorer `runAudit` calls in place of scoring here, once the audit has read `inputs`. */
  scorer(inputs: AuditInputs): AccountScorer;
  /** Drop the shards (the audit failed before asking for their results). */
  cancel(): Promise<void>;
}

/** Queue the accounts file's ranges for workers; the files are hashed here, and the audit must read the same bytes. */
export async function queueAccountShards(o: AccountPaths & DistributedOptions, key: WatermarkKey, tokenizer: Tokenizer): Promise<QueuedAccounts> {
  const accounts = await readAccounts(o.accounts);
  const outputsSha256 = (await sha256File(o.suspectOutputs)).sha256;
  const accountsSha256 = (await sha256File(o.accounts)).sha256;
  // A tokenizer given as a file travels as its absolute path; a built-in name as itself.
  const tokenizerSpec = o.tokenizer === undefined ? undefined : existsSync(o.tokenizer) ? resolve(o.tokenizer) : o.tokenizer;
  const base = {
    key: resolve(o.key),
    keyId: key.keyId,
    ...(tokenizerSpec !== undefined ? { tokenizer: tokenizerSpec } : {}),
    tokenizerIdentity: tokenizer.identity(),
    suspectOutputs: resolve(o.suspectOutputs),
    suspectOutputsSha256: outputsSha256,
    accounts: resolve(o.accounts),
    accountsSha256,
    alpha: o.alpha,
  };
  const ranges = accountRanges(accounts.length, o.shards);
  if (ranges.length < o.shards) o.log?.(`${accounts.length} accounts: ${ranges.length} shard(s), not ${o.shards} (a shard holds at least one account)`);
  const queued = await queueShards<AccountShardJob, WireAccountScore[]>({ ...o, shards: ranges.length }, ACCOUNTS_JOB, (run, index) => ({
    run,
    options: { ...base, range: { ...ranges[index]!, total: accounts.length }, shard: { index, count: ranges.length } },
  }));
  return {
    scorer: (inputs) => async (tested, onProgress) => {
      // The workers score the files as hashed above; the report must describe those same bytes.
      const changed = [
        ['suspect-outputs', o.suspectOutputs, outputsSha256],
        ['accounts', o.accounts, accountsSha256],
      ].find(([role, , sha256]) => inputs.digests.find((d) => d.role === role)?.sha256 !== sha256);
      const sameAccounts = tested.length === accounts.length && tested.every((a, i) => a === accounts[i]);
      if (changed || !sameAccounts || inputs.alpha !== o.alpha || inputs.key.keyId !== key.keyId) {
        await queued.cancel();
        throw new InputError(`${changed ? changed[1] : o.accounts}: changed while the audit was reading it (the queued shards score other bytes); rerun the audit`);
      }
      o.log?.(`read and tested the outputs here; waiting for the workers' ${ranges.length} account shard(s)`);
      let done = 0;
      const { results } = await queued.wait((_, scores) => onProgress((done += scores.length), accounts.length));
      return results.flatMap((scores, index) => scores.map((s) => fromWire(s, `shard ${index}/${ranges.length}`)));
    },
    cancel: () => queued.cancel(),
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
