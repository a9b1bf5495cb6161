import { beforeAll, describe, expect, it } from 'vitest';
import { referenceModel, type ReferenceModel } from './testing.ts';
import { regenerateSpans, regenerateText } from './regenerate-spans.ts';
import { generate } from '@tracemark/models';

let ref: ReferenceModel;
let tokens: Uint32Array;
beforeAll(async () => {
  ref = await referenceModel(8);
  tokens = generate(ref.model, { prompt: ref.prompts[0]!, maxTokens: 240, seed: 1 }).tokens;
});

describe('regenerateSpans', () => {
  for (const fraction of [0.1, 0.3, 0.6]) {
    it(`regenerates ${fraction * 100}% of the tokens in 8-token spans, leaving the rest untouched`, () => {
      const r = regenerateSpans(tokens, ref.model, fraction, 3, { prompt: ref.prompts[0]! });
      expect(r.tokens).toHaveLength(tokens.length);
      expect(r.stats.spans).toBe(Math.round(fraction * 30));
      expect(r.stats.regenerated).toBe(8 * r.stats.spans);
      // Measured: positions that differ lie inside regenerated spans, and most regenerated positions differ.
      let differing = 0;
      const spansTouched = new Set<number>();
      for (let i = 0; i < tokens.length; i++) {
        if (r.tokens[i] !== tokens[i]) {
          differing++;
          spansTouched.add(Math.floor(i / 8));
        }
      }
      expect(differing).toBe(r.stats.changed);
      expect(spansTouched.size).toBeLessThanOrEqual(r.stats.spans);
      expect(differing).toBeGreaterThan(0.5 * r.stats.regenerated);
      expect(r.stats.rate).toBeCloseTo(differing / tokens.length);
    });
  }

  it('is deterministic per seed, and identity at fraction 0', () => {
    const a = regenerateSpans(tokens, ref.model, 0.3, 'k');
    expect(regenerateSpans(tokens, ref.model, 0.3, 'k')).toEqual(a);
    expect(regenerateSpans(tokens, ref.model, 0.3, 'j').tokens).not.toEqual(a.tokens);
    expect(regenerateSpans(tokens, ref.model, 0, 'k').tokens).toEqual(tokens);
    expect(() => regenerateSpans(tokens, ref.model, 0.3, 1, { spanLength: 0 })).toThrow(/regenerate: spanLength must be a positive integer/);
  });

  it('works on text through the model tokenizer', () => {
    const text = ref.tokenizer.decode(tokens);
    const r = regenerateText(text, ref.model, 0.5, 2);
    expect(r.text).not.toBe(text);
    expect(r.stats.total).toBe(ref.tokenizer.encode(text).length);
  });
});
