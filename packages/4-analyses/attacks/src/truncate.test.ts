import { describe, expect, it } from 'vitest';
import { segmentWords } from './_attack-kit.ts';
import { humanText } from './testing.ts';
import { truncate } from './truncate.ts';

const text = humanText(7).slice(0, 3000);
const n = segmentWords(text).words.length;

describe('truncate', () => {
  for (const strength of [0.25, 0.5, 0.9]) {
    it(`removes ${strength * 100}% of the words from the end`, () => {
      const r = truncate(text, { strength, seed: 0 });
      expect(text.startsWith(r.text)).toBe(true);
      const kept = segmentWords(r.text).words.length;
      expect(kept).toBe(n - Math.round(strength * n));
      expect(r.stats).toMatchObject({ unit: 'word', total: n, changed: n - kept, kept });
    });
  }

  it('can keep the end or a seeded middle passage', () => {
    expect(truncate('one two three four', { strength: 0.5, seed: 0, keep: 'end' }).text).toBe('three four');
    const mid = truncate(text, { strength: 0.5, seed: 3, keep: 'middle' });
    expect(text.includes(mid.text)).toBe(true);
    expect(truncate(text, { strength: 0.5, seed: 3, keep: 'middle' })).toEqual(mid);
    expect(truncate('one two', { strength: 1, seed: 0 }).text).toBe('');
    expect(truncate('one two.', { strength: 0, seed: 0 }).text).toBe('one two.');
  });
});
