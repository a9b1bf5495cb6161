/**
 * The per-account half of attribution (attribute-accounts.ts): each account's key derived from the
 * master key (`deriveAccountKey`), its raw score and exact tail over the suspect's outputs, before
 * any correction across accounts. Accounts are independent of each other, so a list of accounts can
 * be scored in ranges on different machines (`audit --redis`) and the ranges concatenated: the
 * result is the same as scoring the whole list here, number for number, because nothing in an
 * account's score depends on which other accounts are scored with it.
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

export function scoreAccounts(
  master: WatermarkKey,
  accounts: readonly string[],
  outputs: readonly SuspectOutput[],
  options: { alpha: number; onProgress?: (done: number, total: number) => void },
): RawAccountScore[] {
  if (accounts.length === 0) throw new RangeError('no accounts to test');
  if (new Set(accounts).size !== accounts.length) throw new RangeError('account names must be distinct');
  const selfhash = master.scheme === 'kgw' && (master.params as KgwParams).seeding === 'selfhash';
  const raw: RawAccountScore[] = [];
  if (selfhash) {
    // The self-hash PRF input depends on the key: score each account's corpus afresh.
    accounts.forEach((account, i) => {
      const key = deriveAccountKey(master, account);
      const t = closedModelTest(key, outputs, { alpha: options.alpha });
      raw.push({ account, keyId: key.keyId, scored: t.scored, score: t.score, rate: t.rate, tail: { pValue: t.pValue, log10PValue: t.log10PValue } });
      key.secret.fill(0);
      options.onProgress?.(i + 1, accounts.length);
    });
  } else {
    const probe = createSchemeCore(master);
    const scoring = tupleScoring(master);
    // Key-independent work once: dedup, context grouping, per-token products.
    const tuples = prepareAttributionTuples(outputs, probe.contextWidth);
    const n = tuples.n;
    const scoreKey = scoring ? kernelScorer(tuples, scoring) : coreScorer(tuples);
    accounts.forEach((account, a) => {
      const key = deriveAccountKey(master, account);
      const score = scoreKey(key);
      const tail = scoreTail(probe, n, score);
      const trials = probe.statistic === 'binomial' ? n * probe.trialsPerTuple : n;
      raw.push({ account, keyId: key.keyId, scored: n, score, rate: trials > 0 ? score / trials : 0, tail });
      key.secret.fill(0);
      options.onProgress?.(a + 1, accounts.length);
    });
  }
  return raw;
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
