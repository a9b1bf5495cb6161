/**
 * The gateway's exchange log (issue 13's input), against a live gateway on loopback: one line per
 * authenticated call in the `ExchangeRecord` format, the client address from X-Forwarded-For only
 * through a trusted proxy (right-most untrusted entry), the request and response as sent with the
 * watermark key id, and the same integrity as the receipts (chain and signed checkpoints covering
 * every line). With `"text": "features"` no prompt or response text is left in the file.
 */
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePublicKey } from '@tracemark/evidence';
import { type Gateway, LogVerifier, loadConfig, startGateway } from '@tracemark/gateway';
import { createTestSetup, TEST_API_KEYS, type TestSetup } from '@tracemark/gateway/testing';
import { type ExchangeRecord } from '@tracemark/traffic';
import { deriveAccountKey } from '@tracemark/watermark';

interface Run {
  readonly setup: TestSetup;
  readonly lines: string[];
  readonly records: (ExchangeRecord & { type: string })[];
  readonly answers: { chat: { choices: { message: { content: string } }[] }; stream: string };
}

const CHAT = { model: 'teacher', messages: [{ role: 'user', content: 'Explain step by step how the tariff of 1828 was passed' }], max_tokens: 20, seed: 4 };

/** POST from a chosen local address (127.0.0.2 is another client on loopback); resolves with status and body. */
function postFrom(gateway: Gateway, localAddress: string, path: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: gateway.port, localAddress, method: 'POST', path, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers } }, (res) => {
      let out = '';
      res.on('data', (d) => (out += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: out }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')));
    req.on('error', reject);
    req.end(text);
  });
}

async function run(text: 'keep' | 'features'): Promise<Run> {
  const setup = await createTestSetup({ config: { exchangeLog: { path: 'exchanges.jsonl', signer: 'signer.json', text, checkpointEvery: 3 }, trustedProxies: ['127.0.0.1'] } });
  const gateway = await startGateway(await loadConfig(setup.configPath));
  const alice = { authorization: `Bearer ${TEST_API_KEYS.alice}` };
  const bob = { authorization: `Bearer ${TEST_API_KEYS.bob}` };
  try {
    const chat = await postFrom(gateway, '127.0.0.1', '/v1/chat/completions', CHAT, { ...alice, 'x-forwarded-for': '203.0.113.7', 'user-agent': 'harvester/1.0' });
    const stream = await postFrom(gateway, '127.0.0.1', '/v1/completions', { model: 'teacher', prompt: 'The Union', max_tokens: 8, stream: true, seed: 1 }, { ...bob, 'x-forwarded-for': '1.2.3.4, 198.51.100.2' });
    const refused = await postFrom(gateway, '127.0.0.1', '/v1/completions', { model: 'teacher', prompt: 'x', temperature: 9 }, { ...alice, 'x-forwarded-for': '198.51.100.9, 127.0.0.1' });
    const untrusted = await postFrom(gateway, '127.0.0.2', '/v1/completions', { model: 'teacher', prompt: 'Peace', max_tokens: 2 }, { ...bob, 'x-forwarded-for': '192.0.2.55' });
    const unknownKey = await postFrom(gateway, '127.0.0.1', '/v1/completions', { model: 'teacher', prompt: 'x' }, { authorization: 'Bearer sk-nobody-000000000000' });
    expect([chat.status, stream.status, refused.status, untrusted.status, unknownKey.status]).toEqual([200, 200, 400, 200, 401]);
    await gateway.close();
    const lines = (await readFile(join(setup.dir, 'exchanges.jsonl'), 'utf8')).split('\n').filter(Boolean);
    const records = lines.map((l) => JSON.parse(l)).filter((r) => r.type === 'exchange');
    return { setup, lines, records, answers: { chat: JSON.parse(chat.text), stream: stream.text } };
  } finally {
    await gateway.close();
  }
}

let keep: Run;
let features: Run;
beforeAll(async () => {
  keep = await run('keep');
  features = await run('features');
});
afterAll(async () => {
  for (const r of [keep, features]) if (r) await rm(r.setup.dir, { recursive: true, force: true });
});

