import { describe, expect, it } from 'vitest';
import { referenceKneserNey, tinyTokenizer } from './testing.ts';
import { countNgrams } from './count-ngrams.ts';
import { checkNgramTables, discountsFromCountOfCounts } from './ngram-tables.ts';
import { NgramModel } from './ngram-model.ts';
import { createRng } from '@tracemark/stats';
import { trainNgram } from './train-ngram.ts';

const V = 12;
const S = 1;
const F = 2;
const X = 3;

/** "S F" ten times (F: raw count 10, one left neighbour); X after five different tokens (raw count 5). */
const sanFrancisco = [
  ...Array.from({ length: 10 }, () => [S, F, 0]),
  [4, X, 0],
  [5, X, 0],
  [6, X, 0],
  [7, X, 0],
  [8, X, 0],
];

function randomCorpus(seed: number, docs: number, vocab: number): number[][] {
  const random = createRng(seed);
  return Array.from({ length: docs }, () => {
    const n = 1 + Math.floor(random() * 30);
    // A skewed distribution so counts of 1, 2, 3 and 4 all occur at every order.
    return Array.from({ length: n }, () => Math.floor(vocab * random() ** 2));
  });
}

describe('countNgrams', () => {
  it('stores raw counts at the top order and continuation counts below', () => {
    const t = countNgrams([Uint32Array.of(0, 1, 0, 1, 2, 1)], 2, 3);
    checkNgramTables(t);
    const entries = (ctx: number) => {
      const out: Record<number, number> = {};
      for (let p = t.offsets[ctx]!; p < t.offsets[ctx + 1]!; p++) out[t.tokens[p]!] = t.counts[p]!;
      return out;
    };
    // Root: continuation counts = distinct left neighbours (bos counts as one): 0 ← {bos, 1}, 1 ← {0, 2}, 2 ← {1}.
    expect(entries(0)).toEqual({ 0: 2, 1: 2, 2: 1 });
    // Length-1 contexts, breadth-first in token order: (0), (1), (2), (bos).
    expect(Array.from(t.ctxToken.subarray(1))).toEqual([0, 1, 2, 3]);
    expect(entries(1)).toEqual({ 1: 2 });
    expect(entries(2)).toEqual({ 0: 1, 2: 1 });
    expect(entries(3)).toEqual({ 1: 1 });
    expect(entries(4)).toEqual({ 0: 1 });
  });

  it('numbers contexts canonically: shuffled documents give identical tables', () => {
    const docs = randomCorpus(1, 60, V).map((d) => Uint32Array.from(d));
    const a = countNgrams(docs, 4, V);
    const b = countNgrams([...docs].reverse(), 4, V);
    expect(b).toEqual(a);
    checkNgramTables(a);
  });

  it('rejects token ids outside the vocabulary and empty input', () => {
    expect(() => countNgrams([Uint32Array.of(1, 12)], 3, V)).toThrow(/document 0: token id 12/);
    expect(() => countNgrams([new Uint32Array(0)], 3, V)).toThrow(RangeError);
    expect(() => countNgrams([Uint32Array.of(1)], 7, V)).toThrow(/order/);
  });
});

describe('modified Kneser-Ney discounts', () => {
  it('follows Chen & Goodman eq. 26 and stays in bounds when undefined', () => {
    // Y = 10 / (10 + 2·5) = 0.5; D1 = 1 − 2·0.5·5/10; D2 = 2 − 3·0.5·3/5; D3 = 3 − 4·0.5·2/3.
    const [d1, d2, d3] = discountsFromCountOfCounts(10, 5, 3, 2);
    expect(d1).toBeCloseTo(0.5, 14);
    expect(d2).toBeCloseTo(1.1, 14);
    expect(d3).toBeCloseTo(3 - 4 / 3, 14);
    for (const coc of [[0, 0, 0, 0], [5, 0, 0, 0], [1, 9, 0, 4], [3, 1, 1, 1]] as [number, number, number, number][]) {
      const [a, b, c] = discountsFromCountOfCounts(...coc);
      expect(a).toBeGreaterThan(0);
      expect(a).toBeLessThan(1);
      expect(b).toBeGreaterThanOrEqual(a);
      expect(b).toBeLessThan(2);
      expect(c).toBeGreaterThanOrEqual(b);
      expect(c).toBeLessThan(3);
    }
  });
});

describe('Kneser-Ney sanity on hand-made corpora', () => {
  const tokenizer = tinyTokenizer(V);
  const model = trainNgram({ tokenizer, order: 3, sources: [{ name: 'sf', documents: sanFrancisco.map((d) => Uint32Array.from(d)) }] });

  it('prefers a token seen after many words over a frequent one seen after one word, in a new context', () => {
    const p = model.probs(Uint32Array.of(9, 10));
    expect(p[X]).toBeGreaterThan(p[F]!);
    // Raw frequency would say the opposite: F occurs 10 times, X 5 times.
  });

  it('predicts the continuation seen in a known context', () => {
    // Every document starts "S F": after S at a document start, F is near certain.
    const top = model.topK(Uint32Array.of(S), 3);
    expect(top.ids[0]).toBe(F);
    expect(Math.exp(top.logProbs[0]!)).toBeGreaterThan(0.8);
  });

  it('matches a brute-force implementation of the formulas on random corpora', () => {
    for (const [seed, order] of [[1, 2], [2, 3], [3, 4], [4, 5]] as const) {
      const docs = randomCorpus(seed, 40, V);
      const m = trainNgram({ tokenizer, order, sources: [{ name: 'r', documents: docs.map((d) => Uint32Array.from(d)) }] });
      const contexts = [[], [0], [1, 2], docs[0]!.slice(0, 5), docs[3]!, [11, 11, 11, 11], [0, 0, 0, 0, 0, 0, 0]];
      for (const context of contexts) {
        const expected = referenceKneserNey(docs, order, V, (k) => m.discountsFor(k), context);
        const actual = m.probs(Uint32Array.from(context));
        for (let w = 0; w < V; w++) expect(actual[w]).toBeCloseTo(expected[w]!, 13);
      }
    }
  });

  it('refuses tables built for another vocabulary size', () => {
    const tables = countNgrams([Uint32Array.of(1, 2)], 2, 5);
    expect(() => new NgramModel({ tables, tokenizer, name: 'x', sources: [] })).toThrow(/tiny-12/);
  });
});
