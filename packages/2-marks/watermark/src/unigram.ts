/**
 * Unigram watermark (Zhao et al., "Provable Robust Watermarking for AI-Generated Text", ICLR 2024):
 * one fixed keyed green list of fraction γ, bias δ. No context, so it is the most robust scheme
 * to edits, and also the easiest to learn or estimate from many outputs.
 *
 * The green list is computed once per key (V hashes, on first use) and biasing adds δ to each green id: γ·V
 * additions per step. The PRF input is the token alone, so detection scores each distinct token
 * once — repeating a green word does not add evidence.
 */
import { deriveSubkey } from './key.ts';
import { greenThreshold, thresholdProbability, tokenHash32, wordsFromBytes } from './prf.ts';
import { drawIndex, prepareCandidates, samplePlain } from './sampling.ts';
import { type SchemeCore, tupleIdentity } from './scheme-core.ts';
import { type SampleOptions, type UnigramParams, type WatermarkKey } from './types.ts';

export function createUnigramCore(key: WatermarkKey): SchemeCore {
  const params = key.params as UnigramParams;
  const delta = params.delta;
  const threshold = greenThreshold(params.gamma);
  const kb = deriveSubkey(key, 'green');
  const kg = wordsFromBytes(kb);
  kb.fill(0);
  const vocab = key.tokenizer.vocabSize;
  const hashGreen = (c: number) => tokenHash32(kg[0]!, kg[1]!, c) < threshold;
  // The green id list costs V hashes: built on the first embedding call only, since detection
  // (often under thousands of keys, as in calibration and account attribution) never needs it.
  let greenIds: Uint32Array | null = null;
  const greenList = (): Uint32Array => {
    if (greenIds) return greenIds;
    const ids: number[] = [];
    for (let c = 0; c < vocab; c++) if (hashGreen(c)) ids.push(c);
    return (greenIds = Uint32Array.from(ids));
  };
  const isGreen = hashGreen;
  let scratch: Float32Array | null = null;

  const biasLogits = (logits: Float32Array): void => {
    const n = logits.length;
    const ids = greenList();
    for (let j = 0; j < ids.length; j++) {
      const c = ids[j]!;
      if (c < n) logits[c]! += delta;
    }
    for (let c = vocab; c < n; c++) if (isGreen(c)) logits[c]! += delta;
  };
  const biasCandidates = (ids: Uint32Array, logits: Float32Array): void => {
    for (let j = 0; j < ids.length; j++) if (isGreen(ids[j]!)) logits[j]! += delta;
  };

  return {
    keyId: key.keyId,
    scheme: 'unigram',
    contextWidth: 0,
    statistic: 'binomial',
    trialsPerTuple: 1,
    nullProbability: thresholdProbability(threshold),
    biasLogits,
    biasCandidates,
    sample(logits: Float32Array, _context: Uint32Array, options: SampleOptions): number {
      if (!scratch || scratch.length !== logits.length) scratch = new Float32Array(logits.length);
      scratch.set(logits);
      biasLogits(scratch);
      return samplePlain(null, scratch, options);
    },
    sampleCandidates(ids: Uint32Array, logits: Float32Array, _context: Uint32Array, options: SampleOptions): number {
      const biased = Float32Array.from(logits);
      biasCandidates(ids, biased);
      const c = prepareCandidates(ids, biased, options);
      return c.ids[drawIndex(c.probs, options.random())]!;
    },
    scoreAt(tokens: Uint32Array, i: number, keyOut: Uint32Array): number {
      tupleIdentity(tokens, i, 0, keyOut);
      return isGreen(tokens[i]!) ? 1 : 0;
    },
  };
}
