/**
 * The llama.cpp engine behind the gateway: a tiny random-weight GGUF written by the test
 * (`buildTinyLlamaGguf`), run by node-llama-cpp's prebuilt CPU binary, watermarked per account
 * through the same backend seam as the reference model. One thread (see the engine's tests: its
 * spinning workers slow down sharply when the two cores are shared).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTinyLlamaGguf } from '@tracemark/engines';
import { createDetector, deriveAccountKey, generateKey, serializeKey, type WatermarkKey } from '@tracemark/watermark';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import { createLlamaCppBackend } from './llama-cpp-backend.ts';
import { type ModelBackend } from './model-backend.ts';
import { type Gateway, startGateway } from './start-gateway.ts';
import { TEST_API_KEYS } from './testing.ts';

let dir: string;
let backend: ModelBackend;
let master: WatermarkKey;
let gateway: Gateway;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-gateway-llama-'));
  await writeFile(join(dir, 'tiny.gguf'), buildTinyLlamaGguf({ seed: 1 }));
  const modelEntry = { id: 'tiny', backend: 'llama-cpp', file: 'tiny.gguf', contextSize: 512, threads: 1, chatTemplate: 'continuation' };
  const doc = {
    masterKey: 'master.json',
    listen: { port: 0 },
    receipts: { path: 'receipts.jsonl' },
    models: [modelEntry],
    accounts: [
      { name: 'alice', apiKeys: [TEST_API_KEYS.alice] },
      { name: 'bob', apiKeys: [TEST_API_KEYS.bob] },
    ],
    limits: { maxTokens: 128 },
  };
  const config = parseConfig(doc, 'gateway.json', dir);
  backend = await createLlamaCppBackend(config.models[0]!);
  master = generateKey({ scheme: 'kgw', params: { gamma: 0.25, delta: 4, context: 1 }, tokenizer: backend.tokenizer.identity(), secret: new Uint8Array(32).fill(9), createdAt: new Date(0) });
  await writeFile(join(dir, 'master.json'), serializeKey(master), { mode: 0o600 });
  gateway = await startGateway(config, { backends: new Map([['tiny', backend]]) });
});

afterAll(async () => {
  await gateway?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('llama-cpp backend', () => {
  it('serves chat completions from a GGUF model, watermarked with the account key', async () => {
    const texts: string[] = [];
    for (let s = 0; s < 6; s++) {
      const res = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_API_KEYS.alice}` },
        body: JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: `the whale ${s}` }], max_tokens: 48, seed: s, logprobs: true, top_logprobs: 2 }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { choices: { message: { content: string }; finish_reason: string; logprobs: { content: { logprob: number }[] } }[]; usage: { completion_tokens: number } };
      expect(['length', 'stop']).toContain(body.choices[0]!.finish_reason);
      expect(body.choices[0]!.logprobs.content).toHaveLength(body.usage.completion_tokens);
      texts.push(body.choices[0]!.message.content);
    }
    const alice = createDetector(deriveAccountKey(master, 'alice'), { tokenizer: backend.tokenizer }).detect(texts).aggregate;
    const bob = createDetector(deriveAccountKey(master, 'bob'), { tokenizer: backend.tokenizer }).detect(texts).aggregate;
    expect(alice.detected).toBe(true);
    expect(bob.pValue).toBeGreaterThan(1e-3);
  });

  it('refuses a request that cannot fit the model context', async () => {
    const res = await fetch(`${gateway.url}/v1/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEYS.alice}` },
      body: JSON.stringify({ model: 'tiny', prompt: 'the whale '.repeat(300), max_tokens: 128 }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('context_length_exceeded');
  });
});
