import { describe, expect, it } from 'vitest';
import { tinyTokenizer } from './testing.ts';
import { type LanguageModel } from './language-model.ts';
import { perplexity } from './perplexity.ts';
import { trainNgram } from './train-ngram.ts';

const tokenizer = tinyTokenizer(9);
const model = trainNgram({
  tokenizer,
  order: 3,
  sources: [{ name: 'x', documents: [Uint32Array.of(1, 2, 3, 1, 2, 3, 4), Uint32Array.of(5, 1, 2, 6)] }],
});
const text = Uint32Array.of(1, 2, 3, 4, 8, 1, 2);

describe('perplexity', () => {
  it('is exp of the mean negative log-probability of each token given its prefix', () => {
    let nll = 0;
    for (let i = 2; i < text.length; i++) nll -= model.logProb(text.subarray(0, i), text[i]!);
    const r = perplexity(model, text, { startAt: 2 });
    expect(r.tokens).toBe(text.length - 2);
    expect(r.meanNll).toBeCloseTo(nll / r.tokens, 14);
    expect(r.perplexity).toBeCloseTo(Math.exp(nll / r.tokens), 12);
    expect(perplexity(model, text).tokens).toBe(text.length);
  });

  it('falls back to the dense distribution for models without logProb', () => {
    const dense: LanguageModel = {
      name: 'dense-only',
      tokenizer,
      vocabSize: 9,
      logProbs: (c, out) => model.logProbs(c, out),
      topK: (c, k) => model.topK(c, k),
    };
    expect(perplexity(dense, text).meanNll).toBe(perplexity(model, text).meanNll);
  });

  it('rejects a start outside the text', () => {
    expect(() => perplexity(model, text, { startAt: text.length })).toThrow(RangeError);
    expect(() => perplexity(model, new Uint32Array(0))).toThrow(RangeError);
  });
});
