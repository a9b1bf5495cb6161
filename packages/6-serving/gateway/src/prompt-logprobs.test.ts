/**
 * The gateway's prompt log-probabilities, field by field against the formats it follows (vLLM's
 * completions echo / `prompt_logprobs` / `/tokenize`, llama.cpp's `/tokenize` / `/completion` with
 * `n_probs`), each number checked against the model file queried directly — the unwatermarked
 * distribution — and refused for a model whose config does not opt in.
 */
import { loadModel, type NgramModel } from '@tracemark/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { type Gateway, startGateway } from './start-gateway.ts';
import { createTestSetup, TEST_API_KEYS, testModelFile } from './testing.ts';

let gateway: Gateway;
let model: NgramModel;
const TEXT = 'The state of the Union is strong, and the harbors are open to commerce.';

async function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${gateway.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TEST_API_KEYS.alice}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  const file = await testModelFile();
  model = await loadModel(file);
  const setup = await createTestSetup({ models: [{ id: 'open', file, promptLogprobs: true }] });
  gateway = await startGateway(await loadConfig(setup.configPath));
});

afterAll(async () => {
  await gateway?.close();
});

describe('prompt log-probabilities', () => {
  it('vLLM echo with logprobs and prompt_logprobs, max_tokens 0: the prompt scored with the model’s own distribution', async () => {
    const ids = Array.from(model.tokenizer.encode(TEXT));
    const r = await post('/v1/completions', { model: 'open', prompt: ids, max_tokens: 0, echo: true, logprobs: 3, prompt_logprobs: 4, return_tokens_as_token_ids: true, return_token_ids: true });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const choice = (r.body.choices as Record<string, unknown>[])[0]!;
    expect(choice.text).toBe(TEXT);
    expect(choice.prompt_token_ids).toEqual(ids);
    const lp = choice.logprobs as { tokens: string[]; token_logprobs: (number | null)[]; top_logprobs: (Record<string, number> | null)[]; text_offset: number[] };
    expect(lp.tokens).toEqual(ids.map((id) => `token_id:${id}`));
    expect(lp.token_logprobs[0]).toBeNull();
    expect(lp.top_logprobs[0]).toBeNull();
    expect(lp.text_offset[0]).toBe(0);
    const pl = choice.prompt_logprobs as (Record<string, { logprob: number; rank: number | null; decoded_token: string }> | null)[];
    expect(pl).toHaveLength(ids.length);
    expect(pl[0]).toBeNull();
    for (let j = 1; j < ids.length; j++) {
      const ctx = Uint32Array.from(ids.slice(0, j));
      const top = model.topK(ctx, 4);
      const actual = model.logProb(ctx, ids[j]!);
      expect(lp.token_logprobs[j]).toBe(actual);
      // The prompt token and the top 3, keyed by id.
      expect(lp.top_logprobs[j]).toEqual(Object.fromEntries([[`token_id:${ids[j]}`, actual], ...Array.from(top.ids.subarray(0, 3), (id, i) => [`token_id:${id}`, top.logProbs[i]])]));
      const expected: Record<string, { logprob: number; rank: number | null; decoded_token: string }> = {};
      top.ids.forEach((id, i) => (expected[String(id)] = { logprob: top.logProbs[i]!, rank: i + 1, decoded_token: model.tokenizer.decode([id]) }));
      expected[String(ids[j])] ??= { logprob: actual, rank: null, decoded_token: model.tokenizer.decode([ids[j]!]) };
      expect(pl[j]).toEqual(expected);
    }
  });

  it('/tokenize answers in llama.cpp’s and in vLLM’s shape', async () => {
    const ids = Array.from(model.tokenizer.encode(TEXT));
    const llama = await post('/tokenize', { model: 'open', content: TEXT, add_special: false, with_pieces: true });
    expect(llama.body).toEqual({ tokens: ids.map((id) => ({ id, piece: model.tokenizer.decode([id]) })) });
    const vllm = await post('/tokenize', { model: 'open', prompt: TEXT, add_special_tokens: false });
    expect(vllm.body).toMatchObject({ count: ids.length, tokens: ids });
    expect(typeof vllm.body.max_model_len).toBe('number');
  });

  it('llama.cpp /completion with n_probs: the distribution after the prompt, as logprobs or (post_sampling_probs) probs', async () => {
    const ids = Array.from(model.tokenizer.encode(TEXT));
    const top = model.topK(Uint32Array.from(ids), 5);
    const r = await post('/completion', { model: 'open', prompt: ids, n_predict: 1, n_probs: 5, cache_prompt: true });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const item = (r.body.completion_probabilities as Record<string, unknown>[])[0]!;
    expect(item.id).toBe(top.ids[0]);
    expect((item.top_logprobs as { id: number; logprob: number }[]).map((a) => [a.id, a.logprob])).toEqual(Array.from(top.ids, (id, i) => [id, top.logProbs[i]]));
    const p = await post('/completion', { model: 'open', prompt: ids, n_predict: 1, n_probs: 5, post_sampling_probs: true });
    const probs = ((p.body.completion_probabilities as Record<string, unknown>[])[0]!.top_probs as { id: number; prob: number }[]).map((a) => [a.id, a.prob]);
    expect(probs).toEqual(Array.from(top.ids, (id, i) => [id, Math.exp(top.logProbs[i]!)]));
  });

  it('refuses prompt log-probabilities for a model that does not opt in (the watermarked teacher), and generation through /completion', async () => {
    const ids = Array.from(model.tokenizer.encode(TEXT));
    for (const body of [
      { model: 'teacher', prompt: ids, max_tokens: 0, echo: true, logprobs: 2 },
      { model: 'teacher', prompt: TEXT, max_tokens: 1, prompt_logprobs: 2 },
    ]) {
      const r = await post('/v1/completions', body);
      expect(r.status).toBe(400);
      expect((r.body.error as { message: string }).message).toMatch(/Prompt log-probabilities are not served for model 'teacher'/);
    }
    expect((await post('/completion', { model: 'teacher', prompt: ids, n_predict: 1, n_probs: 2 })).status).toBe(400);
    for (const path of ['/completion', '/v1/completions']) {
      const bad = await post(path, { model: 'open', prompt: [ids[0], 999_999_999], n_predict: 1, n_probs: 2, ...(path === '/v1/completions' ? { n_predict: undefined, n_probs: undefined, max_tokens: 1 } : {}) });
      expect(bad.status, path).toBe(400);
      expect((bad.body.error as { param: string }).param).toBe('prompt');
    }
    const many = await post('/completion', { model: 'open', prompt: ids, n_predict: 8, n_probs: 2 });
    expect(many.status).toBe(400);
    expect((many.body.error as { param: string }).param).toBe('n_predict');
  });
});
