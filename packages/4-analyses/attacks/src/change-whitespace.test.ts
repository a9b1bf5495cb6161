import { describe, expect, it } from 'vitest';
import { changeWhitespace, UNICODE_SPACES } from './change-whitespace.ts';
import { humanText, wordEdits } from './testing.ts';

const text = humanText(3).slice(0, 4000);
const singleGaps = (t: string) => (t.match(/(?<=\S) (?=\S)/g) ?? []).length;

describe('changeWhitespace', () => {
  for (const strength of [0.1, 0.5, 1]) {
    it(`rewrites ${strength * 100}% of the single-space gaps and no word`, () => {
      const r = changeWhitespace(text, { strength, seed: 4 });
      expect(wordEdits(text, r.text).distance).toBe(0);
      const before = singleGaps(text);
      expect(r.stats).toMatchObject({ unit: 'gap', total: before, changed: Math.round(strength * before) });
      // Measured: the gaps that are no longer one ASCII space.
      expect(before - singleGaps(r.text)).toBe(r.stats.changed);
      expect(r.text.replace(/[\s\p{Zs}]+/gu, ' ')).toBe(text.replace(/\s+/g, ' '));
    });
  }

  it('uses only the requested variants', () => {
    expect(changeWhitespace('a b c d', { strength: 1, seed: 1, variants: ['double'] }).text).toBe('a  b  c  d');
    expect(changeWhitespace('a b c d', { strength: 1, seed: 1, variants: ['tab'] }).text).toBe('a\tb\tc\td');
    expect(changeWhitespace('a b c d', { strength: 1, seed: 1, variants: ['newline'] }).text).toBe('a\nb\nc\nd');
    const u = changeWhitespace('a b c d e f', { strength: 1, seed: 1, variants: ['unicode'] }).text;
    for (const gap of u.split(/[a-f]/).slice(1, -1)) expect(UNICODE_SPACES).toContain(gap);
    expect(() => changeWhitespace('a b', { strength: 1, seed: 1, variants: [] })).toThrow(/whitespace: variants/);
  });

  it('is deterministic per seed', () => {
    expect(changeWhitespace(text, { strength: 0.4, seed: 2 })).toEqual(changeWhitespace(text, { strength: 0.4, seed: 2 }));
    expect(changeWhitespace(text, { strength: 0.4, seed: 3 }).text).not.toBe(changeWhitespace(text, { strength: 0.4, seed: 2 }).text);
  });
});
