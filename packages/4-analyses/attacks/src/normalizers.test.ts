/**
 * The detection-side normalizers (`normalizeText` in @tracemark/watermark) against this package's
 * attacks: they fold back everything the trivial attacks produce, they restore detection after
 * whitespace, invisible-character, homoglyph and case attacks, and they do not change the
 * false-positive rate on human text — plain or itself attacked — for any scheme.
 */
import { chunkTokens, loadBuiltinCorpus } from '@tracemark/corpora';
import { generate } from '@tracemark/models';
import { binomialUpperCritical, binomialUpperTail, createRng, ksUniformTest, logBinomialPmf } from '@tracemark/stats';
import {
  createDetector,
  createSchemeCore,
  createWatermarker,
  generateKey,
  normalizeText,
  type ParamOverrides,
  type SchemeName,
} from '@tracemark/watermark';
import { beforeAll, describe, expect, it } from 'vitest';
import { referenceModel, type ReferenceModel } from './testing.ts';
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
  /** Per human document: its tokens as written, normalized, and attacked (the trivial attacks an evader would use) then normalized. */
  const docs: { raw: Uint32Array; normalized: Uint32Array; attacked: Uint32Array }[] = [];
  let changedByNormalization = 0;
  beforeAll(async () => {
    const { getTokenizer } = await import('@tracemark/tokenizers');
    const tokenizer = await getTokenizer('o200k_base');
    const sources = [...loadBuiltinCorpus('moby-dick').filter((_, i) => i % 3 === 0), ...loadBuiltinCorpus('sotu').filter((_, i) => i % 20 === 0)];
    let i = 0;
    for (const d of sources) {
      for (const chunk of chunkTokens(tokenizer.encode(d.text), 200)) {
        const text = tokenizer.decode(chunk);
        const normalized = normalizeText(text);
        if (normalized.applied.length > 0) changedByNormalization++;
        let attacked = changeWhitespace(text, { strength: 0.3, seed: i }).text;
        attacked = insertInvisible(attacked, { strength: 0.05, seed: i }).text;
        attacked = substituteHomoglyphs(attacked, { strength: 0.1, seed: i }).text;
        attacked = changeCase(attacked, { strength: 0.2, seed: i }).text;
        const raw = tokenizer.encode(text);
        docs.push({ raw, normalized: normalized.applied.length > 0 ? tokenizer.encode(normalized.text) : raw, attacked: tokenizer.encode(normalizeText(attacked).text) });
        i++;
      }
    }
  });

  for (const [configIndex, { label, scheme, params }] of CONFIGS.entries()) {
    it(`${label}: FPR at 1e-2 and 1e-3 within the binomial 99% bound raw, normalized, and attacked-then-normalized; uniform p-values`, async () => {
      const { getTokenizer } = await import('@tracemark/tokenizers');
      const identity = (await getTokenizer('o200k_base')).identity();
      const n = docs.length;
      const fp = { raw: [0, 0], normalized: [0, 0], attacked: [0, 0] };
      const uniform = createRng(`normalizers-fpr\u0000${configIndex}`);
      const pRandomized: number[] = [];
      docs.forEach((doc, i) => {
        const key = generateKey({ scheme, tokenizer: identity, params, secret: secretFor(i, configIndex), createdAt: new Date(0) });
        const detector = createDetector(key);
        for (const variant of ['raw', 'normalized', 'attacked'] as const) {
          const res = detector.detect(doc[variant]).aggregate;
          if (res.pValue < 1e-2) fp[variant][0]!++;
          if (res.pValue < 1e-3) fp[variant][1]!++;
          if (variant !== 'normalized') continue;
          if (scheme === 'gumbel') pRandomized.push(res.pValue);
          else {
            // The binomial tail is discrete: P(X > k) + U·P(X = k) is exactly uniform under the null.
            const q = createSchemeCore(key).nullProbability;
            const k = Math.round(res.score);
            pRandomized.push(binomialUpperTail(k + 1, res.trials, q).pValue + uniform() * Math.exp(logBinomialPmf(k, res.trials, q)));
          }
        }
      });
      const bound2 = binomialUpperCritical(n, 1e-2, 0.01);
      const bound3 = binomialUpperCritical(n, 1e-3, 0.01);
      for (const [fp2, fp3] of Object.values(fp)) {
        expect(fp2).toBeLessThanOrEqual(bound2);
        expect(fp3).toBeLessThanOrEqual(bound3);
      }
      const ks = ksUniformTest(pRandomized);
      expect(ks.pValue).toBeGreaterThan(1e-3);
      console.info(
        `${label}: ${n} human 200-token documents (${changedByNormalization} changed by normalization); FP@1e-2/1e-3 ` +
          `raw ${fp.raw.join('/')}, normalized ${fp.normalized.join('/')}, attacked+normalized ${fp.attacked.join('/')} ` +
          `(99% bounds ${bound2}/${bound3}); KS p ${ks.pValue.toPrecision(3)}`,
      );
    });
  }
});

describe('normalization restores detection after the trivial attacks', () => {
  let ref: ReferenceModel;
  beforeAll(async () => {
    ref = await referenceModel(4);
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
          if (detector.detect(attacked, { normalize: false }).aggregate.pValue < 1e-3) without++;
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
