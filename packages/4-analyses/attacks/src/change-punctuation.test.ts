import { describe, expect, it } from 'vitest';
import { changePunctuation, PUNCTUATION_SWAPS } from './change-punctuation.ts';
import { humanText } from './testing.ts';

const text = humanText(4).slice(0, 4000);
const marks = (t: string) => (t.match(/\p{P}/gu) ?? []).length;
const letters = (t: string) => t.replace(/[^\p{L}\p{N}]/gu, '');

describe('changePunctuation', () => {
  for (const strength of [0.2, 0.5, 1]) {
    it(`changes ${strength * 100}% of the punctuation marks and no letter`, () => {
      const r = changePunctuation(text, { strength, seed: 5 });
      expect(letters(r.text)).toBe(letters(text));
      const n = marks(text);
      expect(r.stats).toMatchObject({ unit: 'mark', total: n, changed: Math.round(strength * n) });
      expect(r.stats.deleted + r.stats.replaced).toBe(r.stats.changed);
      expect(r.stats.deleted).toBeGreaterThan(0);
      expect(r.stats.replaced).toBeGreaterThan(0);
      // Measured: a deletion removes one mark; a swap puts one or two marks where one was.
      const after = marks(r.text);
      expect(after).toBeGreaterThanOrEqual(n - r.stats.deleted);
      expect(after).toBeLessThanOrEqual(n - r.stats.deleted + r.stats.replaced);
    });
  }

  it('swaps only for near neighbours', () => {
    const r = changePunctuation('a, b, c, d, e, f, g, h.', { strength: 1, seed: 2 });
    for (const m of r.text.match(/\p{P}+/gu) ?? []) expect([...PUNCTUATION_SWAPS[',']!, ...PUNCTUATION_SWAPS['.']!].map((s) => s.trim())).toContain(m);
  });

  it('is deterministic per seed', () => {
    expect(changePunctuation(text, { strength: 0.5, seed: 1 })).toEqual(changePunctuation(text, { strength: 0.5, seed: 1 }));
    expect(changePunctuation(text, { strength: 0, seed: 1 }).text).toBe(text);
  });
});
