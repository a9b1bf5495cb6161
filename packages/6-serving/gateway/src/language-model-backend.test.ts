import { generate, loadModel, type NgramModel } from '@tracemark/models';
import { createWatermarker, generateKey } from '@tracemark/watermark';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLanguageModelBackend } from './language-model-backend.ts';
import { type GeneratedToken } from './model-backend.ts';
import { testModelFile } from './testing.ts';

let model: NgramModel;
beforeAll(async () => {
  model = await loadModel(await testModelFile());
});

async function collect(it: AsyncIterable<GeneratedToken>): Promise<GeneratedToken[]> {
  const out: GeneratedToken[] = [];
  for await (const t of it) out.push(t);
  return out;
}

describe('createLanguageModelBackend', () => {
  it('produces the tokens of generate() for every scheme, seed and sampling setting', async () => {
    const backend = createLanguageModelBackend(model, { id: 'm' });
    const prompt = model.tokenizer.encode('We have been engaged');
    for (const scheme of ['kgw', 'unigram', 'gumbel', 'synthid'] as const) {
      const wm = createWatermarker(generateKey({ scheme, tokenizer: model.tokenizer.identity(), secret: new Uint8Array(32).fill(3), createdAt: new Date(0) }));
      for (const [temperature, topP] of [[1, 1], [0.7, 0.9], [0, 1]] as const) {
        const expected = generate(model, { prompt, maxTokens: 30, seed: 5, temperature, topP, watermarker: wm }).tokens;
        const got = await collect(backend.generate({ context: prompt, maxTokens: 30, seed: 5, temperature, topP, watermarker: wm, topLogprobs: -1, signal: new AbortController().signal }));
        expect(Uint32Array.from(got, (t) => t.id)).toEqual(expected);
      }
    }
    const plain = generate(model, { prompt, maxTokens: 20, seed: 'x' }).tokens;
    const got = await collect(backend.generate({ context: prompt, maxTokens: 20, seed: 'x', temperature: 1, topP: 1, topLogprobs: 2, signal: new AbortController().signal }));
    expect(Uint32Array.from(got, (t) => t.id)).toEqual(plain);
  });

  it('reports the biased distribution for KGW: green tokens gain δ in log-odds', async () => {
    const backend = createLanguageModelBackend(model, { id: 'm' });
    const prompt = model.tokenizer.encode('The Treasury');
    const key = generateKey({ scheme: 'kgw', params: { gamma: 0.25, delta: 2, context: 1 }, tokenizer: model.tokenizer.identity(), secret: new Uint8Array(32).fill(4), createdAt: new Date(0) });
    const signal = new AbortController().signal;
    const [plain] = await collect(backend.generate({ context: prompt, maxTokens: 1, seed: 1, temperature: 1, topP: 1, topLogprobs: 50, signal }));
    const [marked] = await collect(backend.generate({ context: prompt, maxTokens: 1, seed: 1, temperature: 1, topP: 1, topLogprobs: 50, watermarker: createWatermarker(key), signal }));
    const p = new Map(Array.from(plain!.top!.ids, (id, i) => [id, plain!.top!.logprobs[i]!]));
    const m = new Map(Array.from(marked!.top!.ids, (id, i) => [id, marked!.top!.logprobs[i]!]));
    // Log-ratio against a reference token is either unchanged (same colour) or shifted by ±δ.
    const ref = plain!.top!.ids[0]!;
    const shifts = new Set([...p.keys()].map((id) => Math.round((m.get(id)! - m.get(ref)! - (p.get(id)! - p.get(ref)!)) * 1000) / 1000));
    expect([...shifts].every((s) => [0, 2, -2].includes(s))).toBe(true);
    expect(shifts.size).toBeGreaterThan(1);
    expect(marked!.logprob).toBe(m.get(marked!.id));
  });

  it('stops when the signal aborts and at an end-of-generation token', async () => {
    const ac = new AbortController();
    const backend = createLanguageModelBackend(model, { id: 'm', isEndOfGeneration: (id) => id === 13 });
    let n = 0;
    for await (const _ of backend.generate({ context: model.tokenizer.encode('Sir'), maxTokens: 500, seed: 1, temperature: 1, topP: 1, topLogprobs: -1, signal: ac.signal })) {
      if (++n === 5) ac.abort();
    }
    expect(n).toBe(5);
    const tokens = await collect(backend.generate({ context: model.tokenizer.encode('Sir'), maxTokens: 500, seed: 1, temperature: 1, topP: 1, topLogprobs: -1, signal: new AbortController().signal }));
    expect(tokens.length).toBeLessThan(500);
    expect(tokens.some((t) => t.id === 13)).toBe(false);
  });
});
