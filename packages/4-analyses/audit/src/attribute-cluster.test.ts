import { binomialUpperCritical, holmAdjust } from '@tracemark/stats';
import { getTokenizer, type Tokenizer } from '@tracemark/tokenizers';
import { deriveAccountKey, generateKey, type SchemeName, type WatermarkKey } from '@tracemark/watermark';
import { beforeAll, describe, expect, it } from 'vitest';
import { attributeAccounts } from './attribute-accounts.ts';
import { attributeClusters } from './attribute-cluster.ts';
import { closedModelTest, type SuspectOutput } from './closed-model-test.ts';

let tokenizer: Tokenizer;

/** Deterministic token ids (a 32-bit LCG), with repeats so the dedup matters. */
function tokens(seed: number, n: number, vocab: number): Uint32Array {
  const out = new Uint32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 8) % vocab;
  }
  return out;
}

function masterKey(seed: number, scheme: SchemeName = 'kgw', params: Record<string, number | string> = { context: 1 }): WatermarkKey {
  const secret = new Uint8Array(32);
  new DataView(secret.buffer).setUint32(0, seed);
  secret[31] = 0x5a;
  return generateKey({ scheme, tokenizer: tokenizer.identity(), params, secret, createdAt: new Date(0) });
}

const outputs = (seed: number, docs: number, length: number, vocab: number): SuspectOutput[] =>
  Array.from({ length: docs }, (_, i) => ({ prompt: tokens(seed * 1000 + i, 6, vocab), tokens: tokens(seed * 7919 + i, length, vocab) }));

beforeAll(async () => {
  tokenizer = await getTokenizer('o200k_base');
});

describe('attributeClusters', () => {
  it.each([
    ['kgw', { context: 1 }],
    ['kgw', { context: 2, seeding: 'selfhash' }],
    ['gumbel', { context: 2 }],
    ['synthid', { context: 2, layers: 8 }],
  ] as const)('pools exactly the per-key closed-model statistics over the same deduplicated tuples (%s %o)', (scheme, params) => {
    const master = masterKey(1, scheme, params);
    // A small vocabulary makes tuples repeat within and across documents, and prompt tuples recur in responses.
    const outs = outputs(3, 12, 80, 40);
    const cluster = { id: 4, accounts: ['a', 'b', 'c'] };
    const r = attributeClusters(master, [cluster], outs, { alpha: 1e-3 });
    const singles = cluster.accounts.map((a) => closedModelTest(deriveAccountKey(master, a), outs, { alpha: 1e-3 }));
    const c = r.clusters[0]!;
    expect(c.scored).toBe(singles.reduce((n, t) => n + t.scored, 0));
    expect(c.score).toBeCloseTo(singles.reduce((n, t) => n + t.score, 0), 9);
    expect(c.keyIds).toEqual(cluster.accounts.map((a) => deriveAccountKey(master, a).keyId));
    expect(r.accounts.accountsTested).toBe(3);
  });

  it('a one-account cluster is that account’s own test', () => {
    const master = masterKey(2);
    const outs = outputs(5, 10, 60, 500);
    const r = attributeClusters(master, [{ id: 0, accounts: ['solo'] }], outs, { alpha: 1e-3 });
    const single = attributeAccounts(master, ['solo'], outs, { alpha: 1e-3 }).accounts[0]!;
    expect(r.clusters[0]!.log10PValue).toBe(single.log10PValue);
    expect(r.clusters[0]!.strongestAccount).toEqual({ account: 'solo', log10PValue: single.log10PValue });
  });

  it('Holm-corrects over the clusters tested and rejects malformed clusters', () => {
    const master = masterKey(3);
    const outs = outputs(6, 10, 60, 500);
    const r = attributeClusters(master, [{ id: 1, accounts: ['x', 'y'] }, { id: 2, accounts: ['z'] }, { id: 3, accounts: ['w', 'v'] }], outs, { alpha: 0.05 });
    expect(r.clusters.map((c) => c.adjusted)).toEqual(holmAdjust(r.clusters));
    expect(r.clusters.map((c) => c.detected)).toEqual(r.clusters.map((c) => c.adjusted.log10PValue < Math.log10(0.05)));
    expect(() => attributeClusters(master, [], outs, { alpha: 0.05 })).toThrow(/no clusters/);
    expect(() => attributeClusters(master, [{ id: 1, accounts: [] }], outs, { alpha: 0.05 })).toThrow(/no accounts/);
    expect(() => attributeClusters(master, [{ id: 1, accounts: ['a', 'a'] }], outs, { alpha: 0.05 })).toThrow(/twice/);
    expect(() => attributeClusters(master, [{ id: 1, accounts: ['a'] }, { id: 1, accounts: ['b'] }], outs, { alpha: 0.05 })).toThrow(/distinct/);
  });

  it('is calibrated: over 400 master keys on key-independent text, pooled p < 0.05 and < 0.01 no more often than Binomial allows', () => {
    const N = 400;
    let below05 = 0;
    let below01 = 0;
    const outs = outputs(9, 20, 100, 3000);
    for (let k = 0; k < N; k++) {
      const r = attributeClusters(masterKey(1000 + k), [{ id: 0, accounts: ['p', 'q', 'r', 's', 't'] }], outs, { alpha: 0.05 });
      const p = r.clusters[0]!.pValue;
      if (p < 0.05) below05++;
      if (p < 0.01) below01++;
    }
    // Each bound fails by chance with probability ≤ 0.001 when the test is valid.
    expect(below05).toBeLessThanOrEqual(binomialUpperCritical(N, 0.05, 0.001));
    expect(below01).toBeLessThanOrEqual(binomialUpperCritical(N, 0.01, 0.001));
  });
});
