import { describe, expect, it } from 'vitest';
import { deriveAccountKey, generateKey, KeyError, parseKey, publicKeyInfo, resolveParams, serializeKey, SCHEMES } from './key.ts';

const tokenizer = { name: 'synthetic', vocabSize: 50_000, hash: 'sha256:test' };

describe('watermark keys', () => {
  it('round-trips every scheme through the JSON file format', () => {
    for (const scheme of SCHEMES) {
      const key = generateKey({ scheme, tokenizer });
      const back = parseKey(serializeKey(key), 'k.json');
      expect(back.keyId).toBe(key.keyId);
      expect(back.params).toEqual(key.params);
      expect(Buffer.from(back.secret).equals(Buffer.from(key.secret))).toBe(true);
      expect(key.keyId).toMatch(/^tmk_[0-9a-f]{32}$/);
    }
  });

  it('never reveals the secret in the key id or the public info', () => {
    const key = generateKey({ scheme: 'kgw', tokenizer });
    const hex = Buffer.from(key.secret).toString('hex');
    expect(JSON.stringify(publicKeyInfo(key))).not.toContain(hex);
    expect(JSON.stringify(publicKeyInfo(key))).not.toContain(hex.slice(0, 16));
  });

  it('binds parameters and tokenizer into the key id, so an edited file is refused', () => {
    const key = generateKey({ scheme: 'kgw', tokenizer });
    const doc = JSON.parse(serializeKey(key));
    doc.params.gamma = 0.5;
    expect(() => parseKey(JSON.stringify(doc), 'k.json')).toThrow(/k\.json: keyId .* does not match/);
    const doc2 = JSON.parse(serializeKey(key));
    doc2.tokenizer.hash = 'sha256:other';
    expect(() => parseKey(JSON.stringify(doc2), 'k.json')).toThrow(KeyError);
  });

  it('rejects malformed key files with a message naming the file', () => {
    expect(() => parseKey('{', 'bad.json')).toThrow(/^bad\.json: not valid JSON/);
    expect(() => parseKey('{"type":"x"}', 'bad.json')).toThrow(/bad\.json: not a tracemark watermark key/);
    const key = JSON.parse(serializeKey(generateKey({ scheme: 'gumbel', tokenizer })));
    key.version = 9;
    expect(() => parseKey(JSON.stringify(key), 'v.json')).toThrow(/unsupported key format version 9/);
    key.version = 1;
    key.secret = 'abc';
    expect(() => parseKey(JSON.stringify(key), 's.json')).toThrow(/"secret" must be 64 hex/);
  });

  it('validates parameters with messages naming the parameter', () => {
    expect(() => resolveParams('kgw', { gamma: 1.5 })).toThrow(/gamma must be a number in \(0, 0\.99\]/);
    expect(() => resolveParams('kgw', { context: 9 })).toThrow(/context must be an integer in \[1, 8\]/);
    expect(() => resolveParams('kgw', { seeding: 'x' })).toThrow(/seeding must be/);
    expect(() => resolveParams('gumbel', { gamma: 0.5 })).toThrow(/gamma does not apply to scheme gumbel/);
    expect(() => resolveParams('synthid', { layers: 33 })).toThrow(/layers/);
    expect(resolveParams('kgw', { context: 4, seeding: 'selfhash' })).toEqual({ gamma: 0.25, delta: 2, context: 4, seeding: 'selfhash' });
  });

  it('derives distinct, reproducible account keys from a master key', () => {
    const master = generateKey({ scheme: 'kgw', tokenizer });
    const a1 = deriveAccountKey(master, 'acct-1');
    const a1again = deriveAccountKey(master, 'acct-1');
    const a2 = deriveAccountKey(master, 'acct-2');
    expect(a1.keyId).toBe(a1again.keyId);
    expect(a1.keyId).not.toBe(a2.keyId);
    expect(a1.keyId).not.toBe(master.keyId);
    expect(parseKey(serializeKey(a1)).account).toBe('acct-1');
    expect(() => deriveAccountKey(a1, 'x')).toThrow(/already an account key/);
  });
});
