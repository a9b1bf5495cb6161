import { readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { generate, loadModel, type NgramModel } from '@tracemark/models';
import { createDetector, createWatermarker, deriveAccountKey } from '@tracemark/watermark';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { type Gateway, startGateway } from './start-gateway.ts';
import { createTestSetup, TEST_API_KEYS, type TestSetup } from './testing.ts';

let setup: TestSetup;
let gateway: Gateway;
let model: NgramModel;

async function post(path: string, body: unknown, key: string = TEST_API_KEYS.alice): Promise<Response> {
  return fetch(`${gateway.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function receiptLines(): Promise<Record<string, unknown>[]> {
  return (await readFile(setup.receiptsPath, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The server-sent events of a streamed response, parsed (the final `[DONE]` as the string). */
async function events(res: Response): Promise<unknown[]> {
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((b) => b.startsWith('data: '))
    .map((b) => (b === 'data: [DONE]' ? '[DONE]' : JSON.parse(b.slice(6))));
}

beforeAll(async () => {
  setup = await createTestSetup({
    models: [],
    config: {
      limits: { maxTokens: 512, maxBodyBytes: 64 * 1024, headersTimeoutMs: 300, requestTimeoutMs: 600, maxConcurrent: 2, maxQueue: 2 },
    },
  });
  const config = await loadConfig(setup.configPath);
  // A second model entry on the same file, with a reasoning trace.
  gateway = await startGateway({ ...config, models: [...config.models, { ...config.models[0]!, id: 'thinker', reasoning: { maxTokens: 24 } }] }, { connectionsCheckingIntervalMs: 50 });
  model = await loadModel(setup.modelPath);
});

afterAll(async () => {
  await gateway?.close();
  await rm(setup.dir, { recursive: true, force: true });
});

describe('gateway routes', () => {
  it('lists the models and answers a health check without a key', async () => {
    const list = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${TEST_API_KEYS.bob}` } });
    expect(list.status).toBe(200);
    const body = (await list.json()) as { object: string; data: { id: string; object: string }[] };
    expect(body.object).toBe('list');
    expect(body.data.map((m) => m.id)).toEqual(['teacher', 'thinker']);
    const one = await fetch(`${gateway.url}/v1/models/teacher`, { headers: { authorization: `Bearer ${TEST_API_KEYS.bob}` } });
    expect(await one.json()).toMatchObject({ id: 'teacher', object: 'model' });
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  });

  it('serves a completion equal to generate() with the account key, and writes its receipt', async () => {
    const prompt = 'The Congress of the United States';
    const res = await post('/v1/completions', { model: 'teacher', prompt, max_tokens: 40, seed: 11 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { id: string; object: string; choices: { text: string; finish_reason: string }[]; usage: { prompt_tokens: number; completion_tokens: number } };
    expect(body.object).toBe('text_completion');
    expect(res.headers.get('x-request-id')).toBe(body.id);
    const key = deriveAccountKey(setup.master, 'alice');
    const expected = generate(model, { prompt: model.tokenizer.encode(prompt), maxTokens: 40, seed: 11, watermarker: createWatermarker(key) });
    expect(body.choices[0]!.text).toBe(model.tokenizer.decode(expected.tokens));
    expect(body.choices[0]!.finish_reason).toBe('length');
    expect(body.usage).toMatchObject({ prompt_tokens: model.tokenizer.encode(prompt).length, completion_tokens: 40 });
    const receipt = (await receiptLines()).find((r) => r.requestId === body.id);
    expect(receipt).toMatchObject({ type: 'response', account: 'alice', keyId: key.keyId, model: 'teacher', endpoint: 'completions', completionTokens: 40, finishReason: 'length', seed: 11 });
    const { createHash } = await import('node:crypto');
    expect(receipt!.responseSha256).toBe(createHash('sha256').update(body.choices[0]!.text).digest('hex'));
    expect(receipt!.promptSha256).toBe(createHash('sha256').update(prompt).digest('hex'));
  });

  it('streams the same text as the non-streaming response, with usage and [DONE]', async () => {
    const req = { model: 'teacher', messages: [{ role: 'user', content: 'What of the public debt?' }], max_tokens: 30, seed: 5 };
    const whole = (await (await post('/v1/chat/completions', req)).json()) as { choices: { message: { content: string } }[] };
    const res = await post('/v1/chat/completions', { ...req, stream: true, stream_options: { include_usage: true } });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const ev = await events(res);
    expect(ev.at(-1)).toBe('[DONE]');
    const chunks = ev.slice(0, -1) as { choices: { delta: { content?: string }; finish_reason: string | null }[]; usage?: { completion_tokens: number } | null }[];
    const text = chunks.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? '')).join('');
    expect(text).toBe(whole.choices[0]!.message.content);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('length');
    expect(chunks.at(-1)!.usage!.completion_tokens).toBe(30);
  });

  it('cuts the answer at a stop string, which is not part of the output', async () => {
    const base = { model: 'teacher', prompt: 'The Government of the United States', max_tokens: 60, seed: 3 };
    const free = ((await (await post('/v1/completions', base)).json()) as { choices: { text: string }[] }).choices[0]!.text;
    const stop = free.slice(20, 23);
    const cut = free.indexOf(stop);
    for (const stream of [false, true]) {
      const res = await post('/v1/completions', { ...base, stop: [stop, 'zzzz-never'], stream });
      let text: string;
      let finish: string;
      if (stream) {
        const ev = (await events(res)).slice(0, -1) as { choices: { text: string; finish_reason: string | null }[] }[];
        text = ev.map((e) => e.choices[0]!.text).join('');
        finish = ev.at(-1)!.choices[0]!.finish_reason!;
      } else {
        const body = (await res.json()) as { choices: { text: string; finish_reason: string }[] };
        text = body.choices[0]!.text;
        finish = body.choices[0]!.finish_reason;
      }
      expect(text).toBe(free.slice(0, cut));
      expect(finish).toBe('stop');
    }
  });

  it('returns log-probabilities of the watermarked distribution: the chosen token and sorted alternatives', async () => {
    const res = await post('/v1/chat/completions', { model: 'teacher', messages: [{ role: 'user', content: 'Peace and commerce' }], max_tokens: 12, seed: 9, logprobs: true, top_logprobs: 5 });
    const body = (await res.json()) as { choices: { message: { content: string }; logprobs: { content: { token: string; logprob: number; bytes: number[]; top_logprobs: { token: string; logprob: number }[] }[] } }[] };
    const lp = body.choices[0]!.logprobs.content;
    expect(lp).toHaveLength(12);
    expect(lp.map((e) => e.token).join('')).toBe(body.choices[0]!.message.content);
    for (const e of lp) {
      expect(e.logprob).toBeLessThanOrEqual(0);
      expect(e.top_logprobs).toHaveLength(5);
      const tops = e.top_logprobs.map((t) => t.logprob);
      expect([...tops].sort((a, b) => b - a)).toEqual(tops);
      expect(tops[0]!).toBeGreaterThanOrEqual(e.logprob);
      expect(tops.reduce((s, x) => s + Math.exp(x), 0)).toBeLessThanOrEqual(1 + 1e-9);
      expect(Buffer.from(e.bytes).toString('utf8')).toBe(e.token);
    }
    const legacy = await post('/v1/completions', { model: 'teacher', prompt: 'Peace and commerce', max_tokens: 5, logprobs: 3, seed: 1 });
    const lb = (await legacy.json()) as { choices: { logprobs: { tokens: string[]; token_logprobs: number[]; top_logprobs: Record<string, number>[]; text_offset: number[] } }[] };
    expect(lb.choices[0]!.logprobs.tokens).toHaveLength(5);
    expect(Object.keys(lb.choices[0]!.logprobs.top_logprobs[0]!).length).toBeLessThanOrEqual(3);
    expect(lb.choices[0]!.logprobs.text_offset[0]).toBe(0);
  });

  it('watermarks a reasoning trace like the answer and receipts both', async () => {
    const res = await post('/v1/chat/completions', { model: 'thinker', messages: [{ role: 'user', content: 'Explain the tariff.' }], max_tokens: 64, seed: 2 });
    const body = (await res.json()) as { id: string; choices: { message: { content: string; reasoning_content: string } }[]; usage: { completion_tokens: number; completion_tokens_details: { reasoning_tokens: number } } };
    const msg = body.choices[0]!.message;
    expect(msg.reasoning_content.length).toBeGreaterThan(0);
    expect(body.usage.completion_tokens_details.reasoning_tokens).toBe(24);
    expect(body.usage.completion_tokens).toBe(64);
    const receipt = (await receiptLines()).find((r) => r.requestId === body.id)!;
    expect(receipt.reasoningTokens).toBe(24);
    expect(receipt.reasoningSha256).toMatch(/^[0-9a-f]{64}$/);
    const streamed = await events(await post('/v1/chat/completions', { model: 'thinker', messages: [{ role: 'user', content: 'Explain the tariff.' }], max_tokens: 64, seed: 2, stream: true }));
    const deltas = (streamed.slice(0, -1) as { choices: { delta: { reasoning_content?: string; content?: string } }[] }[]).map((c) => c.choices[0]!.delta);
    expect(deltas.map((d) => d.reasoning_content ?? '').join('')).toBe(msg.reasoning_content);
    expect(deltas.map((d) => d.content ?? '').join('')).toBe(msg.content);
    // The trace alone carries alice's watermark: 24 tokens at δ = 2 give a clear signal over several responses.
    const traces: string[] = [];
    for (let s = 0; s < 8; s++) {
      const r = (await (await post('/v1/chat/completions', { model: 'thinker', messages: [{ role: 'user', content: `Question ${s} on the budget` }], max_tokens: 64, seed: 100 + s })).json()) as { choices: { message: { reasoning_content: string } }[] };
      traces.push(r.choices[0]!.message.reasoning_content);
    }
    const alice = createDetector(deriveAccountKey(setup.master, 'alice'), { tokenizer: setup.tokenizer }).detect(traces).aggregate;
    const bob = createDetector(deriveAccountKey(setup.master, 'bob'), { tokenizer: setup.tokenizer }).detect(traces).aggregate;
    expect(alice.log10PValue).toBeLessThan(-4);
    expect(bob.pValue).toBeGreaterThan(1e-3);
  });
});

