import { describe, expect, it } from 'vitest';
import { loadBuiltinCorpus, splitHeldOut } from './builtin.ts';
import { chunkTokens } from './chunk.ts';

describe('built-in corpora', () => {
  it('loads State of the Union addresses and Moby-Dick chapters from npm', () => {
    const sotu = loadBuiltinCorpus('sotu');
    const moby = loadBuiltinCorpus('moby-dick');
    expect(sotu.length).toBeGreaterThan(200);
    expect(moby.length).toBeGreaterThan(100);
    expect(sotu[0]!.text).toMatch(/Fellow-Citizens/);
    expect(new Set(sotu.map((d) => d.id)).size).toBe(sotu.length);
  });

  it('holds out every tenth document deterministically', () => {
    const { train, heldOut } = splitHeldOut([...Array(25).keys()], 10);
    expect(heldOut).toEqual([9, 19]);
    expect(train.length).toBe(23);
  });

  it('chunks token streams without a short tail', () => {
    const chunks = chunkTokens(Uint32Array.from([...Array(10).keys()]), 4);
    expect(chunks.map((c) => Array.from(c))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(() => chunkTokens(new Uint32Array(3), 0)).toThrow(RangeError);
  });
});
