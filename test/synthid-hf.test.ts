/**
 * synthid-hf end to end on the reference model: text generated with a transformers SynthID
 * configuration (the g-value update embedded in the model's sampler) is detected with that
 * configuration and not with a wrong one (other keys, other ngram_len, other table seed); and on
 * human text the false-positive rate over many configurations stays within the binomial bound.
 */
import { loadBuiltinCorpus } from '@tracemark/corpora';
import { binomialUpperCritical } from '@tracemark/stats';
import { createDetector, generateKey, type ParamOverrides, type WatermarkKey } from '@tracemark/watermark';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLoop, type Loop, sampleOutputs } from './fixtures/reference-loop.ts';

// The keys of transformers' documented SynthIDTextWatermarkingConfig example.
const HF_DOC_KEYS = [654, 400, 836, 123, 340, 443, 597, 160, 57, 29, 590, 639, 13, 715, 468, 990, 966, 226, 324, 585, 118, 504, 421, 521, 129, 669, 732, 225, 90, 960].map(BigInt);
const ALPHA = 0.01;

let loop: Loop;
beforeAll(async () => {
  loop = await createLoop(3);
});

function hfKey(keys: readonly bigint[], params: ParamOverrides = {}): WatermarkKey {
  return generateKey({ scheme: 'synthid-hf', tokenizer: loop.tokenizer.identity(), synthidKeys: keys, params: { ngramLen: 5, ...params }, createdAt: new Date(0) });
}

/** Deterministic pseudo-random 64-bit keys (splitmix64), so every run tests the same configurations. */
function keysFrom(seed: number, count: number): bigint[] {
  let s = BigInt(seed) * 0x9e3779b97f4a7c15n;
  return Array.from({ length: count }, () => {
    s = BigInt.asUintN(64, s + 0x9e3779b97f4a7c15n);
    let z = s;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return BigInt.asIntN(64, z ^ (z >> 31n));
  });
}

describe('synthid-hf on the reference model', () => {
  it('detects text generated with the right configuration, not with wrong ones', () => {
    const right = hfKey(HF_DOC_KEYS);
    const outputs = sampleOutputs(loop, loop.teacher, 'synthid-hf', 12, 150, right);
    const docs = outputs.map((o) => ({ tokens: o.tokens, prompt: o.prompt }));
    const detected = createDetector(right).detect(docs, { alpha: ALPHA });
    expect(detected.aggregate.log10PValue).toBeLessThan(-10);
    expect(detected.documents.filter((d) => d.detected).length).toBeGreaterThanOrEqual(9);
    process.stderr.write(`synthid-hf right configuration: log10 p = ${detected.aggregate.log10PValue.toFixed(1)} over ${detected.aggregate.scored} tuples, ${detected.documents.filter((d) => d.detected).length}/12 documents\n`);
    const wrongs = [hfKey(keysFrom(1, 30)), hfKey(HF_DOC_KEYS, { ngramLen: 4 }), hfKey(HF_DOC_KEYS, { samplingTableSeed: 1 })];
    for (const wrong of wrongs) {
      const r = createDetector(wrong).detect(docs, { alpha: ALPHA });
      expect(r.aggregate.detected).toBe(false);
      expect(r.aggregate.log10PValue).toBeGreaterThan(-3);
    }
    // Unwatermarked generations from the same model are not detected with the right configuration.
    const plain = sampleOutputs(loop, loop.teacher, 'synthid-hf', 12, 150).map((o) => ({ tokens: o.tokens, prompt: o.prompt }));
    expect(createDetector(right).detect(plain, { alpha: ALPHA }).aggregate.detected).toBe(false);
  });

  it('false positives on human text stay within the binomial bound over 40 configurations', () => {
    const chapters = loadBuiltinCorpus('moby-dick').slice(0, 50).map((d) => loop.tokenizer.encode(d.text).subarray(0, 400));
    let tests = 0;
    let positives = 0;
    let aggregatePositives = 0;
    for (let k = 0; k < 40; k++) {
      const r = createDetector(hfKey(keysFrom(100 + k, 30))).detect(chapters, { alpha: ALPHA });
      tests += r.documents.length;
      positives += r.documents.filter((d) => d.detected).length;
      if (r.aggregate.detected) aggregatePositives++;
    }
    // Each test is level ALPHA, so positives ≤ Binomial(tests, ALPHA); exceeding its 1e-6 upper
    // critical value would mean an anti-conservative p-value.
    expect(tests).toBe(2000);
    expect(positives).toBeLessThanOrEqual(binomialUpperCritical(tests, ALPHA, 1e-6));
    expect(aggregatePositives).toBeLessThanOrEqual(binomialUpperCritical(40, ALPHA, 1e-6));
    process.stderr.write(`synthid-hf FPR: ${positives}/${tests} documents, ${aggregatePositives}/40 aggregates at alpha ${ALPHA}\n`);
  });
});
