import { describe, expect, it } from 'vitest';
import { bearerToken, createAccountRegistry, hashApiKey } from './accounts.ts';
import { type AccountConfig } from './config.ts';

const rate = { requestsPerMinute: 1, tokensPerMinute: 1, burstRequests: 1, burstTokens: 1 };
const account = (name: string, ...keys: string[]): AccountConfig => ({ name, apiKeyDigests: keys.map((k) => Uint8Array.from(Buffer.from(hashApiKey(k), 'hex'))), rateLimit: rate });

describe('accounts', () => {
  const registry = createAccountRegistry([account('a', 'sk-aaaaaaaaaaaaaaaa', 'sk-a2-aaaaaaaaaaaaa'), account('b', 'sk-bbbbbbbbbbbbbbbb')]);

  it('maps each key to its account and nothing else to any', () => {
    expect(registry.authenticate('sk-aaaaaaaaaaaaaaaa')?.name).toBe('a');
    expect(registry.authenticate('sk-a2-aaaaaaaaaaaaa')?.name).toBe('a');
    expect(registry.authenticate('sk-bbbbbbbbbbbbbbbb')?.name).toBe('b');
    for (const wrong of ['sk-aaaaaaaaaaaaaaab', 'sk-aaaaaaaaaaaaaaa', '', 'sk-bbbbbbbbbbbbbbbb ', null]) expect(registry.authenticate(wrong)).toBeNull();
  });

  it('reads bearer tokens case-insensitively and refuses other schemes', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer   abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken('Bearer a b')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});
