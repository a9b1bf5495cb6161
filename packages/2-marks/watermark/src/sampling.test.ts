import { describe, expect, it } from 'vitest';
import { checkSampleOptions, drawIndex, prepareCandidates } from './sampling.ts';
import { seededRandom } from './testing.ts';

const random = seededRandom(1);

describe('prepareCandidates', () => {
  const logits = Float32Array.of(0, 3, 1, 2, -1);

  it('keeps the k largest logits and normalises', () => {
    const c = prepareCandidates(null, logits, { topK: 2, random });
    expect(Array.from(c.ids).sort()).toEqual([1, 3]);
    expect(c.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('maps sparse candidates back to their token ids', () => {
    const ids = Uint32Array.of(10, 20, 30, 40, 50);
    const c = prepareCandidates(ids, logits, { topK: 1, random });
    expect(Array.from(c.ids)).toEqual([20]);
  });

  it('applies nucleus truncation after temperature', () => {
    const c = prepareCandidates(null, logits, { topP: 0.5, random });
    expect(Array.from(c.ids)).toEqual([1]);
    const hot = prepareCandidates(null, logits, { topP: 0.5, temperature: 10, random });
    expect(hot.ids.length).toBeGreaterThan(1);
  });

  it('is greedy at temperature 0', () => {
    expect(Array.from(prepareCandidates(null, logits, { temperature: 0, random }).ids)).toEqual([1]);
  });

  it('rejects bad options with the option named', () => {
    expect(() => checkSampleOptions({ temperature: -1, random })).toThrow(/temperature/);
    expect(() => checkSampleOptions({ topK: 1.5, random })).toThrow(/topK/);
    expect(() => checkSampleOptions({ topP: 0, random })).toThrow(/topP/);
  });

  it('draws indices in proportion to probability', () => {
    const probs = Float64Array.of(0.2, 0.5, 0.3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[drawIndex(probs, random())]!++;
    expect(counts[0]! / 30_000).toBeCloseTo(0.2, 1);
    expect(counts[1]! / 30_000).toBeCloseTo(0.5, 1);
  });
});
