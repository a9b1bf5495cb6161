import { describe, expect, it } from 'vitest';
import { HOMOGLYPHS, substituteHomoglyphs } from './substitute-homoglyphs.ts';
import { humanText } from './testing.ts';

const text = humanText(6).slice(0, 3000);
const back = new Map<string, string>();
for (const [latin, looks] of Object.entries(HOMOGLYPHS)) for (const l of looks) back.set(l, latin);
const asciiLetters = (t: string) => (t.match(/[A-Za-z]/g) ?? []).length;

describe('substituteHomoglyphs', () => {
  for (const strength of [0.05, 0.2, 0.4]) {
    it(`replaces ${strength * 100}% of the Latin letters by look-alikes`, () => {
      const r = substituteHomoglyphs(text, { strength, seed: 7 });
      expect(Array.from(r.text, (c) => back.get(c) ?? c).join('')).toBe(text);
      const n = asciiLetters(text);
      const replaced = n - asciiLetters(r.text);
      expect(replaced).toBe(Math.round(strength * n));
      expect(r.stats).toMatchObject({ unit: 'letter', total: n, changed: replaced });
      expect(Array.from(r.text).filter((c) => back.has(c)).every((c) => /[\p{Script=Cyrillic}\p{Script=Greek}]/u.test(c))).toBe(true);
    });
  }

  it('is capped by the letters that have look-alikes, and says so', () => {
    const r = substituteHomoglyphs(text, { strength: 1, seed: 1 });
    expect(r.stats.changed).toBe(r.stats.eligible);
    expect(r.stats.rate).toBeLessThan(1);
  });

  it('has fullwidth and mathematical styles that NFKC undoes', () => {
    for (const style of ['fullwidth', 'math'] as const) {
      const r = substituteHomoglyphs('Watermark Text', { strength: 1, seed: 1, style });
      expect(r.stats.changed).toBe(13);
      expect(r.text).not.toMatch(/[A-Za-z]/);
      expect(r.text.normalize('NFKC')).toBe('Watermark Text');
    }
  });

  it('is deterministic per seed', () => {
    expect(substituteHomoglyphs(text, { strength: 0.2, seed: 1 })).toEqual(substituteHomoglyphs(text, { strength: 0.2, seed: 1 }));
    expect(substituteHomoglyphs(text, { strength: 0, seed: 1 }).text).toBe(text);
  });
});
