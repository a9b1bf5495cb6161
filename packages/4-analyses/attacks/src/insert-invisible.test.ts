import { describe, expect, it } from 'vitest';
import { INVISIBLE_CHARACTERS, insertInvisible } from './insert-invisible.ts';
import { humanText } from './testing.ts';

const text = humanText(5).slice(0, 3000);
const invisible = new Set(INVISIBLE_CHARACTERS);
const strip = (t: string) => Array.from(t).filter((c) => !invisible.has(c)).join('');

describe('insertInvisible', () => {
  for (const strength of [0.01, 0.1, 0.3]) {
    it(`inserts ${strength} invisible characters per character and nothing else`, () => {
      const r = insertInvisible(text, { strength, seed: 6 });
      const n = Array.from(text).length;
      expect(strip(r.text)).toBe(text);
      const inserted = Array.from(r.text).filter((c) => invisible.has(c)).length;
      expect(inserted).toBe(Math.round(strength * n));
      expect(r.stats).toMatchObject({ unit: 'character', total: n, changed: inserted });
    });
  }

  it('draws from zero-width, joiner, word-joiner, BOM and variation-selector characters', () => {
    const used = new Set(Array.from(insertInvisible('x'.repeat(3000), { strength: 1, seed: 1 }).text).filter((c) => c !== 'x'));
    for (const c of ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\ufe0f']) expect(used).toContain(c);
    expect([...used].every((c) => /\p{Default_Ignorable_Code_Point}/u.test(c))).toBe(true);
  });

  it('is deterministic per seed', () => {
    expect(insertInvisible(text, { strength: 0.1, seed: 1 })).toEqual(insertInvisible(text, { strength: 0.1, seed: 1 }));
    expect(insertInvisible(text, { strength: 0.1, seed: 2 }).text).not.toBe(insertInvisible(text, { strength: 0.1, seed: 1 }).text);
  });
});
