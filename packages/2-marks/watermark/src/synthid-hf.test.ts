/**
 * synthid-hf against test vectors from an independent Python implementation of the algorithm
 * transformers publishes (../test-vectors/synthid-hf-vectors.py; NOT produced by transformers or
 * PyTorch, see its provenance note), and the key file round trip for imported configurations.
 */
import { readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { generateKey, KeyError, parseKey, serializeKey } from './key.ts';
import { mt19937 } from './mt19937.ts';
import { synthidHfAccumulateHash, synthidHfContextMask, synthidHfGValues, synthidHfSamplingTable } from './synthid-hf.ts';
import { type SynthIdHfParams } from './types.ts';
import { createSchemeCore } from './watermarker.ts';

interface VectorCase {
  ngramLen: number;
  keys: string[];
  samplingTableSize: number;
  samplingTableSeed: number;
  contextHistorySize: number;
  ids: number[];
  gValues: number[][];
  contextMask: number[];
  contextHashes: string[];
}
const vectors = JSON.parse(readFileSync(new URL('../test-vectors/synthid-hf.json', import.meta.url), 'utf8')) as {
  mt19937: { seed5489_10000th: number; seed0_first5: number[] };
  defaultTable: { size: number; seed: number; ones: number; sha256: string; first64: number[] };
  cases: VectorCase[];
};
const TOKENIZER = { name: 'test', vocabSize: 1 << 32, hash: 'sha256:test' };

describe('synthid-hf reproduces the published algorithm bit for bit', () => {
  it('MT19937 as PyTorch seeds it', () => {
    const next = mt19937(5489);
    let last = 0;
    for (let i = 0; i < 10_000; i++) last = next();
    expect(last).toBe(vectors.mt19937.seed5489_10000th);
    const zero = mt19937(0);
    expect(Array.from({ length: 5 }, zero)).toEqual(vectors.mt19937.seed0_first5);
  });

  it('the default sampling table (2^16 entries, seed 0)', () => {
    const t = vectors.defaultTable;
    const table = synthidHfSamplingTable(t.size, t.seed);
    expect(Array.from(table.subarray(0, 64))).toEqual(t.first64);
    expect(table.reduce((s, b) => s + b, 0)).toBe(t.ones);
    expect(bytesToHex(sha256(table))).toBe(t.sha256);
  });

  it.each(vectors.cases.map((c, i) => [i, c] as const))('case %i: g-values, context hashes and context repetition mask', (_, c) => {
    const ids = Uint32Array.from(c.ids);
    const keys = c.keys.map((k) => BigInt(k));
    const table = synthidHfSamplingTable(c.samplingTableSize, c.samplingTableSeed);
    const g = synthidHfGValues(ids, { ngramLen: c.ngramLen }, keys, table);
    expect(Array.from(g)).toEqual(c.gValues.flat());
    expect(c.contextHashes.map((_, r) => String(synthidHfAccumulateHash(1n, c.ids.slice(r, r + c.ngramLen - 1))))).toEqual(c.contextHashes);
    expect(Array.from(synthidHfContextMask(ids, c))).toEqual(c.contextMask);
    // The detector's per-position score is the row sum of the same g-values.
    const key = generateKey({ scheme: 'synthid-hf', tokenizer: TOKENIZER, synthidKeys: keys, params: { ngramLen: c.ngramLen, samplingTableSize: c.samplingTableSize, samplingTableSeed: c.samplingTableSeed } });
    const core = createSchemeCore(key);
    const out = new Uint32Array(2);
    for (let r = 0; r < c.gValues.length; r++) expect(core.scoreAt(ids, r + c.ngramLen - 1, out)).toBe(c.gValues[r]!.reduce((s, v) => s + v, 0));
    expect(core.nullProbability).toBe(table.reduce((s, b) => s + b, 0) / table.length);
  });
});

describe('synthid-hf keys', () => {
  const keys = [654n, 400n, -(1n << 63n), (1n << 63n) - 1n];

  it('round-trips imported keys exactly, and the key id binds them', () => {
    const key = generateKey({ scheme: 'synthid-hf', tokenizer: TOKENIZER, synthidKeys: keys, params: { ngramLen: 3 } });
    expect((key.params as SynthIdHfParams).layers).toBe(4);
    const text = serializeKey(key);
    const back = parseKey(text, 'k.json');
    expect(back.synthidKeys).toEqual(keys);
    expect(back.keyId).toBe(key.keyId);
    const other = generateKey({ scheme: 'synthid-hf', tokenizer: TOKENIZER, synthidKeys: [654n, 400n, 1n, 2n], params: { ngramLen: 3 } });
    expect(other.keyId).not.toBe(key.keyId);
    expect(() => parseKey(text.replace('"654"', '"655"'), 'k.json')).toThrow(/k\.json: "secret" is not the digest/);
    expect(JSON.stringify((({ secret: _s, synthidKeys: _k, ...pub }) => pub)(key), (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain('654');
  });

  it('rejects what it cannot test exactly or represent', () => {
    expect(() => generateKey({ scheme: 'synthid-hf', tokenizer: TOKENIZER, synthidKeys: keys, params: { samplingTableSize: 1000 } })).toThrow(KeyError);
    expect(() => generateKey({ scheme: 'synthid-hf', tokenizer: TOKENIZER, synthidKeys: [1n << 63n] })).toThrow(/signed 64-bit/);
    expect(() => generateKey({ scheme: 'synthid-hf', tokenizer: TOKENIZER, synthidKeys: keys, params: { layers: 5 } })).toThrow(/does not match/);
    expect(() => generateKey({ scheme: 'kgw', tokenizer: TOKENIZER, synthidKeys: keys })).toThrow(/only to scheme synthid-hf/);
  });
});
