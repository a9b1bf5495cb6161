import { describe, expect, it } from 'vitest';
import { segmentWords } from './_attack-kit.ts';
import { humanText, wordEdits } from './testing.ts';
import { deleteWords } from './delete-words.ts';

const text = humanText(0).slice(0, 4000);
const n = segmentWords(text).words.length;

describe('deleteWords', () => {
  for (const strength of [0.1, 0.3, 0.5]) {
    it(`deletes ${strength * 100}% of the words and nothing else (measured by word alignment)`, () => {
      const r = deleteWords(text, { strength, seed: 1 });
      const edits = wordEdits(text, r.text);
      expect(edits).toEqual({ deleted: Math.round(strength * n), inserted: 0, substituted: 0, distance: Math.round(strength * n) });
      expect(r.stats).toMatchObject({ unit: 'word', total: n, changed: edits.deleted });
      expect(Math.abs(r.stats.rate - strength)).toBeLessThanOrEqual(0.5 / n);
      // Deletion must not double spaces (that would be a whitespace attack on top).
      expect(r.text.match(/ {2,}/g)?.length ?? 0).toBe(text.match(/ {2,}/g)?.length ?? 0);
    });
  }

  it('is deterministic per seed and differs across seeds', () => {
    const a = deleteWords(text, { strength: 0.3, seed: 'x' });
    expect(deleteWords(text, { strength: 0.3, seed: 'x' })).toEqual(a);
    expect(deleteWords(text, { strength: 0.3, seed: 'y' }).text).not.toBe(a.text);
  });

  it('keeps text at strength 0, empties it at 1, and handles edges', () => {
    expect(deleteWords(text, { strength: 0, seed: 1 }).text).toBe(text);
    expect(deleteWords('one two three.', { strength: 1, seed: 1 }).text).toBe('.');
    expect(deleteWords('', { strength: 0.5, seed: 1 }).stats).toMatchObject({ total: 0, changed: 0, rate: 0 });
    expect(deleteWords('Alpha beta gamma', { strength: 2 / 3, seed: 3 }).text).toMatch(/^\S+$/);
  });

  it('rejects a bad strength with a titled error', () => {
    expect(() => deleteWords(text, { strength: 1.5, seed: 1 })).toThrow(/delete-words: strength must be a number in \[0, 1\]/);
    expect(() => deleteWords(text, { strength: Number.NaN, seed: 1 })).toThrow(RangeError);
  });
});
