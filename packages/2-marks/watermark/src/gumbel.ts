/**
 * Gumbel-max / exponential-minimum sampling (Aaronson 2022; Kuditipudi et al., "Robust
 * Distortion-free Watermarks for Language Models", 2023), seeded by the previous h tokens.
 *
 * Each candidate c gets a keyed uniform r_c; the sampler picks argmax r_c^(1/p_c), equivalently
 * argmax ln(r_c)/p_c. Over the key's randomness this picks c with probability exactly p_c, so the
 * per-step distribution is unchanged. Detection sums s = −ln(1 − r) over distinct tuples: under the
 * null each s is Exp(1) (or stochastically smaller, see `tokenUniform53`), so the sum of n is
 * Gamma(n, 1) and its upper tail is an exact-or-conservative p-value.
 */
import { deriveSubkey } from './key.ts';
import { seedContext, tokenUniform53, wordsFromBytes } from './prf.ts';
import { prepareCandidates } from './sampling.ts';
import { contextRepeats, type SchemeCore, tupleIdentity } from './scheme-core.ts';
import { type GumbelParams, type SampleOptions, type WatermarkKey } from './types.ts';

export function createGumbelCore(key: WatermarkKey): SchemeCore {
  const h = (key.params as GumbelParams).context;
  const kb = deriveSubkey(key, 'uniform');
  const ku = wordsFromBytes(kb);
  kb.fill(0);
  const lanes = new Uint32Array(2);

  const choose = (ids: Uint32Array | null, logits: Float32Array, context: Uint32Array, options: SampleOptions): number => {
    const c = prepareCandidates(ids, logits, options);
    if (c.ids.length === 1) return c.ids[0]!;
    if (context.length < h || contextRepeats(context, h)) {
      // No complete context (never scored), or a repeated one (see contextRepeats): sample plainly.
      let u = options.random();
      for (let j = 0; j < c.ids.length; j++) if ((u -= c.probs[j]!) < 0) return c.ids[j]!;
      return c.ids[c.ids.length - 1]!;
    }
    seedContext(ku, context, context.length, h, lanes);
    let best = -1;
    let bestScore = -Infinity;
    for (let j = 0; j < c.ids.length; j++) {
      const p = c.probs[j]!;
      if (p <= 0) continue;
      const s = Math.log(tokenUniform53(lanes[0]!, lanes[1]!, c.ids[j]!)) / p;
      if (s > bestScore || best < 0) (bestScore = s), (best = j);
    }
    return c.ids[best]!;
  };

  return {
    keyId: key.keyId,
    scheme: 'gumbel',
    contextWidth: h,
    statistic: 'gamma',
    trialsPerTuple: 1,
    nullProbability: Number.NaN,
    biasLogits(): void {},
    biasCandidates(): void {},
    sample: (logits, context, options) => choose(null, logits, context, options),
    sampleCandidates: (ids, logits, context, options) => choose(ids, logits, context, options),
    scoreAt(tokens: Uint32Array, i: number, keyOut: Uint32Array): number {
      tupleIdentity(tokens, i, h, keyOut);
      seedContext(ku, tokens, i, h, lanes);
      // Floored to a multiple of 2^-32: still stochastically ≤ Exp(1), and sums become exact
      // (see exact-sum.ts), so sharded detection merges to the single-run p-value bit for bit.
      return Math.floor(-Math.log1p(-tokenUniform53(lanes[0]!, lanes[1]!, tokens[i]!)) * 4294967296) / 4294967296;
    },
  };
}