describe('gateway limits', () => {
  it('refuses what the limits forbid with the error envelope, and keeps serving', async () => {
    const cases: [Promise<Response>, number, string | null][] = [
      [post('/v1/chat/completions', { model: 'teacher', messages: [{ role: 'user', content: 'x' }], max_tokens: 513 }), 400, 'max_tokens'],
      [post('/v1/completions', { model: 'teacher', prompt: 'x'.repeat(70 * 1024) }), 413, null],
      [post('/v1/completions', { model: 'nope', prompt: 'x' }), 404, 'model'],
      [post('/v1/completions', { model: 'teacher', prompt: 'x' }, 'sk-wrong-key-000000000'), 401, null],
    ];
    for (const [pending, status, param] of cases) {
      const res = await pending;
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: { message: string; type: string; param: string | null; code: string | null } };
      expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
      expect(body.error.param).toBe(param);
    }
    expect((await post('/v1/completions', { model: 'teacher', prompt: 'x', max_tokens: 2 })).status).toBe(200);
  });

  it('closes a connection that sends its headers too slowly (slowloris), and keeps serving', async () => {
    const socket = connect(gateway.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('POST /v1/completions HTTP/1.1\r\nHost: x\r\n');
    let received = '';
    socket.on('data', (d) => (received += d.toString()));
    const start = performance.now();
    const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 50);
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    clearInterval(drip);
    expect(performance.now() - start).toBeLessThan(10_000);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    expect((await post('/v1/completions', { model: 'teacher', prompt: 'x', max_tokens: 2 })).status).toBe(200);
  });

  it('forgets a client that hangs up halfway through its body', async () => {
    const socket = connect(gateway.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`POST /v1/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_API_KEYS.alice}\r\nContent-Length: 1000\r\n\r\n{"model":`);
    await new Promise((r) => setTimeout(r, 50));
    expect(gateway.stats().inFlight).toBe(1);
    socket.destroy();
    for (let i = 0; i < 100 && gateway.stats().inFlight > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(gateway.stats().inFlight).toBe(0);
  });

  it('refuses a request beyond the concurrency queue with 503 rather than queueing without bound', async () => {
    // maxConcurrent 2 + maxQueue 2: of 8 simultaneous long requests some must be refused.
    const reqs = Array.from({ length: 8 }, (_, i) => post('/v1/completions', { model: 'teacher', prompt: `Tariffs ${i}`, max_tokens: 512, seed: i }));
    const statuses = (await Promise.all(reqs)).map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(4);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
  });

  it('gives every returned response a receipt whose chain verifies', async () => {
    const lines = (await readFile(setup.receiptsPath, 'utf8')).split('\n').filter(Boolean);
    const { createHash } = await import('node:crypto');
    let prev: string | null = null;
    for (const line of lines) {
      const r = JSON.parse(line) as { prev: string | null; v: number };
      expect(r.v).toBe(1);
      expect(r.prev).toBe(prev);
      prev = createHash('sha256').update(line).digest('hex');
    }
    expect(JSON.parse(lines[0]!).type).toBe('open');
    expect(gateway.stats().receipts.records).toBe(lines.length);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once an account spends its bucket; other accounts are unaffected', async () => {
    const s = await createTestSetup({ config: { limits: { maxTokens: 32, rateLimit: { requestsPerMinute: 3, tokensPerMinute: 100_000 } } } });
    const g = await startGateway(await loadConfig(s.configPath));
    try {
      const call = (key: string) => fetch(`${g.url}/v1/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: JSON.stringify({ model: 'teacher', prompt: 'x', max_tokens: 2 }) });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await call(TEST_API_KEYS.alice)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await call(TEST_API_KEYS.alice);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limit_exceeded');
      expect((await call(TEST_API_KEYS.bob)).status).toBe(200);
    } finally {
      await g.close();
      await rm(s.dir, { recursive: true, force: true });
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes an in-flight stream, refuses new connections, and writes the close receipt', async () => {
    const s = await createTestSetup();
    const g = await startGateway(await loadConfig(s.configPath));
    const res = await fetch(`${g.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${TEST_API_KEYS.alice}` }, body: JSON.stringify({ model: 'teacher', messages: [{ role: 'user', content: 'x' }], max_tokens: 512, stream: true, seed: 1 }) });
    expect(res.status).toBe(200);
    const closing = g.close();
    const text = await res.text();
    await closing;
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    await expect(fetch(`${g.url}/healthz`)).rejects.toThrow();
    const lines = (await readFile(s.receiptsPath, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['open', 'checkpoint', 'response', 'close', 'checkpoint']);
    expect(lines[2].completionTokens).toBe(512);
    await rm(s.dir, { recursive: true, force: true });
  });
});
