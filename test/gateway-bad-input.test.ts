/**
 * Bad input against a running gateway, over real sockets: malformed JSON, huge bodies (declared
 * and chunked), invalid parameters, unknown models, bad API keys, unknown routes and methods, and
 * bytes that are not HTTP. Each gets the right status and the OpenAI error envelope, no stack
 * trace leaks, and after every one the gateway still serves a good request. Only good requests
 * leave receipts.
 */
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, loadConfig, startGateway } from '@tracemark/gateway';
import { createTestSetup, TEST_API_KEYS, type TestSetup } from '@tracemark/gateway/testing';

let setup: TestSetup;
let gateway: Gateway;
let good = 0;

const auth = { authorization: `Bearer ${TEST_API_KEYS.alice}` };

async function stillServes(): Promise<void> {
  const res = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: auth, body: JSON.stringify({ model: 'teacher', messages: [{ role: 'user', content: 'still there?' }], max_tokens: 3 }) });
  expect(res.status).toBe(200);
  good++;
}

async function expectError(res: Response, status: number, fields: { type?: string; code?: string | null; param?: string | null }): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/json');
  const body = (await res.json()) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(body.error).toMatchObject(fields);
  expect(String(body.error.message)).not.toMatch(/\n\s+at /);
  await stillServes();
}

/** Raw bytes on a fresh socket; resolves with everything the server sent before closing. */
function raw(bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(gateway.port, '127.0.0.1', () => socket.end(bytes));
    let out = '';
    socket.on('data', (d) => (out += d.toString()));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer')));
  });
}

beforeAll(async () => {
  setup = await createTestSetup({ config: { limits: { maxTokens: 256, maxBodyBytes: 32 * 1024, rateLimit: { requestsPerMinute: 100_000 } } } });
  gateway = await startGateway(await loadConfig(setup.configPath));
});

afterAll(async () => {
  await gateway?.close();
});

const post = (path: string, body: string | Uint8Array | ReadableStream, headers: Record<string, string> = auth) =>
  fetch(`${gateway.url}${path}`, { method: 'POST', headers, body, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);

describe('gateway bad input', () => {
  it('malformed JSON and non-object bodies → 400', async () => {
    await expectError(await post('/v1/chat/completions', '{"model": "teacher", "messages": ['), 400, { type: 'invalid_request_error', code: 'invalid_json', param: null });
    await expectError(await post('/v1/chat/completions', ''), 400, { code: 'invalid_json' });
    await expectError(await post('/v1/chat/completions', '[1, 2]'), 400, { param: null });
    await expectError(await post('/v1/completions', Buffer.from([0xff, 0xfe, 0x00, 0x7b])), 400, { code: 'invalid_json' });
  });

  it('huge bodies → 413, whether declared up front or streamed without a length', async () => {
    await expectError(await post('/v1/chat/completions', JSON.stringify({ model: 'teacher', messages: [{ role: 'user', content: 'x'.repeat(200_000) }] })), 413, { code: 'request_too_large' });
    const chunk = new TextEncoder().encode(`{"model":"teacher","prompt":"${'y'.repeat(16 * 1024)}`);
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Bounded: 64 chunks (1 MiB) at most, far past the 32 KiB limit.
        if (sent++ < 64) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await post('/v1/completions', endless).catch((e: unknown) => e);
    // The server may close the socket before the client has finished sending; either way it refused, and keeps serving.
    if (res instanceof Response) await expectError(res, 413, { code: 'request_too_large' });
    else await stillServes();
  });

  it('invalid parameters → 400 naming the parameter', async () => {
    const chat = (extra: Record<string, unknown>) => JSON.stringify({ model: 'teacher', messages: [{ role: 'user', content: 'x' }], ...extra });
    await expectError(await post('/v1/chat/completions', chat({ temperature: 9 })), 400, { param: 'temperature' });
    await expectError(await post('/v1/chat/completions', chat({ max_tokens: -1 })), 400, { param: 'max_tokens' });
    await expectError(await post('/v1/chat/completions', chat({ max_tokens: 257 })), 400, { param: 'max_tokens' });
    await expectError(await post('/v1/chat/completions', chat({ top_logprobs: 50, logprobs: true })), 400, { param: 'top_logprobs' });
    await expectError(await post('/v1/chat/completions', chat({ stop: 7 })), 400, { param: 'stop' });
    await expectError(await post('/v1/chat/completions', chat({ n: 3 })), 400, { param: 'n', code: 'unsupported_parameter' });
    await expectError(await post('/v1/chat/completions', chat({ bogus: true })), 400, { param: 'bogus', code: 'unknown_parameter' });
    await expectError(await post('/v1/chat/completions', JSON.stringify({ model: 'teacher', messages: 'hello' })), 400, { param: 'messages' });
    await expectError(await post('/v1/completions', JSON.stringify({ model: 'teacher', prompt: 'x', logprobs: 99 })), 400, { param: 'logprobs' });
  });

  it('unknown models → 404 model_not_found', async () => {
    await expectError(await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-5', messages: [{ role: 'user', content: 'x' }] })), 404, { code: 'model_not_found', param: 'model' });
    await expectError(await fetch(`${gateway.url}/v1/models/gpt-5`, { headers: auth }), 404, { code: 'model_not_found' });
  });

  it('missing, wrong and malformed API keys → 401, before the body is even read', async () => {
    const body = JSON.stringify({ model: 'teacher', messages: [{ role: 'user', content: 'x' }] });
    await expectError(await post('/v1/chat/completions', body, {}), 401, { type: 'authentication_error', code: 'invalid_api_key' });
    await expectError(await post('/v1/chat/completions', body, { authorization: 'Bearer sk-test-alice-4f9a1c2e7c' }), 401, { code: 'invalid_api_key' });
    await expectError(await post('/v1/chat/completions', body, { authorization: `Basic ${TEST_API_KEYS.alice}` }), 401, { code: 'invalid_api_key' });
    await expectError(await fetch(`${gateway.url}/v1/models`, { headers: { authorization: 'Bearer ' } }), 401, { code: 'invalid_api_key' });
    await expectError(await post('/v1/chat/completions', 'x'.repeat(100_000), { authorization: 'Bearer nope' }), 401, { code: 'invalid_api_key' });
  });

  it('unknown routes → 404, wrong methods → 405, and bytes that are not HTTP → 400', async () => {
    await expectError(await post('/v1/embeddings', '{}'), 404, { code: 'unknown_url' });
    await expectError(await fetch(`${gateway.url}/v1/chat/completions`, { headers: auth }), 405, { code: 'method_not_allowed' });
    const answer = await raw('\x16\x03\x01 this is not http\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('"error"');
    await stillServes();
    const bigHeaders = await raw(`GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    expect(bigHeaders).toMatch(/^HTTP\/1\.1 431 /);
    await stillServes();
  });

  it('leaves receipts for the good requests only', async () => {
    const lines = (await readFile(setup.receiptsPath, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string });
    expect(lines.filter((l) => l.type === 'response')).toHaveLength(good);
  });
});
