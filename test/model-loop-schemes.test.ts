/**
 * Every scheme on the reference model: watermarked generations are detected (and how many tokens
 * that takes for p < 1e-6), unwatermarked ones are not, and text quality — the perplexity of the
 * generations under the unwatermarked teacher — rises for the biasing schemes but not for the
 * distortion-free ones (a Welch z-test on per-sample mean NLL).
 */
import { builtinPrompts, loadBuiltinCorpus, splitHeldOut } from '@tracemark/corpora';
import { generate, type NgramModel, perplexity, trainNgram } from '@tracemark/models';
import { binomialUpperCritical } from '@tracemark/stats';
import { getTokenizer, type Tokenizer } from '@tracemark/tokenizers';
import { createDetector, createWatermarker, generateKey, type SchemeName, type WatermarkKey } from '@tracemark/watermark';
import { beforeAll, describe, expect, it } from 'vitest';

const SAMPLES = 60;
const LENGTH = 200;
let tokenizer: Tokenizer;
let teacher: NgramModel;
let prompts: Uint32Array[];

function keyFor(scheme: SchemeName, i: number): WatermarkKey {
  const secret = new Uint8Array(32).fill(i + 1);
  return generateKey({ scheme, tokenizer: tokenizer.identity(), secret, createdAt: new Date(0) });
}

function samples(watermark?: WatermarkKey): Uint32Array[] {
  const watermarker = watermark ? createWatermarker(watermark) : undefined;
  return prompts.map((prompt, i) => generate(teacher, { prompt, maxTokens: LENGTH, seed: `q/${i}`, ...(watermarker ? { watermarker } : {}) }).tokens);
}

function meanNll(texts: Uint32Array[]): number[] {
  return texts.map((t, i) => {
    const all = new Uint32Array(prompts[i]!.length + t.length);
    all.set(prompts[i]!);
    all.set(t, prompts[i]!.length);
    return perplexity(teacher, all, { startAt: prompts[i]!.length }).meanNll;
  });
}

function welchZ(a: number[], b: number[]): number {
  const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const variance = (x: number[]) => x.reduce((s, v) => s + (v - mean(x)) ** 2, 0) / (x.length - 1);
  return (mean(a) - mean(b)) / Math.sqrt(variance(a) / a.length + variance(b) / b.length);
}

/** Smallest prefix length (step 5 tokens) at which the sample's p-value drops below 1e-6. */
function tokensNeeded(key: WatermarkKey, prompt: Uint32Array, tokens: Uint32Array): number {
  const detector = createDetector(key);
  for (let n = 5; n <= tokens.length; n += 5) {
    if (detector.detect([{ tokens: tokens.subarray(0, n), prompt }]).aggregate.log10PValue < -6) return n;
  }
  return Infinity;
}

let baselineNll: number[];

beforeAll(async () => {
  tokenizer = await getTokenizer('o200k_base');
  const sotu = splitHeldOut(loadBuiltinCorpus('sotu')).train.map((d) => tokenizer.encode(d.text));
  teacher = trainNgram({ tokenizer, order: 3, sources: [{ name: 'sotu', documents: sotu }], name: 'teacher' });
  prompts = builtinPrompts('sotu', SAMPLES).map((p) => tokenizer.encode(p.prompt));
  baselineNll = meanNll(samples());
});

describe('every scheme on the reference model', () => {
  it('unwatermarked generations are not detected by any scheme (FPR within the binomial bound)', () => {
    const plain = samples();
    for (const scheme of ['kgw', 'unigram', 'gumbel', 'synthid'] as const) {
      const det = createDetector(keyFor(scheme, 99));
      const flagged = plain.filter((t, i) => det.detect([{ tokens: t, prompt: prompts[i]! }]).aggregate.pValue < 1e-2).length;
      expect(flagged, scheme).toBeLessThanOrEqual(binomialUpperCritical(SAMPLES, 1e-2, 0.01));
    }
  });

  for (const scheme of ['kgw', 'unigram', 'gumbel', 'synthid'] as const) {
    it(`${scheme}: detected in ${LENGTH}-token generations; tokens needed for p < 1e-6; quality`, () => {
      const key = keyFor(scheme, 1);
      const texts = samples(key);
      const det = createDetector(key);
      const ps = texts.map((t, i) => det.detect([{ tokens: t, prompt: prompts[i]! }]).aggregate.log10PValue);
      const detected = ps.filter((p) => p < -6).length;
      const needed = texts.map((t, i) => tokensNeeded(key, prompts[i]!, t)).sort((a, b) => a - b);
      const median = needed[needed.length >> 1]!;
      const z = welchZ(meanNll(texts), baselineNll);
      const ppl = Math.exp(meanNll(texts).reduce((a, b) => a + b, 0) / texts.length);
      const basePpl = Math.exp(baselineNll.reduce((a, b) => a + b, 0) / baselineNll.length);
      console.info(
        `${scheme}: ${detected}/${SAMPLES} detected at p<1e-6; median tokens needed ${median}; perplexity ${ppl.toFixed(2)} vs unwatermarked ${basePpl.toFixed(2)} (Welch z ${z.toFixed(2)})`,
      );
      expect(detected).toBeGreaterThanOrEqual(SAMPLES * 0.9);
      if (scheme === 'gumbel' || scheme === 'synthid') expect(Math.abs(z)).toBeLessThan(3);
      else expect(z).toBeGreaterThan(3);
    });
  }
});
