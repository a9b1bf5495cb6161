import { describe, expect, it } from 'vitest';
import { segmentWords } from './_attack-kit.ts';
import { humanText, wordEdits } from './testing.ts';
import { corpusVocabulary } from './corpus-vocabulary.ts';
import { insertWords } from './insert-words.ts';

const text = humanText(1).slice(0, 4000);
const n = segmentWords(text).words.length;

describe('insertWords', () => {
  for (const strength of [0.1, 0.3, 1]) {
    it(`inserts ${strength} words per word, drawn from the corpus vocabulary (measured by word alignment)`, () => {
      const r = insertWords(text, { strength, seed: 2 });
      const k = Math.round(strength * n);
      const edits = wordEdits(text, r.text);
      expect(edits.distance).toBe(k);
      expect(edits.inserted - edits.deleted).toBe(k);
      expect(segmentWords(r.text).words.length).toBe(n + k);
      expect(r.stats).toMatchObject({ unit: 'word', total: n, changed: k, outputWords: n + k });
      expect(Math.abs(r.stats.rate - strength)).toBeLessThanOrEqual(0.5 / n);
    });
  }

  it('draws words by corpus frequency: common words dominate', () => {
    const vocabulary = corpusVocabulary();
    expect(vocabulary.words[0]).toBe('the');
    const r = insertWords('a '.repeat(2000), { strength: 1, seed: 5 });
    const inserted = segmentWords(r.text).words.filter((w) => w !== 'a');
    const known = new Set(vocabulary.words);
    expect(inserted.every((w) => known.has(w))).toBe(true);
    const the = inserted.filter((w) => w === 'the').length / inserted.length;
    expect(the).toBeGreaterThan(0.03); // 'the' is ~6% of the corpus' words
  });

  it('is deterministic per seed and identity at strength 0', () => {
    expect(insertWords(text, { strength: 0.2, seed: 9 })).toEqual(insertWords(text, { strength: 0.2, seed: 9 }));
    expect(insertWords(text, { strength: 0.2, seed: 8 }).text).not.toBe(insertWords(text, { strength: 0.2, seed: 9 }).text);
    expect(insertWords(text, { strength: 0, seed: 1 }).text).toBe(text);
    expect(() => insertWords(text, { strength: 5, seed: 1 })).toThrow(/insert-words: strength must be a number in \[0, 4\]/);
  });
});
