/**
 * Account scoring, one account at a time: the key-independent preparation is done once, and the
 * returned function gives one account's raw score and exact tail (its key derived from the master
 * key with `deriveAccountKey`, zeroed after use). `scoreAccounts` maps it over a list; a caller that
 * must not block its event loop for a whole list (a queue worker renewing its job lock) calls it
 * account by account and yields in between. Nothing in an account's score depends on which other
 * accounts are scored with it or when.
 *
 * Cost: the distinct tuples of the corpus are found once (their identity does not depend on the
 * key, except for KGW self-hash), grouped by context, with every key-independent product
 * precomputed (prepare-attribution-tuples.ts); each account then costs one pass of a typed-array
 * integer loop (score-account-tuples.ts): 2h mixes per distinct context and one keyed hash per
 * distinct tuple — O(accounts × distinct tuples). KGW self-hash keys its tuple identity, so it is
 * scored per account by the closed-model test. Measured: BENCHMARKS.md (attribution kernel).
 */
import {
  createSchemeCore,
  deriveAccountKey,
  deriveSubkey,
  type KgwParams,
  scoreTail,
  type SynthIdParams,
  type WatermarkKey,
  wordsFromBytes,
} from '@tracemark/watermark';
import { closedModelTest, type SuspectOutput } from './closed-model-test.ts';
import { type RawAccountScore } from './rank-accounts.ts';
import { scoreAccountTuples, type TupleScoring } from './score-account-tuples.ts';
import { type AttributionTuples, prepareAttributionTuples } from './prepare-attribution-tuples.ts';

/** The HKDF purpose each scheme's scoring subkey is derived under (kgw.ts, synthid.ts, gumbel.ts). */
const SUBKEY_PURPOSE = { kgw: 'green', synthid: 'g-values', gumbel: 'uniform' } as const;

export function prepareAccountScoring(master: WatermarkKey, outputs: readonly SuspectOutput[], options: { alpha: number }): (account: string) => RawAccountScore {
  if (master.scheme === 'kgw' && (master.params as KgwParams).seeding === 'selfhash') {
    // The self-hash PRF input depends on the key: score each account's corpus afresh.
    return (account) => {
      const key = deriveAccountKey(master, account);
      const t = closedModelTest(key, outputs, { alpha: options.alpha });
      key.secret.fill(0);
      return { account, keyId: key.keyId, scored: t.scored, score: t.score, rate: t.rate, tail: { pValue: t.pValue, log10PValue: t.log10PValue } };
    };
  }
  const probe = createSchemeCore(master);
  const scoring = tupleScoring(master);
  // Key-independent work once: dedup, context grouping, per-token products.
  const tuples = prepareAttributionTuples(outputs, probe.contextWidth);
  const n = tuples.n;
  const trials = probe.statistic === 'binomial' ? n * probe.trialsPerTuple : n;
  const scoreKey = scoring ? kernelScorer(tuples, scoring) : coreScorer(tuples);
  return (account) => {
    const key = deriveAccountKey(master, account);
    const score = scoreKey(key);
    key.secret.fill(0);
    return { account, keyId: key.keyId, scored: n, score, rate: trials > 0 ? score / trials : 0, tail: scoreTail(probe, n, score) };
  };
}

/** The kernel's scoring rule for a master key's scheme; null where the generic path applies. */
function tupleScoring(master: WatermarkKey): TupleScoring | null {
  switch (master.scheme) {
    case 'kgw':
      return { scheme: 'kgw', threshold: createSchemeCore(master).nullProbability * 4294967296 };
    case 'synthid': {
      const m = (master.params as SynthIdParams).layers;
      return { scheme: 'synthid', mask: m === 32 ? 0xffffffff | 0 : (1 << m) - 1 };
    }
    case 'gumbel':
      return { scheme: 'gumbel' };
    // Unigram has no context: scored tuple by tuple through its scheme core, after the same one-time
    // dedup. (SynthID-HF keys have no account derivation: deriveAccountKey refuses them.)
    default:
      return null;
  }
}


/** One tight integer loop per key over the prepared arrays (score-account-tuples.ts). */
function kernelScorer(tuples: AttributionTuples, scoring: TupleScoring): (key: WatermarkKey) => number {
  const lanes = scoring.scheme === 'gumbel' ? new Uint32Array(2 * tuples.contexts) : undefined;
  return (key) => {
    const bytes = deriveSubkey(key, SUBKEY_PURPOSE[scoring.scheme]);
    const words = wordsFromBytes(bytes);
    bytes.fill(0);
    const score = scoreAccountTuples(tuples, scoring, words, lanes);
    words.fill(0);
    return score;
  };
}

/** Schemes without a kernel (Unigram), scored through their scheme core. */
function coreScorer(tuples: AttributionTuples): (key: WatermarkKey) => number {
  const h = tuples.h;
  const flat = tuples.flat();
  const id = new Uint32Array(2);
  return (key) => {
    const core = createSchemeCore(key);
    let score = 0;
    for (let t = 0; t < tuples.n; t++) score += core.scoreAt(flat, t * (h + 1) + h, id);
    return score;
  };
}
