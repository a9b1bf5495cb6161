import { describe, expect, it } from 'vitest';
import { hashApiKey } from './accounts.ts';
import { ConfigError, DEFAULT_LIMITS, parseConfig } from './config.ts';

const base = () => ({
  masterKey: 'keys/master.json',
  receipts: { path: 'receipts.jsonl' },
  models: [{ id: 'teacher', file: 'teacher.tmngram' }],
  accounts: [{ name: 'acme', apiKeys: ['sk-acme-0123456789abcdef'] }],
});

const parse = (doc: unknown) => parseConfig(doc, 'gw.json', '/etc/gw');

describe('parseConfig', () => {
  it('fills defaults, resolves paths against the config folder, and keeps only key digests', () => {
    const c = parse(base());
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8080, watermark: true, masterKey: '/etc/gw/keys/master.json', receipts: { path: '/etc/gw/receipts.jsonl', groupCommit: true } });
    expect(c.models[0]).toMatchObject({ id: 'teacher', backend: 'ngram', file: '/etc/gw/teacher.tmngram', topK: 50, chatTemplate: 'transcript', reasoning: null });
    expect(c.limits).toEqual(DEFAULT_LIMITS);
    expect(Buffer.from(c.accounts[0]!.apiKeyDigests[0]!).toString('hex')).toBe(hashApiKey('sk-acme-0123456789abcdef'));
    expect(JSON.stringify(c)).not.toContain('sk-acme');
    expect(c.accounts[0]!.rateLimit).toEqual({ requestsPerMinute: 600, tokensPerMinute: 1_000_000, burstRequests: 600, burstTokens: 1_000_000 });
  });

  it('accepts pre-hashed keys and per-account rate limits over the default', () => {
    const doc = { ...base(), limits: { rateLimit: { requestsPerMinute: 60, tokensPerMinute: 50_000 } }, accounts: [{ name: 'a', apiKeySha256: ['ab'.repeat(32)], rateLimit: { requestsPerMinute: 6 } }] };
    const c = parse(doc);
    expect(c.accounts[0]!.rateLimit).toEqual({ requestsPerMinute: 6, tokensPerMinute: 50_000, burstRequests: 6, burstTokens: 50_000 });
  });

  it('rejects what would be unsafe or ambiguous, naming the file and field', () => {
    const bad: [unknown, RegExp][] = [
      [{ ...base(), limts: {} }, /gw\.json: \(top level\): unknown field "limts"/],
      [{ ...base(), models: [{ id: 'm', file: 'f', topk: 3 }] }, /models\[0\]: unknown field "topk"/],
      [{ ...base(), models: [] }, /models: must be a non-empty array/],
      [{ ...base(), models: [{ id: 'm', file: 'f' }, { id: 'm', file: 'g' }] }, /models\[1\]\.id: duplicate model id/],
      [{ ...base(), models: [{ id: 'm', file: 'f', backend: 'vllm' }] }, /models\[0\]\.backend/],
      [{ ...base(), masterKey: undefined }, /masterKey: is required/],
      [{ ...base(), accounts: [{ name: 'a', apiKeys: ['short'] }] }, /apiKeys\[0\]: must be at least 16 characters/],
      [{ ...base(), accounts: [{ name: 'a', apiKeySha256: ['xyz'] }] }, /apiKeySha256\[0\]: must be 64 hex/],
      [{ ...base(), accounts: [{ name: 'a' }] }, /needs at least one entry/],
      [{ ...base(), accounts: [{ name: 'a', apiKeys: ['sk-same-0123456789ab'] }, { name: 'b', apiKeys: ['sk-same-0123456789ab'] }] }, /listed twice/],
      [{ ...base(), limits: { maxTokens: 0 } }, /limits\.maxTokens: must be an integer in \[1/],
      [{ ...base(), limits: { headersTimeoutMs: 5000, requestTimeoutMs: 1000 } }, /requestTimeoutMs: must be ≥/],
      [{ ...base(), limits: { maxTokens: 4096, rateLimit: { tokensPerMinute: 1000 } } }, /burstTokens \(1000\) must exceed limits\.maxTokens/],
      [{ ...base(), receipts: undefined }, /receipts: must be an object/],
    ];
    for (const [doc, message] of bad) {
      expect(() => parse(doc)).toThrow(ConfigError);
      expect(() => parse(doc)).toThrow(message);
    }
  });

  it('needs no master key with watermarking off', () => {
    const { masterKey: _m, ...rest } = base();
    expect(parse({ ...rest, watermark: false }).masterKey).toBeNull();
  });
});

describe('gateway.example.json', () => {
  it('is a valid config', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = JSON.parse(await readFile(new URL('../gateway.example.json', import.meta.url), 'utf8'));
    const c = parse(doc);
    expect(c.models.map((m) => m.backend)).toEqual(['ngram', 'ngram', 'llama-cpp']);
    expect(c.models[1]!.reasoning).toEqual({ maxTokens: 128 });
    expect(c.warnings).toEqual([]);
    expect(c.exchangeLog).toMatchObject({ text: 'features', checkpointEvery: 1000 });
  });
});
