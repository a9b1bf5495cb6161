import { beforeAll, describe, expect, it } from 'vitest';
import { humanText, referenceModel, type ReferenceModel } from './testing.ts';
import { ATTACK_KINDS, ATTACKS, isAttackKind, type AttackResources, TEXT_ATTACKS } from './attacks.ts';

let ref: ReferenceModel;
let resources: AttackResources;
const text = humanText(11).slice(0, 2500);

beforeAll(async () => {
  ref = await referenceModel(16);
  resources = { human: humanText(12), model: ref.model };
});


describe('ATTACKS registry', () => {
  it('covers every attack the robustness issue names', () => {
    expect([...ATTACK_KINDS].sort()).toEqual(
      ['case', 'copy-paste', 'delete-words', 'emoji', 'homoglyphs', 'insert-words', 'invisible', 'punctuation', 'regenerate', 'synonyms', 'truncate', 'whitespace'].sort(),
    );
    for (const [kind, a] of Object.entries(ATTACKS)) {
      expect(a.kind).toBe(kind);
      expect(a.description.length).toBeGreaterThan(10);
      expect(a.strength.length).toBeGreaterThan(5);
      expect(isAttackKind(kind)).toBe(true);
    }
    expect(isAttackKind('toString')).toBe(false);
    expect(ATTACKS.emoji.stage).toBe('generation');
    expect(TEXT_ATTACKS).toHaveLength(ATTACK_KINDS.length - 1);
  });

  for (const attack of TEXT_ATTACKS) {
    it(`${attack.kind}: deterministic per seed, changes the text at strength 0.3, leaves it at 0, rejects bad strengths`, () => {
      const a = attack.apply(text, { strength: 0.3, seed: 1 }, resources);
      expect(attack.apply(text, { strength: 0.3, seed: 1 }, resources)).toEqual(a);
      expect(a.text).not.toBe(text);
      expect(a.stats.changed).toBeGreaterThan(0);
      expect(a.stats.rate).toBeCloseTo(a.stats.changed / a.stats.total);
      expect(attack.apply(text, { strength: 0, seed: 1 }, resources).text).toBe(text);
      expect(() => attack.apply(text, { strength: -0.1, seed: 1 }, resources)).toThrow(RangeError);
      expect(() => attack.apply(text, { strength: attack.maxStrength + 0.5, seed: 1 }, resources)).toThrow(RangeError);
      for (const need of attack.needs) {
        expect(() => attack.apply(text, { strength: 0.3, seed: 1 }, { ...resources, [need]: undefined })).toThrow(new RegExp(`${attack.kind}: this attack needs`));
      }
    });
  }
});
