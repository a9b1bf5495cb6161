/**
 * False-positive calibration on real human text, for every scheme: State of the Union addresses
 * and Moby-Dick cut into 200-token documents, each scored under its own freshly generated key.
 * Under the null the p-values must hold the nominal rate at alpha 1e-2 and 1e-3 (within the
 * binomial 99% bound) and be uniform (one-sample KS on randomized p-values: the binomial tail is
 * discrete, so P(X > k) + U·P(X = k) is what is exactly uniform). Repetitive text (one sentence
 * repeated hundreds of times, a numbered list, source code) must not be flagged either.
 */
import { loadBuiltinCorpus, chunkTokens } from '@tracemark/corpora';
import { binomialUpperCritical, binomialUpperTail, ksUniformTest, logBinomialPmf } from '@tracemark/stats';
import { getTokenizer, type Tokenizer } from '@tracemark/tokenizers';
import { createDetector, createSchemeCore, generateKey, type ParamOverrides, type SchemeName } from '@tracemark/watermark';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

const CONFIGS: { scheme: SchemeName; params: ParamOverrides }[] = [
  { scheme: 'kgw', params: { context: 1, seeding: 'lefthash' } },
  { scheme: 'kgw', params: { context: 4, seeding: 'selfhash' } },
  { scheme: 'unigram', params: {} },
  { scheme: 'gumbel', params: { context: 4 } },
  { scheme: 'synthid', params: { context: 4, layers: 30 } },
];

let tokenizer: Tokenizer;
let documents: Uint32Array[];

/** A deterministic uniform stream for the randomized p-values (lowbias32 counter). */
function uniforms(seed: number): () => number {
  let c = seed >>> 0;
  return () => {
    let x = (c = (c + 0x9e3779b9) >>> 0);
    x ^= x >>> 16; x = Math.imul(x, 0x21f0aaad); x ^= x >>> 15; x = Math.imul(x, 0x735a2d97); x ^= x >>> 15;
    return (x >>> 0) / 4294967296;
  };
}

function secretFor(i: number, salt: number): Uint8Array {
  const s = new Uint8Array(32);
  const v = new DataView(s.buffer);
  v.setUint32(0, i);
  v.setUint32(4, salt);
  v.setUint32(8, 0xfeedbeef);
  return s;
}

beforeAll(async () => {
  tokenizer = await getTokenizer('o200k_base');
  const texts = [
    ...loadBuiltinCorpus('moby-dick').map((d) => d.text),
    // Every third address keeps the suite fast while spanning 1790–2016.
    ...loadBuiltinCorpus('sotu').filter((_, i) => i % 3 === 0).map((d) => d.text),
  ];
  documents = texts.flatMap((t) => chunkTokens(tokenizer.encode(t), 200));
});

describe('false-positive rate on human text (State of the Union + Moby-Dick, 200-token documents)', () => {
  it('has thousands of documents to calibrate on', () => {
    expect(documents.length).toBeGreaterThan(4000);
  });

  for (const [configIndex, { scheme, params }] of CONFIGS.entries()) {
    it(`${scheme} ${JSON.stringify(params)}: FPR within the binomial 99% bound at 1e-2 and 1e-3, uniform p-values`, () => {
      const u = uniforms(1000 + configIndex);
      const identity = tokenizer.identity();
      const pRandomized: number[] = [];
      let fp2 = 0;
      let fp3 = 0;
      documents.forEach((doc, i) => {
        const key = generateKey({ scheme, tokenizer: identity, params, secret: secretFor(i, configIndex), createdAt: new Date(0) });
        const res = createDetector(key).detect(doc).aggregate;
        if (res.pValue < 1e-2) fp2++;
        if (res.pValue < 1e-3) fp3++;
        if (scheme === 'gumbel') pRandomized.push(res.pValue);
        else {
          const core = createSchemeCore(key);
          const n = res.trials;
          const k = Math.round(res.score);
          const above = binomialUpperTail(k + 1, n, core.nullProbability).pValue;
          pRandomized.push(above + u() * Math.exp(logBinomialPmf(k, n, core.nullProbability)));
        }
      });
      const n = documents.length;
      expect(fp2).toBeLessThanOrEqual(binomialUpperCritical(n, 1e-2, 0.01));
      expect(fp3).toBeLessThanOrEqual(binomialUpperCritical(n, 1e-3, 0.01));
      const ks = ksUniformTest(pRandomized);
      expect(ks.pValue).toBeGreaterThan(1e-3);
      console.info(`${scheme} ${JSON.stringify(params)}: ${n} documents, FP@1e-2 ${fp2}, FP@1e-3 ${fp3}, KS D ${ks.statistic.toFixed(4)} p ${ks.pValue.toPrecision(3)}`);
    });
  }
});

describe('repetitive human-made text is not flagged (dedup)', () => {
  const sentence = 'We hold these truths to be self-evident, that all men are created equal. ';
  const list = Array.from({ length: 400 }, (_, i) => `${i + 1}. Item number ${i + 1}: see section ${(i % 7) + 1}.`).join('\n');
  const texts: Record<string, () => string> = {
    'one sentence repeated 400 times': () => sentence.repeat(400),
    'a 400-item numbered list': () => list,
    'source code': () => readFileSync(new URL('../packages/2-marks/watermark/src/sampling.ts', import.meta.url), 'utf8').repeat(3),
  };
  for (const [name, make] of Object.entries(texts)) {
    it(`${name}: FPR within bound over 300 keys per scheme`, () => {
      const tokens = tokenizer.encode(make());
      for (const { scheme, params } of CONFIGS) {
        let fp = 0;
        let minLog10 = 0;
        for (let k = 0; k < 300; k++) {
          const key = generateKey({ scheme, tokenizer: tokenizer.identity(), params, secret: secretFor(k, 77), createdAt: new Date(0) });
          const res = createDetector(key).detect(tokens, { alpha: 1e-2 }).aggregate;
          if (res.detected) fp++;
          minLog10 = Math.min(minLog10, res.log10PValue);
        }
        expect(fp, `${scheme} on ${name}`).toBeLessThanOrEqual(binomialUpperCritical(300, 1e-2, 0.01));
        expect(minLog10, `${scheme} on ${name}`).toBeGreaterThan(-5);
      }
    });
  }
});
