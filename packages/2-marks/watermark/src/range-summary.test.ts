import { describe, expect, it } from 'vitest';
import { createRng } from '@tracemark/stats';
import { createDetector, type DocumentInput } from './detector.ts';
import { generateKey } from './key.ts';
import { RangeMerger, RangeSummary } from './range-summary.ts';
import { type SchemeName } from './types.ts';

const tokenizer = { name: 'test', vocabSize: 60, hash: 'sha256:test' };

/**
 * Documents over a small vocabulary, so tuples repeat within and across documents, with prompts
 * that sometimes hold tuples earlier or later bodies hold too, and some exact copies (shared text).
 */
function corpus(seed: string, count: number, vocab = 12, length = 40): DocumentInput[] {
  const random = createRng(seed);
  const tokens = (n: number) => Uint32Array.from({ length: n }, () => Math.floor(random() * vocab));
  const docs: DocumentInput[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0 && random() < 0.1) {
      docs.push(docs[Math.floor(random() * i)]!);
      continue;
    }
    const body = tokens(1 + Math.floor(random() * length));
    docs.push(random() < 0.4 ? { tokens: body, prompt: tokens(Math.floor(random() * 10)) } : { tokens: body });
  }
  return docs;
}

describe('RangeSummary and RangeMerger', () => {
  for (const scheme of ['kgw', 'gumbel', 'unigram'] as SchemeName[]) {
    it(`give the single run's aggregate exactly on random splits, merged in any order (${scheme})`, () => {
      const secret = new Uint8Array(32).fill(7);
      const key = generateKey({ scheme, tokenizer, secret, params: {}, createdAt: new Date(0) });
      const detector = createDetector(key);
      const random = createRng(`splits-${scheme}`);
      for (let trial = 0; trial < 30; trial++) {
        const docs = corpus(`${scheme}-${trial}`, 5 + Math.floor(random() * 60));
        const single = detector.session({ documents: false });
        for (const d of docs) single.add(d);
        const want = single.partialAggregate();
        // Cut into 1–6 consecutive parts, each summarized by its own session (as a worker would).
        const cuts = [0, ...Array.from({ length: Math.floor(random() * 6) }, () => Math.floor(random() * docs.length)).sort((a, b) => a - b), docs.length];
        const parts = cuts.slice(1).map((end, p) => {
          const session = detector.session({ documents: false });
          const summary = new RangeSummary();
          for (const d of docs.slice(cuts[p]!, end)) summary.add(session.prepare(d));
          return JSON.parse(JSON.stringify(summary.toJSON()));
        });
        const merger = new RangeMerger();
        const order = parts.map((_, i) => i).sort(() => random() - 0.5);
        for (const i of order) merger.add(i, parts[i]);
        const got = merger.result();
        expect({ documents: got.documents, tokens: got.tokens, scored: got.scored, scoreUnits: got.score.toJSON(), sharedTuples: got.sharedTuples }).toEqual(want);
      }
    });
  }

  it('stays exact when its tables grow many times over (tens of thousands of distinct tuples)', () => {
    const key = generateKey({ scheme: 'kgw', tokenizer, secret: new Uint8Array(32).fill(9), params: {}, createdAt: new Date(0) });
    const detector = createDetector(key);
    const docs = corpus('large', 400, 50_000, 400);
    const single = detector.session({ documents: false });
    for (const d of docs) single.add(d);
    const merger = new RangeMerger();
    const parts = [[0, 150], [150, 151], [151, 400]].map(([from, to]) => {
      const session = detector.session({ documents: false });
      const summary = new RangeSummary();
      for (const d of docs.slice(from, to)) summary.add(session.prepare(d));
      return summary.toJSON();
    });
    for (const index of [2, 0, 1]) merger.add(index, parts[index]!);
    const got = merger.result();
    expect(got.scored).toBeGreaterThan(50_000);
    expect({ documents: got.documents, tokens: got.tokens, scored: got.scored, scoreUnits: got.score.toJSON(), sharedTuples: got.sharedTuples }).toEqual(single.partialAggregate());
  });

  it('exercises prompts that exclude tuples and documents that share them', () => {
    const key = generateKey({ scheme: 'kgw', tokenizer, secret: new Uint8Array(32).fill(7), params: {}, createdAt: new Date(0) });
    const withPrompts = createDetector(key).session({ documents: false });
    const without = createDetector(key).session({ documents: false });
    for (const d of corpus('kgw-0', 60)) (withPrompts.add(d), without.add({ tokens: d.tokens! }));
    expect(withPrompts.partialAggregate().scored).toBeLessThan(without.partialAggregate().scored);
    expect(withPrompts.partialAggregate().sharedTuples).toBeGreaterThan(0);
  });

  it('refuses a part given twice or a malformed part', () => {
    const summary = new RangeSummary().toJSON();
    const merger = new RangeMerger();
    merger.add(0, summary);
    expect(() => merger.add(0, summary)).toThrow(/given twice/);
    expect(() => merger.add(1, { ...summary, tuples: 3 })).toThrow(/bytes/);
  });
});
