/**
 * The official `openai` npm client, unmodified, against the gateway: only `baseURL` and `apiKey`
 * differ from talking to OpenAI. Chat, streaming (raw chunks and the client's own stream
 * accumulator), log-probabilities, legacy completions, model listing, and the client's typed
 * errors for 401 / 404 / 400 / 429.
 */
import { rm } from 'node:fs/promises';
import OpenAI from 'openai';
import { createDetector, deriveAccountKey } from '@tracemark/watermark';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { type Gateway, startGateway } from './start-gateway.ts';
import { createTestSetup, TEST_API_KEYS, type TestSetup } from './testing.ts';

let setup: TestSetup;
let gateway: Gateway;
let client: OpenAI;

beforeAll(async () => {
  setup = await createTestSetup({ config: { limits: { maxTokens: 256, rateLimit: { requestsPerMinute: 1000 } } } });
  gateway = await startGateway(await loadConfig(setup.configPath));
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: TEST_API_KEYS.alice, maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.close();
  await rm(setup.dir, { recursive: true, force: true });
});

describe('official openai client', () => {
  it('lists models', async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(['teacher']);
  });

  it('creates a chat completion', async () => {
    const c = await client.chat.completions.create({ model: 'teacher', messages: [{ role: 'developer', content: 'Be brief.' }, { role: 'user', content: 'Report on the state of the Union.' }], max_tokens: 40, temperature: 0.8, top_p: 0.95, seed: 1 });
    expect(c.object).toBe('chat.completion');
    expect(c.choices[0]!.message.role).toBe('assistant');
    expect(c.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(c.choices[0]!.finish_reason).toBe('length');
    expect(c.usage!.completion_tokens).toBe(40);
    // Through the client too, the text carries alice's watermark and not bob's.
    const texts = [c.choices[0]!.message.content!];
    for (let s = 2; s < 6; s++) {
      const more = await client.chat.completions.create({ model: 'teacher', messages: [{ role: 'user', content: `Topic ${s}: revenue` }], max_tokens: 60, seed: s });
      texts.push(more.choices[0]!.message.content!);
    }
    expect(createDetector(deriveAccountKey(setup.master, 'alice'), { tokenizer: setup.tokenizer }).detect(texts).aggregate.log10PValue).toBeLessThan(-6);
    expect(createDetector(deriveAccountKey(setup.master, 'bob'), { tokenizer: setup.tokenizer }).detect(texts).aggregate.pValue).toBeGreaterThan(1e-3);
  });

  it('streams a chat completion, raw and through the stream helper, with usage', async () => {
    const params = { model: 'teacher', messages: [{ role: 'user' as const, content: 'On the navy' }], max_tokens: 30, seed: 4 };
    const whole = await client.chat.completions.create(params);
    const stream = await client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let finish: string | null = null;
    let usage: number | undefined;
    for await (const chunk of stream) {
      for (const ch of chunk.choices) {
        text += ch.delta.content ?? '';
        finish = ch.finish_reason ?? finish;
      }
      if (chunk.usage) usage = chunk.usage.completion_tokens;
    }
    expect(text).toBe(whole.choices[0]!.message.content);
    expect(finish).toBe('length');
    expect(usage).toBe(30);
    const helper = client.chat.completions.stream(params);
    const final = await helper.finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe(whole.choices[0]!.message.content);
  });

  it('returns log-probabilities, streaming or not', async () => {
    const params = { model: 'teacher', messages: [{ role: 'user' as const, content: 'On trade' }], max_tokens: 10, seed: 8, logprobs: true, top_logprobs: 3 };
    const c = await client.chat.completions.create(params);
    const lp = c.choices[0]!.logprobs!.content!;
    expect(lp).toHaveLength(10);
    expect(lp[0]!.top_logprobs).toHaveLength(3);
    expect(lp.map((t) => t.token).join('')).toBe(c.choices[0]!.message.content);
    const stream = await client.chat.completions.create({ ...params, stream: true });
    const streamed: number[] = [];
    for await (const chunk of stream) for (const ch of chunk.choices) for (const t of ch.logprobs?.content ?? []) streamed.push(t.logprob);
    expect(streamed).toEqual(lp.map((t) => t.logprob));
  });

  it('creates legacy completions', async () => {
    const c = await client.completions.create({ model: 'teacher', prompt: 'Fellow-citizens of the Senate', max_tokens: 20, seed: 3, logprobs: 2, stop: ['\n\n'] });
    expect(c.object).toBe('text_completion');
    expect(c.choices[0]!.logprobs!.tokens!.length).toBeGreaterThan(0);
    const stream = await client.completions.create({ model: 'teacher', prompt: 'Fellow-citizens of the Senate', max_tokens: 20, seed: 3, stop: ['\n\n'], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(c.choices[0]!.text);
  });

  it('surfaces gateway errors as the client’s typed errors', async () => {
    const bad = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-not-a-real-key-123456', maxRetries: 0 });
    await expect(bad.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(client.chat.completions.create({ model: 'gpt-nope', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const tooMany = client.chat.completions.create({ model: 'teacher', messages: [{ role: 'user', content: 'x' }], max_tokens: 100_000 });
    await expect(tooMany).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(tooMany).rejects.toMatchObject({ status: 400, param: 'max_tokens' });
  });

  it('gets RateLimitError with Retry-After when an account is over its limit', async () => {
    const s = await createTestSetup({ config: { limits: { maxTokens: 32, rateLimit: { requestsPerMinute: 1 } } } });
    const g = await startGateway(await loadConfig(s.configPath));
    try {
      const c = new OpenAI({ baseURL: `${g.url}/v1`, apiKey: TEST_API_KEYS.bob, maxRetries: 0 });
      await c.completions.create({ model: 'teacher', prompt: 'x', max_tokens: 1 });
      const err = await c.completions.create({ model: 'teacher', prompt: 'x', max_tokens: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
      expect(Number((err as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    } finally {
      await g.close();
      await rm(s.dir, { recursive: true, force: true });
    }
  });
});
