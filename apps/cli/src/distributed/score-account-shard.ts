/**
 * The worker's side of `audit --accounts FILE --redis`: score one range of accounts exactly as the
 * single run would (`scoreAccounts` of @tracemark/audit, the function the single run calls), from
 * the files the enqueuing process read. The job carries paths and digests, never key material: the
 * key is read here from the shared file, checked against the id the enqueuing process loaded, and
 * zeroed when the shard ends.
 *
 * The key-independent preparation is a fixed cost per shard, whatever its number of accounts. Its
 * larger part, reading and tokenizing the outputs, is kept for the next shard of this worker when
 * that shard names the same bytes (the same SHA-256) under the same tokenizer: the content, not the
 * path, decides, so a cached parse is only ever reused for the bytes it was parsed from. Finding the
 * distinct tuples is repeated per shard (inside `scoreAccounts`).
 */
import { type RawAccountScore, prepareAccountScoring, type SuspectOutput } from '@tracemark/audit';
import { assertSameTokenizer, type Tokenizer } from '@tracemark/tokenizers';
import { readAccounts } from '../audit-inputs.ts';
import { InputError } from '../errors.ts';
import { sha256File } from '../io.ts';
import { loadKeyFile, tokenizerForKey } from '../keys.ts';
import { readOutputsFile } from '../suspect-outputs.ts';
import { type AccountShardJob, type WireAccountScore } from './shard-job.ts';
import { toWireNumber } from './wire-number.ts';

/** Longest stretch of scoring between two turns of the event loop; far below the 1 s minimum --lock-ms. */
const YIELD_MS = 100;

/** The last outputs this worker read, by content digest and tokenizer (one entry: shards of one run arrive together). */
let lastOutputs: { id: string; outputs: SuspectOutput[] } | undefined;

export async function scoreAccountShard(o: AccountShardJob['options'], log?: (line: string) => void): Promise<WireAccountScore[]> {
  const key = await loadKeyFile(o.key);
  try {
    if (key.keyId !== o.keyId) throw new InputError(`${o.key}: holds key ${key.keyId}, but the audit loaded ${o.keyId} from it (changed since?)`);
    const tokenizer = await tokenizerForKey(key, o.tokenizer);
    assertSameTokenizer(o.tokenizerIdentity, tokenizer.identity(), 'the queued audit');
    const outputs = await readOutputs(o, tokenizer, log);
    const accounts = await readAccounts(o.accounts);
    await checkDigest(o.accounts, o.accountsSha256);
    const { start, end, total } = o.range;
    if (accounts.length !== total || !(0 <= start && start < end && end <= total)) throw new InputError(`${o.accounts}: ${accounts.length} accounts, the shard asks for [${start}, ${end}) of ${total}`);
    const score = prepareAccountScoring(key, outputs, { alpha: o.alpha });
    const scores: WireAccountScore[] = [];
    let since = performance.now();
    for (const account of accounts.slice(start, end)) {
      scores.push(toWire(score(account)));
      // Scoring is synchronous; BullMQ renews the job's lock on this event loop. A shard that held
      // the loop past --lock-ms would be taken for a dead worker's and run again (seen with 2,000
      // accounts × 206k tuples under --lock-ms 1000: stalled until the run failed).
      if (performance.now() - since > YIELD_MS) {
        await new Promise((r) => setImmediate(r));
        since = performance.now();
      }
    }
    return scores;
  } finally {
    key.secret.fill(0);
  }
}

function toWire(r: RawAccountScore): WireAccountScore {
  return {
    account: r.account,
    keyId: r.keyId,
    scored: toWireNumber(r.scored),
    score: toWireNumber(r.score),
    rate: toWireNumber(r.rate),
    pValue: toWireNumber(r.tail.pValue),
    log10PValue: toWireNumber(r.tail.log10PValue),
  };
}

async function readOutputs(o: AccountShardJob['options'], tokenizer: Tokenizer, log?: (line: string) => void): Promise<SuspectOutput[]> {
  const { name, vocabSize, hash } = tokenizer.identity();
  const id = `${o.suspectOutputsSha256} ${name} ${vocabSize} ${hash}`;
  if (lastOutputs?.id === id) {
    log?.(`${o.suspectOutputs}: reusing the outputs this worker read for sha256 ${o.suspectOutputsSha256.slice(0, 12)}…`);
    return lastOutputs.outputs;
  }
  lastOutputs = undefined; // never held beside a second parse
  // Read, then hash: a file changed before or while it was read fails the digest check.
  const { outputs } = await readOutputsFile(o.suspectOutputs, tokenizer);
  await checkDigest(o.suspectOutputs, o.suspectOutputsSha256);
  lastOutputs = { id, outputs };
  return outputs;
}

async function checkDigest(path: string, want: string): Promise<void> {
  const { sha256 } = await sha256File(path);
  if (sha256 !== want) throw new InputError(`${path}: changed since the audit read it (sha256 ${sha256.slice(0, 12)}…, the audit read ${want.slice(0, 12)}…)`);
}
