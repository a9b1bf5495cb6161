/**
 * The detection-side normalizers (`normalizeText` in @tracemark/watermark) against this package's
 * attacks: they fold back everything the trivial attacks produce, they restore detection after
 * whitespace, invisible-character, homoglyph and case attacks, and they do not change the
 * false-positive rate on human text — plain or itself attacked — for any scheme.
 */
import { chunkTokens, loadBuiltinCorpus } from '@tracemark/corpora';
import { generate } from '@tracemark/models';
import { binomialUpperCritical, binomialUpperTail, ksUniformTest, logBinomialPmf } from '@tracemark/stats';
import {
  createDetector,
  createSchemeCore,
  createWatermarker,
  generateKey,
  type ParamOverrides,
  type SchemeName,
} from '@tracemark/watermark';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeText } from '../../watermark/src/normalize.ts';
import { referenceModel, type ReferenceModel } from './_testing.ts';
import { changeCase } from './change-case.ts';
import { changeWhitespace, UNICODE_SPACES } from './change-whitespace.ts';
import { INVISIBLE_CHARACTERS, insertInvisible } from './insert-invisible.ts';
import { HOMOGLYPHS, substituteHomoglyphs } from './substitute-homoglyphs.ts';

const CONFIGS: { label: string; scheme: SchemeName; params: ParamOverrides }[] = [
  { label: 'kgw h=1', scheme: 'kgw', params: { context: 1 } },
  { label: 'kgw selfhash h=4', scheme: 'kgw', params: { context: 4, seeding: 'selfhash' } },
  { label: 'unigram', scheme: 'unigram', params: {} },
  { label: 'gumbel', scheme: 'gumbel', params: {} },
  { label: 'synthid', scheme: 'synthid', params: {} },
];

function secretFor(i: number, salt: number): Uint8Array {
  const s = new Uint8Array(32);
  const v = new DataView(s.buffer);
  v.setUint32(0, i);
  v.setUint32(4, salt);
  v.setUint32(8, 0x6e6f726d); // "norm"
  return s;
}

describe('the normalizers fold back what the attacks produce', () => {
  it('every homoglyph, invisible character and Unicode space the attacks use', () => {
    for (const [latin, looks] of Object.entries(HOMOGLYPHS)) {
      for (const l of looks) expect(normalizeText(`w${l}rd and more words`).text).toBe(`w${latin}rd and more words`);
    }
    for (const c of INVISIBLE_CHARACTERS) expect(normalizeText(`wa${c}ter`).text).toBe('water');
    for (const c of UNICODE_SPACES) expect(normalizeText(`a${c}b`).text).toBe('a b');
  });

  it('whole attacked texts come back byte-identical (whitespace, invisible, confusable/fullwidth/math homoglyphs)', () => {
    const text = loadBuiltinCorpus('moby-dick')[5]!.text.slice(0, 3000).replace(/\s+/g, ' ');
    const attacked = [
      changeWhitespace(text, { strength: 1, seed: 1 }).text,
      insertInvisible(text, { strength: 0.3, seed: 1 }).text,
      substituteHomoglyphs(text, { strength: 0.4, seed: 1 }).text,
      substituteHomoglyphs(text, { strength: 1, seed: 1, style: 'fullwidth' }).text,
      substituteHomoglyphs(text, { strength: 1, seed: 1, style: 'math' }).text,
    ];
    for (const a of attacked) expect(normalizeText(a).text).toBe(text);
  });
});

