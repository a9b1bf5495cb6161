import { describe, expect, it } from 'vitest';
import { segmentWords } from './_attack-kit.ts';
import { changeCase } from './change-case.ts';
import { humanText } from './testing.ts';

const text = humanText(2).slice(0, 4000);
const words = segmentWords(text).words;

function caseEdits(a: string, b: string): number {
  const wa = segmentWords(a).words;
  const wb = segmentWords(b).words;
  expect(wb.length).toBe(wa.length);
  let changed = 0;
  wa.forEach((w, i) => {
    expect(wb[i]!.toLowerCase()).toBe(w.toLowerCase());
    if (wb[i] !== w) changed++;
  });
  return changed;
}

describe('changeCase', () => {
  for (const strength of [0.1, 0.3, 0.5]) {
    it(`changes the case of ${strength * 100}% of the words and nothing else`, () => {
      const r = changeCase(text, { strength, seed: 3 });
      const measured = caseEdits(text, r.text);
      expect(measured).toBe(r.stats.changed);
      expect(r.stats.changed).toBe(Math.round(strength * words.length));
      expect(r.text.toLowerCase()).toBe(text.toLowerCase());
    });
  }

  it('applies each mode', () => {
    expect(changeCase('We the People', { strength: 1, seed: 1, mode: 'upper' }).text).toBe('WE THE PEOPLE');
    expect(changeCase('We the People', { strength: 1, seed: 1, mode: 'lower' }).text).toBe('we the people');
    expect(changeCase('we the PEOPLE', { strength: 1, seed: 1, mode: 'capitalize' }).text).toBe('We The People');
    const r = changeCase('government and commerce', { strength: 1, seed: 1, mode: 'random' });
    expect(r.text.toLowerCase()).toBe('government and commerce');
    expect(r.stats.changed).toBe(3);
  });

  it('is deterministic per seed and rejects bad input', () => {
    expect(changeCase(text, { strength: 0.3, seed: 1 })).toEqual(changeCase(text, { strength: 0.3, seed: 1 }));
    expect(changeCase(text, { strength: 0, seed: 1 }).text).toBe(text);
    expect(() => changeCase(text, { strength: 0.3, seed: 1, mode: 'title' as never })).toThrow(/case: mode must be one of/);
  });
});
