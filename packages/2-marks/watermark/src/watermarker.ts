/**
 * `createWatermarker(key)`: the engine-agnostic embedding entry point. Any engine that can hand
 * over a logits vector and the token context can watermark: call `biasLogits` (KGW, Unigram)
 * before its own sampler, or let `sample` / `sampleCandidates` choose the token (every scheme;
 * required for the distortion-free ones, whose choice is keyed rather than biased).
 */
import { createGumbelCore } from './gumbel.ts';
import { createKgwCore } from './kgw.ts';
import { type SchemeCore } from './scheme-core.ts';
import { createSynthIdCore } from './synthid.ts';
import { createSynthIdHfCore } from './synthid-hf.ts';
import { type Watermarker, type WatermarkKey } from './types.ts';
import { createUnigramCore } from './unigram.ts';

/** The scheme's embedding and scoring halves for one key. */
export function createSchemeCore(key: WatermarkKey): SchemeCore {
  switch (key.scheme) {
    case 'kgw':
      return createKgwCore(key);
    case 'unigram':
      return createUnigramCore(key);
    case 'gumbel':
      return createGumbelCore(key);
    case 'synthid':
      return createSynthIdCore(key);
    case 'synthid-hf':
      return createSynthIdHfCore(key);
  }
}

/**
 * @example
 * const wm = createWatermarker(key);
 * const next = wm.sample(logits, context, { temperature: 0.8, topK: 50, random: Math.random });
 */
export function createWatermarker(key: WatermarkKey): Watermarker {
  const core = createSchemeCore(key);
  return {
    keyId: core.keyId,
    scheme: core.scheme,
    biasLogits: core.biasLogits,
    biasCandidates: core.biasCandidates,
    sample: core.sample,
    sampleCandidates: core.sampleCandidates,
  };
}
