import { loadBuiltinCorpus } from '@tracemark/corpora';
import { getTokenizer, type Tokenizer } from '@tracemark/tokenizers';
import { createWatermarker, generateKey, type SampleOptions, type Watermarker } from '@tracemark/watermark';
import { beforeAll, describe, expect, it } from 'vitest';
import { generate } from './generate.ts';
import { type NgramModel } from './ngram-model.ts';
import { trainNgram } from './train-ngram.ts';

let tokenizer: Tokenizer;
let model: NgramModel;
let prompt: Uint32Array;

beforeAll(async () => {
  tokenizer = await getTokenizer('o200k_base');
  const docs = loadBuiltinCorpus('moby-dick').slice(0, 60).map((d) => tokenizer.encode(d.text));
  model = trainNgram({ tokenizer, order: 3, sources: [{ name: 'moby', documents: docs }] });
  prompt = tokenizer.encode('Call me');
});

describe('generate', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = generate(model, { prompt, maxTokens: 60, seed: 1 });
    const b = generate(model, { prompt, maxTokens: 60, seed: 1 });
    const c = generate(model, { prompt, maxTokens: 60, seed: 2 });
    expect(Array.from(b.tokens)).toEqual(Array.from(a.tokens));
    expect(Array.from(c.tokens)).not.toEqual(Array.from(a.tokens));
    expect(a.tokens.length).toBe(60);
    expect(a.stoppedBy).toBe('length');
    expect(tokenizer.decode(a.tokens).length).toBeGreaterThan(100);
  });

  it('is deterministic on the dense path too', () => {
    const a = generate(model, { prompt, maxTokens: 8, seed: 'dense', topK: 0 });
    const b = generate(model, { prompt, maxTokens: 8, seed: 'dense', topK: 0 });
    expect(Array.from(a.tokens)).toEqual(Array.from(b.tokens));
    expect(a.tokens.length).toBe(8);
  });

  it('decodes greedily at temperature 0 (the top candidate every step)', () => {
    const { tokens } = generate(model, { prompt, maxTokens: 10, seed: 5, temperature: 0 });
    const context = Array.from(prompt);
    for (const t of tokens) {
      expect(t).toBe(model.topK(Uint32Array.from(context), 1).ids[0]);
      context.push(t);
    }
    const dense = generate(model, { prompt, maxTokens: 10, seed: 6, temperature: 0, topK: 0 });
    expect(Array.from(dense.tokens)).toEqual(Array.from(tokens));
  });

  it('respects maxTokens, a stop callback and stop tokens', () => {
    expect(generate(model, { prompt, maxTokens: 0, seed: 1 }).tokens.length).toBe(0);
    const byCallback = generate(model, { prompt, maxTokens: 200, seed: 1, stop: (g) => g.length === 7 });
    expect(byCallback).toMatchObject({ stoppedBy: 'stop' });
    expect(byCallback.tokens.length).toBe(7);
    const full = generate(model, { prompt, maxTokens: 200, seed: 1 });
    expect(Array.from(byCallback.tokens)).toEqual(Array.from(full.tokens.subarray(0, 7)));
    // Stop at the first occurrence of the 20th generated token: that token is not included.
    const stopToken = full.tokens[19]!;
    const first = full.tokens.indexOf(stopToken);
    const byToken = generate(model, { prompt, maxTokens: 200, seed: 1, stopTokens: [stopToken] });
    expect(byToken.stoppedBy).toBe('stop');
    expect(Array.from(byToken.tokens)).toEqual(Array.from(full.tokens.subarray(0, first)));
  });

  it('hands the watermarker the candidates and the whole context so far', () => {
    const seen: { context: number[]; ids: number }[] = [];
    const recording: Watermarker = {
      keyId: 'test',
      scheme: 'gumbel',
      biasLogits: () => undefined,
      biasCandidates: () => undefined,
      sample: () => 0,
      sampleCandidates(ids: Uint32Array, logits: Float32Array, context: Uint32Array, options: SampleOptions) {
        expect(logits.length).toBe(ids.length);
        expect(options.temperature).toBe(0.8);
        seen.push({ context: Array.from(context), ids: ids.length });
        return ids[1]!;
      },
    };
    const { tokens } = generate(model, { prompt, maxTokens: 5, seed: 1, topK: 20, temperature: 0.8, watermarker: recording });
    expect(seen.map((s) => s.ids)).toEqual([20, 20, 20, 20, 20]);
    for (let i = 0; i < 5; i++) expect(seen[i]!.context).toEqual([...prompt, ...tokens.subarray(0, i)]);
  });

  it('generates with a real watermark key, reproducibly', () => {
    const key = generateKey({ scheme: 'kgw', tokenizer: tokenizer.identity(), secret: new Uint8Array(32).fill(7) });
    const watermarker = createWatermarker(key);
    const a = generate(model, { prompt, maxTokens: 40, seed: 9, watermarker });
    const b = generate(model, { prompt, maxTokens: 40, seed: 9, watermarker });
    expect(Array.from(a.tokens)).toEqual(Array.from(b.tokens));
    expect(a.tokens.length).toBe(40);
  });

  it('rejects bad options with messages naming them', () => {
    expect(() => generate(model, { prompt, maxTokens: -1, seed: 1 })).toThrow(/maxTokens/);
    expect(() => generate(model, { prompt, maxTokens: 1, seed: 1, topK: 1.5 })).toThrow(/topK/);
    expect(() => generate(model, { prompt, maxTokens: 1, seed: 1, temperature: -1 })).toThrow(/temperature/);
    expect(() => generate(model, { prompt, maxTokens: 1, seed: 1, topP: 0 })).toThrow(/topP/);
    expect(() => generate(model, { prompt: [1, 2] as unknown as Uint32Array, maxTokens: 1, seed: 1 })).toThrow(/prompt/);
  });
});
