/**
 * SynthID-style tournament sampling (Dathathri et al., "Scalable watermarking for identifying large
 * language model outputs", Nature 634, 2024), with m layers of two-candidate matches.
 *
 * Each layer ℓ gives every (context, candidate) a keyed bit g_ℓ. A match between two independent
 * draws from q is won by the higher g (ties at random); its winner has distribution
 * q'(x) = q(x)·(1 + g_ℓ(x) − Σ_y q(y) g_ℓ(y)), which averages to q over the key, so each layer —
 * and the whole tournament — leaves the per-step distribution unchanged. We apply that update m
 * times and draw once from the result: the exact distribution of the 2^m-leaf tournament at O(k·m).
 * Detection: the m bits of each distinct tuple are Bernoulli(1/2) under the null, so the total is
 * Binomial(n·m, 1/2).
 */
import { deriveSubkey } from './key.ts';
import { seedContext, tokenHash32, wordsFromBytes } from './prf.ts';
import { drawIndex, prepareCandidates } from './sampling.ts';
import { contextRepeats, type SchemeCore, tupleIdentity } from './scheme-core.ts';
import { type SampleOptions, type SynthIdParams, type WatermarkKey } from './types.ts';

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export function createSynthIdCore(key: WatermarkKey): SchemeCore {
  const { context: h, layers: m } = key.params as SynthIdParams;
  const mask = m === 32 ? 0xffffffff : (1 << m) - 1;
  const kb = deriveSubkey(key, 'g-values');
  const kg = wordsFromBytes(kb);
  kb.fill(0);
  const lanes = new Uint32Array(2);

  const choose = (ids: Uint32Array | null, logits: Float32Array, context: Uint32Array, options: SampleOptions): number => {
    const c = prepareCandidates(ids, logits, options);
    const n = c.ids.length;
    if (n > 1 && context.length >= h && !contextRepeats(context, h)) {
      seedContext(kg, context, context.length, h, lanes);
      const g = new Uint32Array(n);
      for (let j = 0; j < n; j++) g[j] = tokenHash32(lanes[0]!, lanes[1]!, c.ids[j]!);
      const q = c.probs;
      for (let l = 0; l < m; l++) {
        let mass = 0;
        for (let j = 0; j < n; j++) if ((g[j]! >>> l) & 1) mass += q[j]!;
        for (let j = 0; j < n; j++) q[j]! *= ((g[j]! >>> l) & 1) + 1 - mass;
      }
    }
    return c.ids[drawIndex(c.probs, options.random())]!;
  };

  return {
    keyId: key.keyId,
    scheme: 'synthid',
    contextWidth: h,
    statistic: 'binomial',
    trialsPerTuple: m,
    nullProbability: 0.5,
    biasLogits(): void {},
    biasCandidates(): void {},
    sample: (logits, context, options) => choose(null, logits, context, options),
    sampleCandidates: (ids, logits, context, options) => choose(ids, logits, context, options),
    scoreAt(tokens: Uint32Array, i: number, keyOut: Uint32Array): number {
      tupleIdentity(tokens, i, h, keyOut);
      seedContext(kg, tokens, i, h, lanes);
      return popcount32(tokenHash32(lanes[0]!, lanes[1]!, tokens[i]!) & mask);
    },
  };
}
