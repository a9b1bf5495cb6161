import { createRng } from '@tracemark/stats';
import { describe, expect, it } from 'vitest';
import { generateKey } from './key.ts';
import { contextRepeats, scoreRange } from './scheme-core.ts';
import { type SchemeName } from './types.ts';
import { createSchemeCore } from './watermarker.ts';

describe('contextRepeats', () => {
  it('finds an earlier occurrence of the last h tokens', () => {
    expect(contextRepeats(Uint32Array.of(1, 2, 3, 9, 1, 2, 3), 3)).toBe(true);
    expect(contextRepeats(Uint32Array.of(1, 2, 3, 9, 1, 2, 3), 4)).toBe(false);
    expect(contextRepeats(Uint32Array.of(5, 5), 1)).toBe(true);
    expect(contextRepeats(Uint32Array.of(1, 2), 2)).toBe(false);
    expect(contextRepeats(Uint32Array.of(7, 1, 2, 1, 2), 2)).toBe(true);
  });
});

describe('scoreRange (the batch form detection uses) gives exactly scoreAt', () => {
  const tokenizer = { name: 'synthetic', vocabSize: 200_019, hash: 'sha256:synthetic' };
  const variants: [SchemeName, Record<string, unknown>][] = [
    ['kgw', {}], ['kgw', { context: 1, gamma: 0.5 }], ['kgw', { context: 2 }], ['kgw', { context: 4 }], ['kgw', { seeding: 'selfhash', context: 3 }],
    ['unigram', {}], ['gumbel', {}], ['synthid', {}],
  ];
  for (const [scheme, params] of variants) {
    it(`${scheme} ${JSON.stringify(params)}`, () => {
      const secret = new Uint8Array(32).fill(scheme.length + Object.keys(params).length);
      const core = createSchemeCore(generateKey({ scheme, tokenizer, secret, params, createdAt: new Date(0) }));
      const random = createRng(99);
      // Token ids over the whole range, 0 and the largest included, and repeats.
      const tokens = Uint32Array.from({ length: 3000 }, (_, i) => (i % 97 === 0 ? 0 : i % 89 === 0 ? 200_018 : i % 5 === 0 ? 13 : Math.floor(random() * 200_019)));
      const from = core.contextWidth + 7;
      const n = tokens.length - from;
      const ids = new Uint32Array(2 * n);
      const scores = new Float64Array(n);
      scoreRange(core, tokens, from, tokens.length, ids, scores);
      const id = new Uint32Array(2);
      for (let j = 0; j < n; j++) {
        const s = core.scoreAt(tokens, from + j, id);
        if (scores[j] !== s || ids[2 * j] !== id[0] || ids[2 * j + 1] !== id[1]) throw new Error(`position ${from + j}: ${scores[j]} ${ids[2 * j]} ${ids[2 * j + 1]} vs ${s} ${id[0]} ${id[1]}`);
      }
      expect(new Set(scores).size).toBeGreaterThan(1);
    });
  }
  it('KGW with left-hash context has the batch form (the path detection takes)', () => {
    const core = createSchemeCore(generateKey({ scheme: 'kgw', tokenizer, secret: new Uint8Array(32), params: {}, createdAt: new Date(0) }));
    expect(core.scoreRange).toBeTypeOf('function');
  });
});