function verify(r: Run) {
  const v = new LogVerifier('exchanges.jsonl', 'exchanges', parsePublicKey(readFileSync(r.setup.publicKeyPath!, 'utf8')));
  for (const l of r.lines) v.line(Buffer.from(l, 'utf8').toString('latin1'));
  return v.finish(true);
}

describe('exchange log', () => {
  it('writes one ExchangeRecord per authenticated call, with the client address a trusted proxy vouches for', () => {
    const rs = keep.records;
    expect(rs.map((r) => [r.account, r.endpoint, r.status, r.ip])).toEqual([
      ['alice', '/v1/chat/completions', 200, '203.0.113.7'],
      ['bob', '/v1/completions', 200, '198.51.100.2'], // right-most untrusted entry: 1.2.3.4 was written by the client
      ['alice', '/v1/completions', 400, '198.51.100.9'], // 127.0.0.1 in the list is the trusted proxy itself
      ['bob', '/v1/completions', 200, '127.0.0.2'], // not a trusted proxy: its X-Forwarded-For is ignored
    ]);
    const [chat, stream, refused] = rs;
    expect(chat!.userAgent).toBe('harvester/1.0');
    expect(Number.isFinite(Date.parse(chat!.time))).toBe(true);
    expect(chat!.request).toEqual(CHAT);
    expect(chat!.keyId).toBe(deriveAccountKey(keep.setup.master, 'alice').keyId);
    expect((chat!.response as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toBe(keep.answers.chat.choices[0]!.message.content);
    // A stream is recorded as the equivalent whole response.
    const streamed = keep.answers.stream
      .split('\n\n')
      .filter((b) => b.startsWith('data: {'))
      .map((b) => (JSON.parse(b.slice(6)) as { choices: { text: string }[] }).choices[0]?.text ?? '')
      .join('');
    expect((stream!.response as { choices: { text: string }[] }).choices[0]!.text).toBe(streamed);
    expect(stream!.keyId).toBe(deriveAccountKey(keep.setup.master, 'bob').keyId);
    // A refused call keeps its request, has no response and no key id.
    expect(refused!.request).toMatchObject({ temperature: 9 });
    expect(refused!.response).toBeUndefined();
    expect(refused!.keyId).toBeUndefined();
  });

  it('has the receipts\' integrity: chain intact, every line covered by a checkpoint signed as an exchange log', () => {
    const integrity = verify(keep);
    expect(integrity).toMatchObject({ verdict: 'intact', chain: { intact: true }, coverage: { uncovered: [] } });
    expect(integrity.checkpoints.valid).toBeGreaterThanOrEqual(3);
    // A checkpoint cannot be moved into the receipt log: it is signed for "exchanges".
    const asReceipts = new LogVerifier('x', 'receipts', parsePublicKey(readFileSync(keep.setup.publicKeyPath!, 'utf8')));
    for (const l of keep.lines) asReceipts.line(l);
    expect(asReceipts.finish(true).verdict).toBe('BROKEN');
  });

  it('with "text": "features" keeps parameters and features but no prompt or response text', () => {
    const text = features.lines.join('\n');
    expect(text).not.toContain('tariff of 1828');
    expect(text).not.toContain(features.answers.chat.choices[0]!.message.content.trim().slice(0, 12));
    const chat = features.records[0]!;
    const request = chat.request as { messages: { role: string; content: { features: { chars: number; minhash: number[]; elicitation: string[] } } }[]; max_tokens: number };
    expect(request.max_tokens).toBe(20);
    expect(request.messages[0]!.role).toBe('user');
    expect(request.messages[0]!.content.features).toMatchObject({ chars: CHAT.messages[0]!.content.length, elicitation: ['step-by-step'] });
    expect(request.messages[0]!.content.features.minhash).toHaveLength(64);
    const response = chat.response as { choices: { message: { content: { features: { words: number } } } }[]; usage: { completion_tokens: number } };
    expect(response.usage.completion_tokens).toBe(20);
    expect(response.choices[0]!.message.content.features.words).toBeGreaterThan(0);
    expect(verify(features).verdict).toBe('intact');
  });
});
