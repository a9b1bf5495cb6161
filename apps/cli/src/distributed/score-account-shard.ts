/**
 * The worker's side of `audit --accounts FILE --redis`: score one range of accounts exactly as the
 * single run would (`scoreAccounts` of @tracemark/audit, the function the single run calls), from
 * the files the enqueuing process read. The job carries paths and digests, never key material: the
 * key is read here from the shared file, checked against the id the enqueuing process loaded, and
 * zeroed when the shard ends.
 *
 * The key-independent preparation (reading and tokenizing the outputs, finding their distinct
 * tuples) is repeated by every shard: a fixed cost per shard, whatever its number of accounts, so
 * shards should hold many accounts each (a few shards per worker, not one per account).
 */
import { scoreAccounts } from '@tracemark/audit';
import { assertSameTokenizer } from '@tracemark/tokenizers';
import { readAccounts } from '../audit-inputs.ts';
import { InputError } from '../errors.ts';
import { sha256File } from '../io.ts';
import { loadKeyFile, tokenizerForKey } from '../keys.ts';
import { readOutputsFile } from '../suspect-outputs.ts';
import { type AccountShardJob, type WireAccountScore } from './shard-job.ts';
import { toWireNumber } from './wire-number.ts';

export async function scoreAccountShard(o: AccountShardJob['options']): Promise<WireAccountScore[]> {
  const key = await loadKeyFile(o.key);
  try {
    if (key.keyId !== o.keyId) throw new InputError(`${o.key}: holds key ${key.keyId}, but the audit loaded ${o.keyId} from it (changed since?)`);
    const tokenizer = await tokenizerForKey(key, o.tokenizer);
    assertSameTokenizer(o.tokenizerIdentity, tokenizer.identity(), 'the queued audit');
    // Read, then hash: a file changed before or while it was read fails the digest check below.
    const { outputs } = await readOutputsFile(o.suspectOutputs, tokenizer);
    const accounts = await readAccounts(o.accounts);
    for (const [path, want] of [[o.suspectOutputs, o.suspectOutputsSha256], [o.accounts, o.accountsSha256]] as const) {
      const { sha256 } = await sha256File(path);
      if (sha256 !== want) throw new InputError(`${path}: changed since the audit read it (sha256 ${sha256.slice(0, 12)}…, the audit read ${want.slice(0, 12)}…)`);
    }
    const { start, end, total } = o.range;
    if (accounts.length !== total || !(0 <= start && start < end && end <= total)) throw new InputError(`${o.accounts}: ${accounts.length} accounts, the shard asks for [${start}, ${end}) of ${total}`);
    return scoreAccounts(key, accounts.slice(start, end), outputs, { alpha: o.alpha }).map((r) => ({
      account: r.account,
      keyId: r.keyId,
      scored: toWireNumber(r.scored),
      score: toWireNumber(r.score),
      rate: toWireNumber(r.rate),
      pValue: toWireNumber(r.tail.pValue),
      log10PValue: toWireNumber(r.tail.log10PValue),
    }));
  } finally {
    key.secret.fill(0);
  }
}