describe('false-positive rate on human text is unchanged by normalization', () => {
  const texts: string[] = [];
  beforeAll(async () => {
    const { getTokenizer } = await import('@tracemark/tokenizers');
    const tokenizer = await getTokenizer('o200k_base');
    const sources = [...loadBuiltinCorpus('moby-dick'), ...loadBuiltinCorpus('sotu').filter((_, i) => i % 8 === 0)];
    for (const d of sources) for (const c of chunkTokens(tokenizer.encode(d.text), 200)) texts.push(tokenizer.decode(c));
  });

  for (const [configIndex, { label, scheme, params }] of CONFIGS.entries()) {
    it(`${label}: FPR at 1e-2 and 1e-3 within the binomial 99% bound raw, normalized, and attacked-then-normalized; uniform p-values`, async () => {
      const { getTokenizer } = await import('@tracemark/tokenizers');
      const tokenizer = await getTokenizer('o200k_base');
      const identity = tokenizer.identity();
      const n = texts.length;
      const variants = { raw: [] as number[], normalized: [] as number[], attacked: [] as number[] };
      let changedByNormalization = 0;
      let u = 0x9e3779b9 ^ configIndex;
      const uniform = () => ((u = (Math.imul(u, 1664525) + 1013904223) >>> 0) / 4294967296);
      const pRandomized: number[] = [];
      texts.forEach((text, i) => {
        const key = generateKey({ scheme, tokenizer: identity, params, secret: secretFor(i, configIndex), createdAt: new Date(0) });
        const detector = createDetector(key, { tokenizer });
        const normalized = normalizeText(text);
        if (normalized.applied.length > 0) changedByNormalization++;
        // Human text under the same trivial attacks an evader would use, then normalized.
        let attacked = changeWhitespace(text, { strength: 0.3, seed: i }).text;
        attacked = insertInvisible(attacked, { strength: 0.05, seed: i }).text;
        attacked = substituteHomoglyphs(attacked, { strength: 0.1, seed: i }).text;
        attacked = changeCase(attacked, { strength: 0.2, seed: i }).text;
        variants.raw.push(detector.detect(text).aggregate.pValue);
        const res = detector.detect(normalized.text).aggregate;
        variants.normalized.push(res.pValue);
        variants.attacked.push(detector.detect(normalizeText(attacked).text).aggregate.pValue);
        if (scheme === 'gumbel') pRandomized.push(res.pValue);
        else {
          const q = createSchemeCore(key).nullProbability;
          const k = Math.round(res.score);
          pRandomized.push(binomialUpperTail(k + 1, res.trials, q).pValue + uniform() * Math.exp(logBinomialPmf(k, res.trials, q)));
        }
      });
      const counts = Object.fromEntries(
        Object.entries(variants).map(([name, ps]) => [name, [ps.filter((p) => p < 1e-2).length, ps.filter((p) => p < 1e-3).length]]),
      ) as Record<keyof typeof variants, [number, number]>;
      for (const [fp2, fp3] of Object.values(counts)) {
        expect(fp2).toBeLessThanOrEqual(binomialUpperCritical(n, 1e-2, 0.01));
        expect(fp3).toBeLessThanOrEqual(binomialUpperCritical(n, 1e-3, 0.01));
      }
      const ks = ksUniformTest(pRandomized);
      expect(ks.pValue).toBeGreaterThan(1e-3);
      console.info(
        `${label}: ${n} human 200-token documents (${changedByNormalization} changed by normalization); FP@1e-2/1e-3 ` +
          `raw ${counts.raw.join('/')}, normalized ${counts.normalized.join('/')}, attacked+normalized ${counts.attacked.join('/')} ` +
          `(bounds ${binomialUpperCritical(n, 1e-2, 0.01)}/${binomialUpperCritical(n, 1e-3, 0.01)}); KS p ${ks.pValue.toPrecision(3)}`,
      );
    });
  }
});

describe('normalization restores detection after the trivial attacks', () => {
  let ref: ReferenceModel;
  beforeAll(async () => {
    ref = await referenceModel();
  });

  const ATTACKS: Record<string, (text: string, seed: number) => string> = {
    'whitespace 100%': (t, s) => changeWhitespace(t, { strength: 1, seed: s }).text,
    'invisible 0.3 per char': (t, s) => insertInvisible(t, { strength: 0.3, seed: s }).text,
    'homoglyphs 20%': (t, s) => substituteHomoglyphs(t, { strength: 0.2, seed: s }).text,
    'fullwidth 50%': (t, s) => substituteHomoglyphs(t, { strength: 0.5, seed: s, style: 'fullwidth' }).text,
    'case: all upper': (t, s) => changeCase(t, { strength: 1, seed: s, mode: 'upper' }).text,
  };
  const SAMPLES = 5;

  for (const [configIndex, { label, scheme, params }] of CONFIGS.entries()) {
    it(`${label}: detected in every sample once normalized, mostly not without`, () => {
      const { tokenizer, model, prompts } = ref;
      const key = generateKey({ scheme, tokenizer: tokenizer.identity(), params, secret: secretFor(configIndex, 99), createdAt: new Date(0) });
      const watermarker = createWatermarker(key);
      const detector = createDetector(key, { tokenizer });
      const texts = Array.from({ length: SAMPLES }, (_, s) =>
        tokenizer.decode(generate(model, { prompt: prompts[20 + s]!, maxTokens: 200, seed: `norm/${configIndex}/${s}`, watermarker }).tokens),
      );
      const lines: string[] = [];
      let withoutTotal = 0;
      for (const [name, attack] of Object.entries(ATTACKS)) {
        let without = 0;
        let withNormalization = 0;
        texts.forEach((text, s) => {
          const attacked = attack(text, s);
          if (detector.detect(attacked).aggregate.pValue < 1e-3) without++;
          if (detector.detect(normalizeText(attacked).text).aggregate.pValue < 1e-3) withNormalization++;
          // Clean watermarked text is untouched by the normalizers.
          expect(normalizeText(text).applied).toEqual([]);
        });
        lines.push(`${name} ${without}/${SAMPLES} → ${withNormalization}/${SAMPLES}`);
        expect(withNormalization, name).toBe(SAMPLES);
        withoutTotal += without;
      }
      console.info(`${label}: detected (p < 1e-3) without → with normalization: ${lines.join('; ')}`);
      expect(withoutTotal).toBeLessThanOrEqual(0.3 * SAMPLES * Object.keys(ATTACKS).length);
    });
  }
});
