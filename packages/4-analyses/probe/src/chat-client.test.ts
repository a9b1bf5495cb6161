import { afterEach, describe, expect, it } from 'vitest';
import { AbortedError, ChatClient, chatCompletionsUrl, HttpStatusError, RetriesExhaustedError } from './chat-client.ts';
import { echoResponder } from './testing/echo-responder.ts';
import { type Fault, startOpenAiTestServer, type TestServer } from './testing/openai-test-server.ts';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const body = { model: 'm', messages: [{ role: 'user', content: 'hello there' }], max_tokens: 8, seed: 1 };
const fast = { baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 50 };

async function serve(faults: (Fault | null)[], extra: { apiKey?: string } = {}) {
  server = await startOpenAiTestServer({ responder: echoResponder(), fault: ({ index }) => faults[index] ?? null, ...extra });
  return server;
}

describe('chatCompletionsUrl', () => {
  it('appends /chat/completions (and /v1 to a bare origin)', () => {
    expect(chatCompletionsUrl('http://h:1')).toBe('http://h:1/v1/chat/completions');
    expect(chatCompletionsUrl('http://h:1/v1/')).toBe('http://h:1/v1/chat/completions');
    expect(chatCompletionsUrl('https://h/openai/v1/chat/completions')).toBe('https://h/openai/v1/chat/completions');
    expect(() => chatCompletionsUrl('ftp://h')).toThrow(/http/);
  });
});

describe('ChatClient', () => {
  it('retries 429 (honouring Retry-After), 500, dropped connections, stalls and garbage, then succeeds', async () => {
    const s = await serve([
      { kind: 'status', status: 429, retryAfterMs: 30 },
      { kind: 'status', status: 500 },
      { kind: 'drop' },
      { kind: 'stall' },
      { kind: 'stall-body' },
      { kind: 'garbage' },
    ]);
    const client = new ChatClient({ endpoint: s.url, timeoutMs: 300, retry: { ...fast, maxAttempts: 10 }, random: () => 0 });
    const r = await client.complete(body);
    expect(r.attempts).toBe(7);
    expect(r.retries.map((x) => x.reason)).toEqual([
      'HTTP 429: injected 429',
      'HTTP 500: injected 500',
      expect.stringMatching(/^connection error/),
      'no complete response within 300 ms',
      'no complete response within 300 ms',
      'HTTP 200 with a body that is not a JSON object',
    ]);
    expect(r.retries[0]!.waitMs).toBe(30); // the server's wait, not the 1 ms backoff
    expect(r.requestId).toMatch(/^req_chatcmpl-test-/);
    expect((r.body.choices as { message: { content: string } }[])[0]!.message.content).toBe('m says 1 hello there');
  });

  it('does not retry client errors and sends the API key as a bearer token', async () => {
    const s = await serve([], { apiKey: 'sk-test' });
    const bad = new ChatClient({ endpoint: s.url, apiKey: 'wrong', retry: fast });
    await expect(bad.complete(body)).rejects.toMatchObject({ name: 'HttpStatusError', status: 401 });
    expect(s.stats.requests).toBe(1);
    const good = new ChatClient({ endpoint: s.url, apiKey: 'sk-test', retry: fast });
    await expect(good.complete(body)).resolves.toMatchObject({ status: 200 });
    expect(s.stats.authorizations).toEqual(['Bearer wrong', 'Bearer sk-test']);
  });

  it('gives up after maxAttempts with the last reason', async () => {
    const s = await serve(Array.from({ length: 10 }, (): Fault => ({ kind: 'status', status: 503 })));
    const client = new ChatClient({ endpoint: s.url, retry: { ...fast, maxAttempts: 3 } });
    const e = await client.complete(body).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RetriesExhaustedError);
    expect((e as RetriesExhaustedError).attempts).toBe(3);
    expect((e as Error).message).toMatch(/gave up after 3 attempts \(last: HTTP 503/);
  });

  it('stops at once when aborted, even while waiting to retry', async () => {
    const s = await serve([{ kind: 'status', status: 429, retryAfter: '60' }]);
    const client = new ChatClient({ endpoint: s.url, retry: { maxRetryAfterMs: 60_000 } });
    const controller = new AbortController();
    const pending = client.complete(body, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
  });

  it('reports a refused connection as retryable', async () => {
    const s = await serve([]);
    const url = s.url;
    await s.close();
    server = null;
    const client = new ChatClient({ endpoint: url, retry: { ...fast, maxAttempts: 2 } });
    await expect(client.complete(body)).rejects.toThrow(/connection error \(ECONNREFUSED\)/);
    expect(HttpStatusError).toBeDefined();
  });
});
